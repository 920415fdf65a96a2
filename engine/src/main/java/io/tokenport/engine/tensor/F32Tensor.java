package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Plain 32-bit floats. */
public final class F32Tensor extends FloatTensor {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    F32Tensor(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GGMLType type() {
        return GGMLType.F32;
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOffset) {
        MemorySegment.copy(data, FLOAT, (long) row * cols * 4, dst, dstOffset, cols);
    }

    @Override
    public void matmul(float[] x, int n, float[] out, int rowStart, int rowEnd) {
        for (int r = rowStart; r < rowEnd; r++) {
            long base = (long) r * cols * 4;
            for (int b = 0; b < n; b++) {
                float sum = 0;
                int xo = b * cols;
                for (int i = 0; i < cols; i++) {
                    sum += data.get(FLOAT, base + 4L * i) * x[xo + i];
                }
                out[b * rows + r] = sum;
            }
        }
    }
}
