package io.tokenport.engine.model;

import io.tokenport.engine.gguf.GGMLType;
import io.tokenport.engine.gguf.GGUFFile;
import io.tokenport.engine.gguf.GGUFValueType;
import io.tokenport.engine.gguf.GGUFWriter;
import io.tokenport.engine.gguf.TensorInfo;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes small GGUF v3 files for tests: a copy of a real model with a tensor or key changed, removed or added.
 * Only what these tests need: scalar and array metadata of the Java types {@link io.tokenport.engine.gguf
 * .GGUFMetadata} returns, and raw tensor bytes.
 */
final class TestGgufFile {
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

    /** Writes the file with the project's {@link GGUFWriter}, each value as the type its Java class maps to. */
    Path write(Path path) throws IOException {
        GGUFWriter writer = new GGUFWriter();
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            String key = e.getKey();
            switch (e.getValue()) {
                case Integer i -> writer.put(key, GGUFValueType.INT32, i);
                case Long l -> writer.put(key, GGUFValueType.INT64, l);
                case Float f -> writer.put(key, GGUFValueType.FLOAT32, f);
                case Double d -> writer.put(key, GGUFValueType.FLOAT64, d);
                case Boolean b -> writer.put(key, GGUFValueType.BOOL, b);
                case String str -> writer.put(key, GGUFValueType.STRING, str);
                case int[] a -> writer.putArray(key, GGUFValueType.INT32, a);
                case long[] a -> writer.putArray(key, GGUFValueType.INT64, a);
                case float[] a -> writer.putArray(key, GGUFValueType.FLOAT32, a);
                case boolean[] a -> writer.putArray(key, GGUFValueType.BOOL, a);
                case String[] a -> writer.putArray(key, GGUFValueType.STRING, a);
                default -> throw new IllegalArgumentException("cannot write metadata value " + e.getValue().getClass());
            }
        }
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            writer.tensor(e.getKey(), t.type(), t.dims(), t.data());
        }
        writer.write(path);
        return path;
    }
}
