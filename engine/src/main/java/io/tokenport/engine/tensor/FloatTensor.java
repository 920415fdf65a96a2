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
 * <p>How a matmul runs. With one input row ({@code n == 1}, decoding) every weight is used once and the speed is
 * that of decoding weights: quantized types then work like llama.cpp, rounding the input to 8-bit integers in
 * blocks of 32 ({@link Activations}), decoding each weight block in registers to 16-bit integers, multiplying in
 * integer lanes and scaling only each block's sum back to float ({@link #dotRow}); batched decoding (up to
 * {@link #DECODE_MAX} input rows) does the same for each input row, so that a sequence gets bit-identical
 * logits whether decoded alone or in a batch. With more input rows (prefill) a weight row is decoded to floats
 * once ({@link #decodeFloatRow}) into per-thread scratch and multiplied with all input rows by a register-tiled
 * FMA kernel ({@link FloatGemm}): weight bytes leave memory once per call instead of once per input row, and the
 * input stays in float. Every kernel sums its vector lanes in one fixed order ({@link BlockDot#sum}).
 */
public abstract sealed class FloatTensor
        permits F32Tensor, F16Tensor, BF16Tensor, Q8_0Tensor, Q4_0Tensor, Q5_0Tensor, Q4_KTensor, Q5_KTensor,
        Q6_KTensor {

    static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Up to this many input rows a quantized matmul runs the integer path for each input row ({@link #dotRow}),
     * with results identical to one-row matmuls; above it, prefill, the float tiles of {@link FloatGemm}.
     */
    public static final int DECODE_MAX = 16;

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
     * <p>A convenience that allocates its buffers; the engine's hot path is {@link ComputePool#matmul}, which
     * prepares the input once per call and reuses per-thread scratch.
     */
    public final void matmul(float[] x, int n, float[] out, int rowStart, int rowEnd) {
        matmul(x, n, out, rowStart, rowEnd, n <= DECODE_MAX);
    }

    /**
     * Rows {@code rowStart <= r < rowEnd} of the product on a chosen path: the integer one (if this type has
     * one) when {@code integerPath}, else the float one. Each path gives every input row the same result whatever
     * {@code n}, so a caller that picks the path per input row (not per call) makes results independent of what
     * else is in the batch.
     */
    public final void matmul(float[] x, int n, float[] out, int rowStart, int rowEnd, boolean integerPath) {
        checkMatmul(x, n, out);
        if (rowStart < 0 || rowEnd > rows || rowStart > rowEnd) {
            throw new IndexOutOfBoundsException("rows " + rowStart + ".." + rowEnd + " of " + rows);
        }
        Activations in = new Activations();
        in.prepare(this, x, n, integerPath);
        matmulRows(in, out, rowStart, rowEnd, new Scratch());
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

    /** Rows {@code rowStart <= r < rowEnd} of the product, with an input already prepared for this tensor. */
    final void matmulRows(Activations in, float[] out, int rowStart, int rowEnd, Scratch scratch) {
        int n = in.n;
        if (n == 1 || in.quantized) {
            // Every (row, input) pair through the same dotRow: a result does not depend on n. The weight row
            // stays in L1 while the n inputs pass over it.
            for (int r = rowStart; r < rowEnd; r++) {
                int b = 0;
                for (; b + 2 <= n; b += 2) {
                    dotRow2(r, in, b, out, scratch);
                }
                for (; b < n; b++) {
                    out[b * rows + r] = dotRow(r, in, b);
                }
            }
            return;
        }
        scratch.ensureFloat(3 * cols);
        float[] w = scratch.row;
        int r = rowStart;
        if (cols % 8 == 0) { // the 3-row tile has no tail loop
            for (; r + 2 < rowEnd; r += 3) {
                decodeFloatRow(r, scratch, w, 0);
                decodeFloatRow(r + 1, scratch, w, cols);
                decodeFloatRow(r + 2, scratch, w, 2 * cols);
                FloatGemm.threeRows(w, in.x, n, cols, out, rows, r, scratch.lanes);
            }
        }
        for (; r + 1 < rowEnd; r += 2) {
            decodeFloatRow(r, scratch, w, 0);
            decodeFloatRow(r + 1, scratch, w, cols);
            FloatGemm.twoRows(w, in.x, n, cols, out, rows, r, scratch.lanes);
        }
        if (r < rowEnd) {
            decodeFloatRow(r, scratch, w, 0);
            FloatGemm.oneRow(w, in.x, n, cols, out, rows, r);
        }
    }

    /** Row {@code row} as floats into {@code dst[off ..+cols)}, vectorized (may use {@code scratch}). */
    abstract void decodeFloatRow(int row, Scratch scratch, float[] dst, int off);

    /** Whether {@link #dotRow} wants its input as 8-bit blocks ({@code true}) or as plain floats. */
    abstract boolean quantizesInput();

    /**
     * The dot product of row {@code row} with input row {@code b}, decoding weights in registers. Float types
     * compute it exactly as {@link FloatGemm} does, so their results never depend on the tile or on n either.
     */
    abstract float dotRow(int row, Activations in, int b);

    /**
     * {@code out[(b + j) * rows + row] = dotRow(row, in, b + j)} for {@code j < 2}, bit for bit. Types override it
     * to decode each weight block once for both inputs, with the same operations in the same order per input as
     * {@link #dotRow} (each input keeps its own accumulator). Two, not four: a four-input body exceeds C2's
     * inlining node budget and its vectors get boxed (measured: 3x slower than one input at a time).
     */
    void dotRow2(int row, Activations in, int b, float[] out, Scratch scratch) {
        for (int j = 0; j < 2; j++) {
            out[(b + j) * rows + row] = dotRow(row, in, b + j);
        }
    }
}
