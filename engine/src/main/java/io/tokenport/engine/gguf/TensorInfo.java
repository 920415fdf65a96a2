package io.tokenport.engine.gguf;

/**
 * One tensor's entry in a GGUF file.
 *
 * @param name       the tensor's name, e.g. {@code blk.3.ffn_up.weight}
 * @param type       element type
 * @param dims       dimensions, innermost first as ggml writes them: {@code dims[0]} is the row length
 * @param dataOffset offset of the data from the start of the data section (not of the file)
 * @param byteSize   bytes the data takes
 */
public record TensorInfo(String name, GGMLType type, long[] dims, long dataOffset, long byteSize) {

    public TensorInfo {
        dims = dims.clone();
    }

    /** Number of elements. */
    public long elements() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** Length of one row (the innermost dimension). */
    public long rowLength() {
        return dims.length == 0 ? 1 : dims[0];
    }

    /** Number of rows: the product of all dimensions but the innermost. */
    public long rows() {
        return elements() / Math.max(1, rowLength());
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** A readable shape such as {@code [4096, 32000]}. */
    public String shape() {
        return java.util.Arrays.toString(dims);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + shape();
    }
}
