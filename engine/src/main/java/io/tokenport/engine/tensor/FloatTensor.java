package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import io.tokenport.engine.gguf.GGUFFormatException;
import io.tokenport.engine.gguf.TensorInfo;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A weight tensor viewed as a matrix of {@link #rows()} rows of {@link #cols()} elements, backed by the mapped
 * model file (no copy). One subclass per element type: a new quantization type is one new class.
 *
 * <p>Rows are the innermost GGUF dimension ({@code dims[0]} elements each), so a linear layer's weight
 * {@code [in, out]} has {@code out} rows of {@code in} elements and {@code y = W x} is a dot product per row.
 *
 * <p>How a matmul runs. Every (weight row, input row) pair is computed the same way, the arithmetic that
 * {@link Dot} defines: weights decoded exactly to floats, float input, fused multiply-adds in the widest vectors
 * the CPU has. So a result never depends on how many input rows share the matmul, how the rows are split over
 * threads, or which kernel ran: a sequence gets the same logits alone and in any batch. With one input row
 * (decoding one sequence) each type decodes its weights in registers straight into the FMAs ({@link #dotRow});
 * with several (batched decoding, prefill) weight rows are decoded once into per-thread scratch
 * ({@link #decodeFloatRow}) and multiplied with all input rows by a register-tiled kernel ({@link FloatGemm}):
 * weight bytes leave memory once per call instead of once per input row.
 */
public abstract sealed class FloatTensor
        permits F32Tensor, F16Tensor, BF16Tensor, Q8_0Tensor, Q4_0Tensor, Q5_0Tensor, Q4_KTensor, Q5_KTensor,
        Q6_KTensor {

    static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    protected final MemorySegment data;
    protected final int rows;
    protected final int cols;

    protected FloatTensor(MemorySegment data, int rows, int cols) {
        GGMLType type = type();
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " rows must be a whole number of blocks of " + type.blockSize()
                    + " elements, got " + cols + " columns");
        }
        long need = type.bytesFor((long) rows * cols);
        if (data.byteSize() < need) {
            throw new IllegalArgumentException(type + " tensor " + rows + "x" + cols + " needs " + need
                    + " bytes, segment has " + data.byteSize());
        }
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
        GGMLType type = info.type();
        if (cols % type.blockSize() != 0) {
            throw new GGUFFormatException("tensor '" + info.name() + "' " + info.shape() + " of type " + type
                    + ": row length " + cols + " is not a multiple of the block size " + type.blockSize());
        }
        long need = type.bytesFor(rows * cols);
        if (data.byteSize() < need) {
            throw new GGUFFormatException("tensor '" + info.name() + "' " + info.shape() + " of type " + type
                    + " needs " + need + " bytes, but only " + data.byteSize() + " are available");
        }
        return of(type, data, (int) rows, (int) cols, info.name());
    }

    /**
     * Wraps {@code rows x cols} elements of {@code type} stored in {@code data} (for tests, benchmarks and
     * generated models).
     */
    public static FloatTensor of(GGMLType type, MemorySegment data, int rows, int cols) {
        return of(type, data, rows, cols, type + " tensor");
    }

    private static FloatTensor of(GGMLType type, MemorySegment data, int rows, int cols, String name) {
        return switch (type) {
            case F32 -> new F32Tensor(data, rows, cols);
            case F16 -> new F16Tensor(data, rows, cols);
            case BF16 -> new BF16Tensor(data, rows, cols);
            case Q8_0 -> new Q8_0Tensor(data, rows, cols);
            case Q4_0 -> new Q4_0Tensor(data, rows, cols);
            case Q5_0 -> new Q5_0Tensor(data, rows, cols);
            case Q4_K -> new Q4_KTensor(data, rows, cols);
            case Q5_K -> new Q5_KTensor(data, rows, cols);
            case Q6_K -> new Q6_KTensor(data, rows, cols);
            default -> throw new GGUFFormatException("tensor '" + name + "' has type " + type
                    + ", which this engine does not support (supported: " + supportedTypes() + ")");
        };
    }

    /** The IEEE half at byte {@code offset} of the data, as a float (block scales). */
    final float half(long offset) {
        return Float.float16ToFloat(data.get(SHORT_LE, offset));
    }

    /**
     * Floats per vector in every matmul kernel: 16 where the CPU has AVX-512, 8 with AVX2 (see {@link Dot#F}).
     * Speed depends on it far more than on the clock: reported beside timings.
     */
    public static int vectorLanes() {
        return Dot.LANES;
    }

    /** Names of the supported element types, for error messages. */
    public static String supportedTypes() {
        return "F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q4_K, Q5_K, Q6_K";
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
     * {@code rowStart <= r < rowEnd}, on the calling thread.
     *
     * <p>A convenience that allocates its scratch; the engine's hot path is {@link ComputePool#matmul}, which
     * reuses per-thread scratch.
     */
    public final void matmul(float[] x, int n, float[] out, int rowStart, int rowEnd) {
        checkMatmul(x, n, out);
        if (rowStart < 0 || rowEnd > rows || rowStart > rowEnd) {
            throw new IndexOutOfBoundsException("rows " + rowStart + ".." + rowEnd + " of " + rows);
        }
        matmulRows(x, n, out, rowStart, rowEnd, new Scratch());
    }

    final void checkMatmul(float[] x, int n, float[] out) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, got " + n);
        }
        if (x.length < (long) n * cols) {
            throw new IllegalArgumentException("input has " + x.length + " floats, need " + n + " x " + cols);
        }
        if (out.length < (long) n * rows) {
            throw new IllegalArgumentException("output has " + out.length + " floats, need " + n + " x " + rows);
        }
    }

    /** Bytes of decoded weight rows a thread keeps for one pass over the inputs: about half a core's L2. */
    private static final int DECODED_BLOCK_BYTES = 256 * 1024;

    /**
     * Rows {@code rowStart <= r < rowEnd} of the product {@code out = W x} for {@code n} input rows. With several
     * inputs, weight rows are decoded a block at a time (as many as fit {@link #DECODED_BLOCK_BYTES}, an even
     * number), and the inputs pass over the block four at a time: each weight is decoded once per call, the block
     * stays in L2, and the four inputs in L1 while they meet every row of the block.
     */
    final void matmulRows(float[] x, int n, float[] out, int rowStart, int rowEnd, Scratch scratch) {
        if (n == 1) {
            for (int r = rowStart; r < rowEnd; r++) {
                out[r] = dotRow(r, x, scratch);
            }
            return;
        }
        int block = Math.max(2, Math.min(rowEnd - rowStart, DECODED_BLOCK_BYTES / 4 / cols) & ~1);
        scratch.ensureFloat(block * cols);
        float[] w = scratch.row;
        for (int r0 = rowStart; r0 < rowEnd; r0 += block) {
            int r1 = Math.min(rowEnd, r0 + block);
            for (int r = r0; r < r1; r++) {
                decodeFloatRow(r, scratch, w, (r - r0) * cols);
            }
            FloatGemm.rows(w, r1 - r0, x, n, cols, out, rows, r0, scratch.lanes);
        }
    }

    /**
     * Row {@code row} as floats into {@code dst[off ..+cols)}, vectorized (may use {@code scratch}'s integer
     * arrays, never its {@code row}): exactly the weights that {@link #dotRow} multiplies.
     */
    abstract void decodeFloatRow(int row, Scratch scratch, float[] dst, int off);

    /**
     * The dot product of row {@code row} with the input row {@code x[0 ..cols)}, as {@link Dot} defines it. This
     * decodes the row into {@code scratch} first; types override it to decode in registers, with the same result
     * bit for bit.
     */
    float dotRow(int row, float[] x, Scratch scratch) {
        scratch.ensureFloat(cols);
        decodeFloatRow(row, scratch, scratch.row, 0);
        return Dot.dot(scratch.row, 0, x, 0, cols);
    }
}
