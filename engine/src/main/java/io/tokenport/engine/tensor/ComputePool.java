package io.tokenport.engine.tensor;

import java.util.function.IntConsumer;

/**
 * The threads that do the arithmetic, sized by {@code --threads}.
 *
 * <p>A first, simple version: work is split into one contiguous slice per thread. The kernels' owner replaces the
 * scheduling with something allocation-free; the two methods below are the contract the model code uses.
 */
public final class ComputePool implements AutoCloseable {
    private final int threads;

    public ComputePool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
    }

    public int threads() {
        return threads;
    }

    /** {@code out[b * w.rows() + r] = dot(w row r, x[b * w.cols() ..])} for all rows and {@code b < n}. */
    public void matmul(FloatTensor w, float[] x, int n, float[] out) {
        int rows = w.rows();
        parallelFor(threads, t -> w.matmul(x, n, out, (int) ((long) rows * t / threads),
                (int) ((long) rows * (t + 1) / threads)));
    }

    /** Runs {@code body.accept(i)} for every {@code 0 <= i < count}, spread over the threads; returns when all are done. */
    public void parallelFor(int count, IntConsumer body) {
        if (threads == 1 || count == 1) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        java.util.stream.IntStream.range(0, count).parallel().forEach(body);
    }

    @Override
    public void close() {
    }
}
