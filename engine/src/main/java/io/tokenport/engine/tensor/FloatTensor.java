package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import io.tokenport.engine.gguf.GGUFFormatException;
import io.tokenport.engine.gguf.TensorInfo;

import java.lang.foreign.MemorySegment;

/**
 * A weight tensor viewed as a matrix of {@link #rows()} rows of {@link #cols()} elements, backed by the mapped
 * model file (no copy). One subclass per element type: a new quantization type is one new class.
 *
 * <p>Rows are the innermost GGUF dimension ({@code dims[0]} elements each), so a linear layer's weight
 * {@code [in, out]} has {@code out} rows of {@code in} elements and {@code y = W x} is a dot product per row.
 */
public abstract class FloatTensor {
    protected final MemorySegment data;
    protected final int rows;
    protected final int cols;

    protected FloatTensor(MemorySegment data, int rows, int cols) {
        this.data = data;
        this.rows = rows;
        this.cols = cols;
    }

    /** Wraps a tensor from a GGUF file; a clear error for element types the engine cannot compute with. */
    public static FloatTensor of(TensorInfo info, MemorySegment data) {
        long rows = info.rows();
        long cols = info.rowLength();
        if (rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) {
            throw new GGUFFormatException("tensor '" + info.name() + "' " + info.shape() + " is too large");
        }
        return switch (info.type()) {
            case F32 -> new F32Tensor(data, (int) rows, (int) cols);
            default -> throw new GGUFFormatException("tensor '" + info.name() + "' has type " + info.type()
                    + ", which this engine does not support (supported: " + supportedTypes() + ")");
        };
    }

    /** Names of the supported element types, for error messages. */
    public static String supportedTypes() {
        return "F32";
    }

    public abstract GGMLType type();

    public final int rows() {
        return rows;
    }

    public final int cols() {
        return cols;
    }

    /** Writes row {@code row} as floats into {@code dst[dstOffset ..]}. */
    public abstract void dequantizeRow(int row, float[] dst, int dstOffset);

    /** The whole tensor as floats (for small tensors such as norms and biases). */
    public float[] toFloatArray() {
        float[] out = new float[Math.multiplyExact(rows, cols)];
        for (int r = 0; r < rows; r++) {
            dequantizeRow(r, out, r * cols);
        }
        return out;
    }

    /**
     * {@code out[b * rows + r] = dot(row r, x[b * cols ..])} for batch rows {@code b < n} and matrix rows
     * {@code rowStart <= r < rowEnd}. Called by {@link ComputePool#matmul} with one slice of rows per thread.
     */
    public abstract void matmul(float[] x, int n, float[] out, int rowStart, int rowEnd);
}
