package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A matmul's result for one input row must not depend on the other input rows: batched decoding must give each
 * sequence exactly the logits it gets alone. Bit for bit, for every type, thread count and row split (row counts
 * that no tile size divides, so rows land in 3-, 2- and 1-row tiles and in the 4-input groups and their
 * remainder).
 */
class BatchInvarianceTest {
    private static final int ROWS = 37;

    static Stream<Arguments> decodeCases() {
        List<Arguments> cases = new ArrayList<>();
        for (GGMLType type : TestTensors.TYPES) {
            for (int cols : widths(type)) {
                for (int threads : new int[] {1, 2}) {
                    for (int n : new int[] {2, 3, 5, 8, 16}) {
                        cases.add(Arguments.of(type, cols, threads, n));
                    }
                }
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> prefillCases() {
        List<Arguments> cases = new ArrayList<>();
        for (GGMLType type : TestTensors.TYPES) {
            for (int cols : widths(type)) {
                for (int threads : new int[] {1, 2}) {
                    for (int n : new int[] {17, 40}) {
                        cases.add(Arguments.of(type, cols, threads, n));
                    }
                }
            }
        }
        return cases.stream();
    }

    private static List<Integer> widths(GGMLType type) {
        List<Integer> widths = new ArrayList<>(List.of(512));
        if (type.blockSize() == 1) {
            widths.add(64 + 7); // a scalar tail after the vectors
        }
        return widths;
    }

    private static float[] input(Random random, int n, int cols) {
        float[] x = new float[n * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian() * (i % 97 == 0 ? 10 : 1);
        }
        return x;
    }

    @ParameterizedTest(name = "{0} cols={1} threads={2} n={3}")
    @MethodSource("decodeCases")
    void batchedDecodeEqualsOneInputAtATime(GGMLType type, int cols, int threads, int n) {
        Random random = new Random(7919L * type.id() + 31L * cols + 101L * n + threads);
        float[] w = TestTensors.weights(random, ROWS * cols);
        float[] x = input(random, n, cols);
        try (Arena arena = Arena.ofShared(); ComputePool pool = new ComputePool(threads)) {
            FloatTensor t = TestTensors.nativeMemory(type, ROWS, cols, w, arena);
            float[] batched = new float[n * ROWS];
            pool.matmul(t, x, n, batched);
            float[] alone = new float[n * ROWS];
            float[] one = new float[ROWS];
            for (int b = 0; b < n; b++) {
                pool.matmul(t, Arrays.copyOfRange(x, b * cols, (b + 1) * cols), 1, one);
                System.arraycopy(one, 0, alone, b * ROWS, ROWS);
            }
            assertThat(batched).as(type + " n=" + n).isEqualTo(alone);

            // and the same again, on the calling thread, in row ranges that split the tiles differently
            float[] split = new float[n * ROWS];
            t.matmul(x, n, split, 0, 5);
            t.matmul(x, n, split, 5, 6);
            t.matmul(x, n, split, 6, ROWS);
            assertThat(split).as(type + " n=" + n + " in row ranges").isEqualTo(alone);
        }
    }

    @ParameterizedTest(name = "{0} cols={1} threads={2} n={3}")
    @MethodSource("prefillCases")
    void prefillEqualsTheFloatPathOneInputAtATime(GGMLType type, int cols, int threads, int n) {
        Random random = new Random(7907L * type.id() + 37L * cols + 103L * n + threads);
        float[] w = TestTensors.weights(random, ROWS * cols);
        float[] x = input(random, n, cols);
        try (Arena arena = Arena.ofShared(); ComputePool pool = new ComputePool(threads)) {
            FloatTensor t = TestTensors.nativeMemory(type, ROWS, cols, w, arena);
            float[] batched = new float[n * ROWS];
            pool.matmul(t, x, n, batched);

            // each (row, input) pair by the plainest form of the float path: one decoded row, one dot product
            float[] expected = new float[n * ROWS];
            float[] row = new float[cols];
            Scratch scratch = new Scratch();
            for (int r = 0; r < ROWS; r++) {
                t.decodeFloatRow(r, scratch, row, 0);
                for (int b = 0; b < n; b++) {
                    expected[b * ROWS + r] = BlockDot.dot(row, 0, x, b * cols, cols);
                }
            }
            assertThat(batched).as(type + " n=" + n).isEqualTo(expected);
            if (!t.quantizesInput()) { // float types: the one-input path is the same arithmetic
                float[] one = new float[ROWS];
                pool.matmul(t, Arrays.copyOfRange(x, 3 * cols, 4 * cols), 1, one);
                assertThat(one).isEqualTo(Arrays.copyOfRange(expected, 3 * ROWS, 4 * ROWS));
            }
        }
    }
}
