package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Every type's matmul against the plainest possible one: dequantize the weights, multiply in doubles. The engine
 * multiplies exactly decoded weights with the float input, so the two agree to float rounding.
 */
class MatmulTest {

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (GGMLType type : TestTensors.TYPES) {
            List<Integer> widths = new ArrayList<>(List.of(256, 512));
            if (type.blockSize() <= 32) {
                widths.add(4096 + 32);
            }
            if (type.blockSize() == 1) {
                widths.add(64 + 7); // not a multiple of the vector width
                widths.add(16 * 3 + 5); // an odd number of 16-lane vectors, then a tail
                widths.add(8 * 3 + 5); // an odd number of 8-lane vectors, then a tail
            }
            for (int cols : widths) {
                for (int n : new int[] {1, 3, 8, 9, 20}) {
                    cases.add(Arguments.of(type, cols, n));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} cols={1} n={2}")
    @MethodSource("cases")
    void matmulMatchesDequantizeThenDot(GGMLType type, int cols, int n) {
        Random random = new Random(31L * cols + n + 1000L * type.id());
        int rows = 10;
        float[] w = TestTensors.weights(random, rows * cols);
        float[] x = new float[n * cols + 3]; // longer than needed, as a reused buffer would be
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian() * (i % 97 == 0 ? 10 : 1);
        }
        try (Arena arena = Arena.ofShared()) {
            FloatTensor onHeap = TestTensors.heap(type, rows, cols, w);
            FloatTensor inNative = TestTensors.nativeMemory(type, rows, cols, w, arena);
            float[] dequantized = onHeap.toFloatArray();

            // rows 1..7 only: the others must stay untouched
            float[] out = new float[n * rows];
            java.util.Arrays.fill(out, Float.NaN);
            onHeap.matmul(x, n, out, 1, 6); // two 2-row tiles and a 1-row one
            onHeap.matmul(x, n, out, 6, 8); // a 2-row tile (the pool's 1-row chunks cover single rows)
            float[] viaPool = new float[n * rows];
            try (ComputePool pool = new ComputePool(2)) {
                pool.matmul(inNative, x, n, viaPool);
            }

            for (int b = 0; b < n; b++) {
                for (int r = 0; r < rows; r++) {
                    double exact = 0;
                    double magnitude = 0;
                    for (int i = 0; i < cols; i++) {
                        float wi = dequantized[r * cols + i];
                        exact += (double) wi * x[b * cols + i];
                        magnitude += Math.abs((double) wi * x[b * cols + i]);
                    }
                    double floatTolerance = 1e-5 * magnitude + 1e-6;
                    String what = type + " row " + r + " batch " + b;
                    if (r >= 1 && r < 8) {
                        assertThat((double) out[b * rows + r]).as(what).isCloseTo(exact, within(floatTolerance));
                    } else {
                        assertThat(out[b * rows + r]).as(what + " (outside the range)").isNaN();
                    }
                    assertThat((double) viaPool[b * rows + r]).as(what + " via pool")
                            .isCloseTo(exact, within(floatTolerance));
                }
            }
        }
    }
}
