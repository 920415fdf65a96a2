package io.tokenport.engine.model;

import io.tokenport.engine.gguf.GGMLType;
import io.tokenport.engine.gguf.GGUFFile;
import io.tokenport.engine.gguf.TensorInfo;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes small GGUF v3 files for tests: a copy of a real model with a tensor or key changed, removed or added.
 * Only what these tests need: scalar and array metadata of the Java types {@link io.tokenport.engine.gguf
 * .GGUFMetadata} returns, and raw tensor bytes.
 */
final class TestGgufFile {
    private static final int ALIGNMENT = 32;

    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    private record Tensor(GGMLType type, long[] dims, byte[] data) {
    }

    /** A copy of everything in {@code source}. */
    static TestGgufFile copyOf(GGUFFile source) {
        TestGgufFile f = new TestGgufFile();
        f.metadata.putAll(source.metadata().asMap());
        for (TensorInfo t : source.tensorList()) {
            byte[] data = source.tensorData(t).toArray(ValueLayout.JAVA_BYTE);
            f.tensors.put(t.name(), new Tensor(t.type(), t.dims(), data));
        }
        return f;
    }

    TestGgufFile put(String key, Object value) {
        metadata.put(key, value);
        return this;
    }

    TestGgufFile removeKey(String key) {
        metadata.remove(key);
        return this;
    }

    TestGgufFile removeTensor(String name) {
        tensors.remove(name);
        return this;
    }

    /** Adds or replaces an F32 tensor. */
    TestGgufFile tensor(String name, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        tensors.put(name, new Tensor(GGMLType.F32, dims.clone(), b.array()));
        return this;
    }

    Path write(Path path) throws IOException {
        Out out = new Out();
        out.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        out.i32(3);
        out.i64(tensors.size());
        out.i64(metadata.size());
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            out.string(e.getKey());
            out.value(e.getValue());
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            out.string(e.getKey());
            out.i32(t.dims.length);
            for (long d : t.dims) {
                out.i64(d);
            }
            out.i32(t.type.id());
            out.i64(offset);
            offset = align(offset + t.data.length);
        }
        out.pad();
        for (Tensor t : tensors.values()) {
            out.bytes(t.data);
            out.pad();
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(out.buf, 0, out.size);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
        return path;
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static final class Out {
        byte[] buf = new byte[1 << 16];
        int size;

        void ensure(int n) {
            if (size + n > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }

        void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        void i32(int v) {
            bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        }

        void i64(long v) {
            bytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }

        void f32(float v) {
            i32(Float.floatToRawIntBits(v));
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i64(b.length);
            bytes(b);
        }

        void pad() {
            while (size % ALIGNMENT != 0) {
                bytes(new byte[1]);
            }
        }

        void value(Object v) {
            switch (v) {
                case Integer i -> { i32(5); i32(i); }
                case Long l -> { i32(11); i64(l); }
                case Float f -> { i32(6); f32(f); }
                case Double d -> { i32(12); i64(Double.doubleToRawLongBits(d)); }
                case Boolean b -> { i32(7); bytes(new byte[]{(byte) (b ? 1 : 0)}); }
                case String s -> { i32(8); string(s); }
                case int[] a -> { i32(9); i32(5); i64(a.length); for (int x : a) { i32(x); } }
                case long[] a -> { i32(9); i32(11); i64(a.length); for (long x : a) { i64(x); } }
                case float[] a -> { i32(9); i32(6); i64(a.length); for (float x : a) { f32(x); } }
                case boolean[] a -> {
                    i32(9); i32(7); i64(a.length);
                    for (boolean x : a) {
                        bytes(new byte[]{(byte) (x ? 1 : 0)});
                    }
                }
                case String[] a -> { i32(9); i32(8); i64(a.length); for (String x : a) { string(x); } }
                default -> throw new IllegalArgumentException("cannot write metadata value " + v.getClass());
            }
        }
    }
}
