package io.tokenport.engine.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds GGUF bytes field by field with no checks at all, for hostile-file tests; and maps the fields of a valid
 * file ({@link #fields}) so that fuzz tests can aim at counts, lengths, dimensions, types and offsets.
 */
final class RawGGUF {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Magic, version, tensor count, key count. */
    static RawGGUF header(int version, long tensors, long keys) {
        return new RawGGUF().u32(GGUFParser.MAGIC).u32(version).u64(tensors).u64(keys);
    }

    RawGGUF u8(int v) {
        out.write(v);
        return this;
    }

    RawGGUF u32(int v) {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
        return this;
    }

    RawGGUF u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    RawGGUF str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        out.writeBytes(b);
        return this;
    }

    /** A key with a UINT32 value. */
    RawGGUF kvU32(String key, int v) {
        return str(key).u32(GGUFValueType.UINT32.id()).u32(v);
    }

    RawGGUF kvString(String key, String v) {
        return str(key).u32(GGUFValueType.STRING.id()).str(v);
    }

    /** A tensor info. */
    RawGGUF tensor(String name, int type, long offset, long... dims) {
        str(name).u32(dims.length);
        for (long d : dims) {
            u64(d);
        }
        return u32(type).u64(offset);
    }

    /** Zero bytes up to a multiple of {@code alignment}, then {@code dataBytes} bytes of data. */
    RawGGUF data(int alignment, int dataBytes) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        out.writeBytes(new byte[dataBytes]);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    // ---- field map of a valid file ----

    enum Kind { VERSION, TENSOR_COUNT, KV_COUNT, KEY_LENGTH, VALUE_TYPE, STRING_LENGTH, ARRAY_TYPE, ARRAY_LENGTH,
        BOOL, NAME_LENGTH, N_DIMS, DIM, TENSOR_TYPE, OFFSET }

    /** One field of the header: where it is, how wide, what it is, and the key or tensor it belongs to. */
    record Field(int at, int width, Kind kind, String owner) {
    }

    /** Every field of a valid GGUF header, in file order. */
    static List<Field> fields(byte[] file) {
        Walker w = new Walker(file);
        w.walk();
        return w.fields;
    }

    /** Offset where the header (tensor infos included) ends. */
    static int headerEnd(byte[] file) {
        Walker w = new Walker(file);
        w.walk();
        return w.pos;
    }

    private static final class Walker {
        final byte[] b;
        final List<Field> fields = new ArrayList<>();
        int pos;

        Walker(byte[] b) {
            this.b = b;
        }

        void walk() {
            pos = 4;
            field(4, Kind.VERSION, "");
            long tensors = field(8, Kind.TENSOR_COUNT, "");
            long kvs = field(8, Kind.KV_COUNT, "");
            for (long i = 0; i < kvs; i++) {
                String key = string(Kind.KEY_LENGTH, "key #" + i);
                int type = (int) field(4, Kind.VALUE_TYPE, key);
                value(key, type);
            }
            for (long t = 0; t < tensors; t++) {
                String name = string(Kind.NAME_LENGTH, "tensor #" + t);
                int n = (int) field(4, Kind.N_DIMS, name);
                for (int d = 0; d < n; d++) {
                    field(8, Kind.DIM, name);
                }
                field(4, Kind.TENSOR_TYPE, name);
                field(8, Kind.OFFSET, name);
            }
        }

        void value(String key, int type) {
            switch (GGUFValueType.byId(type)) {
                case UINT8, INT8 -> pos += 1;
                case BOOL -> field(1, Kind.BOOL, key);
                case UINT16, INT16 -> pos += 2;
                case UINT32, INT32, FLOAT32 -> pos += 4;
                case UINT64, INT64, FLOAT64 -> pos += 8;
                case STRING -> string(Kind.STRING_LENGTH, key);
                case ARRAY -> {
                    int et = (int) field(4, Kind.ARRAY_TYPE, key);
                    long n = field(8, Kind.ARRAY_LENGTH, key);
                    for (long i = 0; i < n; i++) {
                        value(key, et);
                    }
                }
                case null -> throw new IllegalStateException("not a valid file");
            }
        }

        String string(Kind kind, String owner) {
            int at = pos;
            long len = read(pos, 8);
            pos += 8;
            String s = new String(b, pos, (int) len, StandardCharsets.UTF_8);
            fields.add(new Field(at, 8, kind, kind == Kind.STRING_LENGTH ? owner : s));
            pos += (int) len;
            return s;
        }

        long field(int width, Kind kind, String owner) {
            long v = read(pos, width);
            fields.add(new Field(pos, width, kind, owner));
            pos += width;
            return v;
        }

        long read(int at, int width) {
            long v = 0;
            for (int i = width - 1; i >= 0; i--) {
                v = (v << 8) | (b[at + i] & 0xFF);
            }
            return v;
        }
    }
}
