package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;

/** Building tensors for tests: from floats through {@link ReferenceCodec}, on the heap or in native memory. */
final class TestTensors {
    static final List<GGMLType> TYPES = List.of(GGMLType.F32, GGMLType.F16, GGMLType.BF16, GGMLType.Q8_0,
            GGMLType.Q4_0, GGMLType.Q5_0, GGMLType.Q4_K, GGMLType.Q5_K, GGMLType.Q6_K);

    private TestTensors() {
    }

    /** Values like a weight matrix's: mostly small, a few outliers, varying magnitude from block to block. */
    static float[] weights(Random random, int count) {
        float[] v = new float[count];
        float blockScale = 1;
        for (int i = 0; i < count; i++) {
            if (i % 32 == 0) {
                blockScale = 0.01f + random.nextFloat() * 0.2f;
            }
            v[i] = (float) random.nextGaussian() * blockScale * (random.nextInt(50) == 0 ? 4 : 1);
        }
        return v;
    }

    static FloatTensor heap(GGMLType type, int rows, int cols, byte[] bytes) {
        return FloatTensor.of(type, MemorySegment.ofArray(bytes), rows, cols);
    }

    static FloatTensor heap(GGMLType type, int rows, int cols, float[] values) {
        return heap(type, rows, cols, ReferenceCodec.encode(type, values));
    }

    /** The tensor in native memory, as a mapped file would be. */
    static FloatTensor nativeMemory(GGMLType type, int rows, int cols, float[] values, Arena arena) {
        byte[] bytes = ReferenceCodec.encode(type, values);
        MemorySegment seg = arena.allocate(bytes.length, 1);
        MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return FloatTensor.of(type, seg, rows, cols);
    }
}
