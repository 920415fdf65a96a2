package io.tokenport.engine.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;

/**
 * Parses a GGUF header from a mapped file, trusting nothing in it.
 *
 * <p>Every length and count is checked against the bytes that remain before anything is allocated for it, so a
 * hostile file claiming a billion-element array fails with a message rather than an out-of-memory error. Tensor
 * dimensions, types, sizes and offsets are checked against the data section, so no later read can fall outside
 * the mapping.
 */
final class GGUFParser {
    static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    static final int DEFAULT_ALIGNMENT = 32;
    private static final int MAX_DIMS = 4;
    private static final int MAX_ARRAY_NESTING = 8;
    private static final long MAX_STRING_BYTES = 1L << 30;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    record Header(int version, GGUFMetadata metadata, LinkedHashMap<String, TensorInfo> tensors, long dataStart,
                  int alignment) {
    }

    private final String source;
    private final MemorySegment in;
    // One strict decoder for every string: a vocabulary holds hundreds of thousands of them.
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final long size;
    private long pos;

    GGUFParser(String source, MemorySegment in) {
        this.source = source;
        this.in = in;
        this.size = in.byteSize();
    }

    Header parse() {
        // Preamble: magic, version, counts.
        if (size < 4 || in.get(INT, 0) != MAGIC) {
            throw error(0, "not a GGUF file (the first four bytes are not 'GGUF')");
        }
        pos = 4;
        int version = readInt("format version");
        if (version == 1) {
            throw error(4, "GGUF version 1 is not supported (it predates 64-bit counts); convert the model again");
        }
        if (version != 2 && version != 3) {
            throw error(4, "unsupported GGUF version " + Integer.toUnsignedString(version) + " (2 and 3 are supported)");
        }
        long tensorCount = readCount("tensor count", 8 + 4 + 8 + 4 + 8);
        long kvCount = readCount("metadata key count", 8 + 4 + 1);

        // Metadata.
        LinkedHashMap<String, Object> values = new LinkedHashMap<>();
        LinkedHashMap<String, GGUFValueType> types = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long keyAt = pos;
            String key = readString("metadata key #" + i);
            int typeId = readInt("type of metadata key '" + key + "'");
            GGUFValueType type = GGUFValueType.byId(typeId);
            if (type == null) {
                throw error(pos - 4, "metadata key '" + key + "' has unknown value type " + typeId);
            }
            Object value = readValue(key, type, 0);
            if (values.putIfAbsent(key, value) != null) {
                throw error(keyAt, "metadata key '" + key + "' appears twice");
            }
            types.put(key, type);
        }
        GGUFMetadata metadata = new GGUFMetadata(source, values, types);

        int alignment = DEFAULT_ALIGNMENT;
        if (metadata.has("general.alignment")) {
            long a = metadata.getLong("general.alignment");
            if (a <= 0 || a > (1 << 20) || Long.bitCount(a) != 1) {
                throw new GGUFFormatException(source + ": general.alignment must be a power of two up to 1 MiB, got " + a);
            }
            alignment = (int) a;
        }

