package io.tokenport.engine.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The key-value metadata of a GGUF file, with typed accessors.
 *
 * <p>Values are held as Java objects: integer types up to 32 bits signed as {@link Integer}, {@code UINT32},
 * {@code INT64} and {@code UINT64} as {@link Long}, floats as {@link Float} or {@link Double}, booleans, strings,
 * and arrays as {@code int[]}, {@code long[]}, {@code float[]}, {@code double[]}, {@code boolean[]},
 * {@code String[]}, or {@code Object[]} for arrays of arrays. Accessors accept any type that converts without
 * loss, so a model written with {@code UINT32} where another writer used {@code INT32} reads the same.
 * A missing or mistyped required key is a {@link GGUFFormatException} naming the key.
 */
public final class GGUFMetadata {
    private final String source;
    private final Map<String, Object> values;
    private final Map<String, GGUFValueType> types;

    GGUFMetadata(String source, LinkedHashMap<String, Object> values, LinkedHashMap<String, GGUFValueType> types) {
        this.source = source;
        this.values = Collections.unmodifiableMap(values);
        this.types = Collections.unmodifiableMap(types);
    }

    /** Keys in file order. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** Whether the key is present. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The raw value (see the class comment for types), or {@code null}. */
    public Object get(String key) {
        return values.get(key);
    }

    /** The GGUF type the key was written with, or {@code null}. */
    public GGUFValueType typeOf(String key) {
        return types.get(key);
    }

    /** All values, in file order. */
    public Map<String, Object> asMap() {
        return values;
    }

    public String getString(String key) {
        return as(key, String.class, "a string");
    }

    public String getString(String key, String fallback) {
        return has(key) ? getString(key) : fallback;
    }

    public int getInt(String key) {
        Object v = require(key);
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
            return (int) (long) l;
        }
        throw wrongType(key, "an integer that fits in 32 bits");
    }

    public int getInt(String key, int fallback) {
        return has(key) ? getInt(key) : fallback;
    }

    public long getLong(String key) {
        Object v = require(key);
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Long l) {
            return l;
        }
        throw wrongType(key, "an integer");
    }

    public float getFloat(String key) {
        Object v = require(key);
        if (v instanceof Float f) {
            return f;
        }
        if (v instanceof Double d) {
            return (float) (double) d;
        }
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Long l) {
            return l;
        }
        throw wrongType(key, "a number");
    }

    public float getFloat(String key, float fallback) {
        return has(key) ? getFloat(key) : fallback;
    }

    public boolean getBoolean(String key) {
        return as(key, Boolean.class, "a boolean");
    }

    public boolean getBoolean(String key, boolean fallback) {
        return has(key) ? getBoolean(key) : fallback;
    }

    public String[] getStringArray(String key) {
        return as(key, String[].class, "an array of strings");
    }

    public float[] getFloatArray(String key) {
        Object v = require(key);
        if (v instanceof float[] f) {
            return f;
        }
        if (v instanceof double[] d) {
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }
        throw wrongType(key, "an array of floats");
    }

    public int[] getIntArray(String key) {
        Object v = require(key);
        if (v instanceof int[] a) {
            return a;
        }
        if (v instanceof long[] l) {
            int[] a = new int[l.length];
            for (int i = 0; i < l.length; i++) {
                if (l[i] < Integer.MIN_VALUE || l[i] > Integer.MAX_VALUE) {
                    throw wrongType(key, "an array of 32-bit integers (element " + i + " is " + l[i] + ")");
                }
                a[i] = (int) l[i];
            }
            return a;
        }
        if (v instanceof boolean[] b) {
            int[] a = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                a[i] = b[i] ? 1 : 0;
            }
            return a;
        }
        throw wrongType(key, "an array of integers");
    }

    private Object require(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new GGUFFormatException(source + ": required metadata key '" + key + "' is missing");
        }
        return v;
    }

    private <T> T as(String key, Class<T> type, String what) {
        Object v = require(key);
        if (!type.isInstance(v)) {
            throw wrongType(key, what);
        }
        return type.cast(v);
    }

    private GGUFFormatException wrongType(String key, String expected) {
        return new GGUFFormatException(source + ": metadata key '" + key + "' should be " + expected
                + " but is " + types.get(key));
    }
}
