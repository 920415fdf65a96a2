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
 * sequence exactly the logits it gets alone, and a prompt's tokens the same as if they came one by one. Bit for
 * bit, for every type, thread count and row split (row counts that no tile size divides, so rows land in 2- and
 * 1-row tiles and in the 4-input groups and their remainder), and equal to the plainest form of {@link Dot}:
 * one decoded row, one dot product.
 */
class BatchInvarianceTest {
    private static final int ROWS = 37;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (GGMLType type : TestTensors.TYPES) {
            for (int cols : widths(type)) {
                for (int threads : new int[] {1, 2}) {
                    for (int n : new int[] {2, 3, 5, 8, 16, 17, 40}) {
                        cases.add(Arguments.of(type, cols, threads, n));
                    }
                }
            }
        }
        return cases.stream();
    }

    private static List<Integer> widths(GGMLType type) {
        List<Integer> widths = new ArrayList<>(List.of(512, type.blockSize() * 3));
        if (type.blockSize() == 1) {
            widths.add(64 + 7); // whole pairs of vectors, then a scalar tail
            widths.add(16 * 3 + 5); // with 16 lanes: a pair, a leftover vector, a tail; with 8: three pairs, a tail
            widths.add(8 * 3 + 5); // with 8 lanes: a pair, a leftover vector, a tail
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
    @MethodSource("cases")
    void batchedEqualsOneInputAtATime(GGMLType type, int cols, int threads, int n) {
        Random random = new Random(7919L * type.id() + 31L * cols + 101L * n + threads);
        float[] w = TestTensors.weights(random, ROWS * cols);
        float[] x = input(random, n, cols);
        try (Arena arena = Arena.ofShared(); ComputePool pool = new ComputePool(threads)) {
            FloatTensor t = TestTensors.nativeMemory(type, ROWS, cols, w, arena);
            float[] batched = new float[n * ROWS];
            pool.matmul(t, x, n, batched);

            // each (row, input) pair by the plainest form: one decoded row, one dot product
            float[] expected = new float[n * ROWS];
            float[] row = new float[cols];
            Scratch scratch = new Scratch();
            for (int r = 0; r < ROWS; r++) {
                t.decodeFloatRow(r, scratch, row, 0);
                for (int b = 0; b < n; b++) {
                    expected[b * ROWS + r] = Dot.dot(row, 0, x, b * cols, cols);
                }
            }
            assertThat(batched).as(type + " n=" + n).isEqualTo(expected);

            // one input row at a time: the kernels that decode in registers
            float[] alone = new float[n * ROWS];
            float[] one = new float[ROWS];
            for (int b = 0; b < n; b++) {
                pool.matmul(t, Arrays.copyOfRange(x, b * cols, (b + 1) * cols), 1, one);
                System.arraycopy(one, 0, alone, b * ROWS, ROWS);
            }
            assertThat(alone).as(type + " n=" + n + " one at a time").isEqualTo(expected);

            // and the same again, on the calling thread, in row ranges that split the tiles differently
            float[] split = new float[n * ROWS];
            t.matmul(x, n, split, 0, 5);
            t.matmul(x, n, split, 5, 6);
            t.matmul(x, n, split, 6, ROWS);
            assertThat(split).as(type + " n=" + n + " in row ranges").isEqualTo(expected);
        }
    }
}