        // Tensor infos.
        long[][] dimsOf = new long[(int) tensorCount][];
        String[] names = new String[(int) tensorCount];
        GGMLType[] typeOf = new GGMLType[(int) tensorCount];
        long[] offsetOf = new long[(int) tensorCount];
        for (int t = 0; t < tensorCount; t++) {
            names[t] = readString("name of tensor #" + t);
            String name = names[t];
            int nDims = readInt("dimension count of tensor '" + name + "'");
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw error(pos - 4, "tensor '" + name + "' has " + Integer.toUnsignedString(nDims)
                        + " dimensions (1 to " + MAX_DIMS + " allowed)");
            }
            long[] dims = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                dims[d] = readLong("dimension " + d + " of tensor '" + name + "'");
                if (dims[d] <= 0) {
                    throw error(pos - 8, "tensor '" + name + "' dimension " + d + " is "
                            + Long.toUnsignedString(dims[d]) + " (must be positive)");
                }
            }
            dimsOf[t] = dims;
            int typeId = readInt("type of tensor '" + name + "'");
            GGMLType type = GGMLType.byId(typeId);
            if (type == null) {
                throw error(pos - 4, "tensor '" + name + "' has unknown ggml type " + Integer.toUnsignedString(typeId));
            }
            typeOf[t] = type;
            offsetOf[t] = readLong("data offset of tensor '" + name + "'");
        }

        long dataStart = alignUp(pos, alignment);
        if (tensorCount > 0 && dataStart > size) {
            throw error(pos, "file ends before the tensor data section (data would start at byte " + dataStart
                    + ", file has " + size + " bytes)");
        }
        long dataBytes = Math.max(0, size - dataStart);

        LinkedHashMap<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (int t = 0; t < tensorCount; t++) {
            String name = names[t];
            long elements = 1;
            for (long d : dimsOf[t]) {
                elements = multiplyOrFail(elements, d, name);
            }
            GGMLType type = typeOf[t];
            if (dimsOf[t][0] % type.blockSize() != 0) {
                throw new GGUFFormatException(source + ": tensor '" + name + "' has rows of " + dimsOf[t][0]
                        + " elements, not a multiple of the " + type + " block size " + type.blockSize());
            }
            long bytes = multiplyOrFail(elements / type.blockSize(), type.blockBytes(), name);
            long offset = offsetOf[t];
            if (offset < 0 || offset % alignment != 0) {
                throw new GGUFFormatException(source + ": tensor '" + name + "' data offset "
                        + Long.toUnsignedString(offset) + " is not a multiple of the alignment " + alignment);
            }
            if (offset > dataBytes || bytes > dataBytes - offset) {
                throw new GGUFFormatException(source + ": file truncated or corrupt: tensor '" + name + "' ("
                        + type + " " + java.util.Arrays.toString(dimsOf[t]) + ") ends at byte "
                        + (dataStart + offset + bytes) + ", file has " + size + " bytes");
            }
            if (tensors.put(name, new TensorInfo(name, type, dimsOf[t], offset, bytes)) != null) {
                throw new GGUFFormatException(source + ": tensor '" + name + "' appears twice");
            }
        }
        return new Header(version, metadata, tensors, dataStart, alignment);
    }

    private Object readValue(String key, GGUFValueType type, int depth) {
        return switch (type) {
            case UINT8, INT8, UINT16, INT16 -> readSmallInt(key, type);
            case UINT32 -> Integer.toUnsignedLong(readInt(key));
            case INT32 -> readInt(key);
            case UINT64, INT64 -> readLong(key);
            case FLOAT32 -> readFloat(key);
            case FLOAT64 -> readDouble(key);
            case BOOL -> readBool(key);
            case STRING -> readString("value of metadata key '" + key + "'");
            case ARRAY -> readArray(key, depth);
        };
    }

    /** A value of a type that fits an {@code int} without loss: UINT8, INT8, UINT16, INT16 or INT32. */
    private int readSmallInt(String key, GGUFValueType type) {
        return switch (type) {
            case UINT8 -> Byte.toUnsignedInt(readByte(key));
            case INT8 -> readByte(key);
            case UINT16 -> Short.toUnsignedInt(readShort(key));
            case INT16 -> readShort(key);
            case INT32 -> readInt(key);
            default -> throw new AssertionError(type);
        };
    }

    private Object readArray(String key, int depth) {
        if (depth >= MAX_ARRAY_NESTING) {
            throw error(pos, "metadata key '" + key + "' nests arrays deeper than " + MAX_ARRAY_NESTING);
        }
        int typeId = readInt("element type of array '" + key + "'");
        GGUFValueType type = GGUFValueType.byId(typeId);
        if (type == null) {
            throw error(pos - 4, "array '" + key + "' has unknown element type " + typeId);
        }
        long countAt = pos;
        long count = readLong("length of array '" + key + "'");
        if (count < 0 || count > Integer.MAX_VALUE - 8 || count * type.minBytes() > size - pos) {
            throw error(countAt, "array '" + key + "' claims " + Long.toUnsignedString(count) + " " + type
                    + " elements, more than the " + (size - pos) + " bytes left in the file can hold");
        }
        int n = (int) count;
        switch (type) {
            case UINT8, INT8, UINT16, INT16, INT32 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readSmallInt(key, type);
                }
                return a;
            }
            case UINT32, UINT64, INT64 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = type == GGUFValueType.UINT32 ? Integer.toUnsignedLong(readInt(key)) : readLong(key);
                }
                return a;
            }
            case FLOAT32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readFloat(key);
                }
                return a;
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readDouble(key);
                }
                return a;
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readBool(key);
                }
                return a;
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readString("element " + i + " of array '" + key + "'");
                }
                return a;
            }
            case ARRAY -> {
                Object[] a = new Object[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readArray(key, depth + 1);
                }
                return a;
            }
            default -> throw new AssertionError(type);
        }
    }

    private long readCount(String what, int minBytesEach) {
        long at = pos;
        long n = readLong(what);
        if (n < 0 || n > Integer.MAX_VALUE - 8 || n * minBytesEach > size - pos) {
            throw error(at, what + " is " + Long.toUnsignedString(n) + ", more than the "
                    + (size - pos) + " bytes left in the file can hold");
        }
        return n;
    }

    private String readString(String what) {
        long at = pos;
        long len = readLong("length of " + what);
        if (len < 0 || len > MAX_STRING_BYTES || len > size - pos) {
            throw error(at, what + " claims " + Long.toUnsignedString(len) + " bytes, but only "
                    + (size - pos) + " bytes are left in the file");
        }
        byte[] bytes = new byte[(int) len];
        MemorySegment.copy(in, ValueLayout.JAVA_BYTE, pos, bytes, 0, bytes.length);
        pos += len;
        try {
            return utf8.reset().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            // Some vocabularies hold byte tokens that are not valid UTF-8 on their own; keep them readable.
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private byte readByte(String what) {
        need(1, what);
        return in.get(ValueLayout.JAVA_BYTE, pos++);
    }

    private boolean readBool(String what) {
        long at = pos;
        byte b = readByte(what);
        if (b != 0 && b != 1) {
            throw error(at, "'" + what + "' holds boolean byte " + b + " (must be 0 or 1)");
        }
        return b == 1;
    }

    private short readShort(String what) {
        need(2, what);
        short v = in.get(SHORT, pos);
        pos += 2;
        return v;
    }

    private int readInt(String what) {
        need(4, what);
        int v = in.get(INT, pos);
        pos += 4;
        return v;
    }

    private long readLong(String what) {
        need(8, what);
        long v = in.get(LONG, pos);
        pos += 8;
        return v;
    }

    private float readFloat(String what) {
        need(4, what);
        float v = in.get(FLOAT, pos);
        pos += 4;
        return v;
    }

    private double readDouble(String what) {
        need(8, what);
        double v = in.get(DOUBLE, pos);
        pos += 8;
        return v;
    }

    private void need(long bytes, String what) {
        if (bytes > size - pos) {
            throw error(pos, "file truncated while reading " + what + ": needs " + bytes + " bytes at offset "
                    + pos + ", file has " + size + " bytes");
        }
    }

    private long multiplyOrFail(long a, long b, String tensor) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new GGUFFormatException(source + ": tensor '" + tensor + "' is impossibly large (size overflows)");
        }
    }

    static long alignUp(long offset, int alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }

    private GGUFFormatException error(long at, String message) {
        return new GGUFFormatException(source + ": " + message + " (at byte " + at + ")");
    }
}
