package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ComputePoolTest {

    private static FloatTensor tensor(GGMLType type, int rows, int cols, long seed) {
        return TestTensors.heap(type, rows, cols, TestTensors.weights(new Random(seed), rows * cols));
    }

    private static float[] input(int length, long seed) {
        Random random = new Random(seed);
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    /**
     * Equal up to summation order: the JIT's horizontal add of vector lanes may add in another order than the
     * interpreter's, so the same call can differ in the last bit between a cold and a warm run.
     */
    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            float tolerance = 1e-5f * Math.abs(expected[i]) + 1e-6f;
            assertThat(actual[i]).as("element %d", i)
                    .isCloseTo(expected[i], org.assertj.core.api.Assertions.within(tolerance));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void poolMatmulEqualsTheSingleThreadedKernelForAnyThreadCount(int threads) {
        FloatTensor w = tensor(GGMLType.Q4_K, 333, 512, 1);
        for (int n : new int[] {1, 4}) {
            float[] x = input(n * 512, 2);
            float[] expected = new float[n * 333];
            w.matmul(x, n, expected, 0, 333);
            float[] actual = new float[n * 333];
            try (ComputePool pool = new ComputePool(threads)) {
                for (int repeat = 0; repeat < 50; repeat++) {
                    java.util.Arrays.fill(actual, Float.NaN);
                    pool.matmul(w, x, n, actual);
                    assertClose(actual, expected);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void parallelForVisitsEveryIndexExactlyOnce(int threads) {
        try (ComputePool pool = new ComputePool(threads)) {
            for (int count : new int[] {0, 1, 2, 7, 1000, 3_000_000}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(count, 1));
                pool.parallelFor(count, seen::incrementAndGet);
                for (int i = 0; i < count; i++) {
                    assertThat(seen.get(i)).as("index %d of %d", i, count).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void workerThreadsAreNamedDaemons() {
        try (ComputePool pool = new ComputePool(3)) {
            assertThat(pool.threads()).isEqualTo(3);
            var names = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("tokenport-compute-"))
                    .peek(t -> assertThat(t.isDaemon()).isTrue())
                    .map(Thread::getName).toList();
            assertThat(names).contains("tokenport-compute-1", "tokenport-compute-2");
        }
    }

    @Test
    void aMatmulInsideAParallelForRunsOnTheCallingThread() {
        FloatTensor w = tensor(GGMLType.Q8_0, 64, 256, 3);
        float[] x = input(256, 4);
        float[] expected = new float[64];
        w.matmul(x, 1, expected, 0, 64);
        try (ComputePool pool = new ComputePool(2)) {
            float[][] outs = new float[8][64];
            pool.parallelFor(8, i -> pool.matmul(w, x, 1, outs[i]));
            for (float[] out : outs) {
                assertClose(out, expected);
            }
        }
    }

    @Test
    void aFailingBodyFailsTheCallAndLeavesThePoolUsable() {
        try (ComputePool pool = new ComputePool(2)) {
            assertThatThrownBy(() -> pool.parallelFor(100, i -> {
                if (i == 57) {
                    throw new IllegalStateException("boom at " + i);
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("boom at 57");
            AtomicIntegerArray seen = new AtomicIntegerArray(10);
            pool.parallelFor(10, seen::incrementAndGet);
            assertThat(seen.toString()).isEqualTo("[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]");
        }
    }

    @Test
    void callsFromSeveralThreadsAreSerialisedAndCorrect() throws Exception {
        FloatTensor w = tensor(GGMLType.Q6_K, 256, 256, 5);
        float[] x = input(2 * 256, 6);
        float[] expected = new float[2 * 256];
        w.matmul(x, 2, expected, 0, 256);
        try (ComputePool pool = new ComputePool(2); ExecutorService callers = Executors.newFixedThreadPool(3)) {
            var futures = new java.util.ArrayList<Future<?>>();
            for (int c = 0; c < 3; c++) {
                futures.add(callers.submit(() -> {
                    float[] out = new float[2 * 256];
                    for (int i = 0; i < 200; i++) {
                        pool.matmul(w, x, 2, out);
                        assertClose(out, expected);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
    }

    @Test
    void closeStopsTheWorkers() throws Exception {
        ComputePool pool = new ComputePool(3);
        pool.parallelFor(10, i -> { });
        pool.close();
        for (int i = 0; i < 200 && pool.liveWorkers() > 0; i++) {
            Thread.sleep(10);
        }
        assertThat(pool.liveWorkers()).isZero();
        assertThatThrownBy(() -> pool.parallelFor(10, i -> { })).hasMessageContaining("closed");
    }
}
