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
 * Every type's matmul against the plainest possible one: dequantize the weights, multiply in doubles.
 *
 * <p>Quantized types round the input rows of a decoding matmul (up to {@link FloatTensor#DECODE_MAX}) to 8 bits
 * per block of 32 (as llama.cpp does), so two comparisons: with the input rounded the same way in this test, the
 * result must agree to float rounding; with the exact input, the error must stay within what that rounding
 * allows, {@code sum |w_i| * |x_i - rounded x_i|}. More input rows (prefill) are multiplied in floats, so there
 * both comparisons are the same.
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
            }
            for (int cols : widths) {
                for (int n : new int[] {1, 3, 8, 9, FloatTensor.DECODE_MAX + 4}) {
                    cases.add(Arguments.of(type, cols, n));
                }
            }
        }
        return cases.stream();
    }

    /** What {@link Activations} does to each input block: round to {@code scale * q}, |q| <= 127. */
    static float[] roundedLikeTheKernel(float[] x) {
        float[] r = new float[x.length];
        for (int blk = 0; blk < x.length / 32; blk++) {
            float amax = 0;
            for (int i = 32 * blk; i < 32 * blk + 32; i++) {
                amax = Math.max(amax, Math.abs(x[i]));
            }
            float d = amax / 127f;
            float id = amax == 0 ? 0 : 127f / amax;
            for (int i = 32 * blk; i < 32 * blk + 32; i++) {
                float s = x[i] * id;
                int q = (int) (s + Math.copySign(0.5f, s));
                r[i] = d * q;
            }
        }
        return r;
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
            float[] rounded = n <= FloatTensor.DECODE_MAX && onHeap.quantizesInput() ? roundedLikeTheKernel(x) : x;

            // rows 1..7 only: the others must stay untouched
            float[] out = new float[n * rows];
            java.util.Arrays.fill(out, Float.NaN);
            onHeap.matmul(x, n, out, 1, 6); // a 3-row tile and a 2-row one
            onHeap.matmul(x, n, out, 6, 8); // a 2-row tile (the pool's 1-row chunks cover single rows)
            float[] viaPool = new float[n * rows];
            try (ComputePool pool = new ComputePool(2)) {
                pool.matmul(inNative, x, n, viaPool);
            }

            for (int b = 0; b < n; b++) {
                for (int r = 0; r < rows; r++) {
                    double exact = 0;
                    double sameRounding = 0;
                    double magnitude = 0;
                    double roundingBound = 0;
                    for (int i = 0; i < cols; i++) {
                        float wi = dequantized[r * cols + i];
                        exact += (double) wi * x[b * cols + i];
                        sameRounding += (double) wi * rounded[b * cols + i];
                        magnitude += Math.abs((double) wi * x[b * cols + i]);
                        roundingBound += Math.abs(wi) * Math.abs(x[b * cols + i] - rounded[b * cols + i]);
                    }
                    double floatTolerance = 1e-5 * magnitude + 1e-6;
                    String what = type + " row " + r + " batch " + b;
                    if (r >= 1 && r < 8) {
                        assertThat((double) out[b * rows + r]).as(what).isCloseTo(sameRounding, within(floatTolerance));
                        assertThat((double) out[b * rows + r]).as(what)
                                .isCloseTo(exact, within(roundingBound + floatTolerance));
                    } else {
                        assertThat(out[b * rows + r]).as(what + " (outside the range)").isNaN();
                    }
                    assertThat((double) viaPool[b * rows + r]).as(what + " via pool")
                            .isCloseTo(sameRounding, within(floatTolerance));
                }
            }
        }
    }
}
