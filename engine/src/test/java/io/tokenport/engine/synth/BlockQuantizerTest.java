package io.tokenport.engine.synth;

import io.tokenport.engine.gguf.GGMLType;
import io.tokenport.engine.tensor.FloatTensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quantizers' blocks decode (with the engine's own tensor classes, written independently from ggml's
 * layouts) to values within the expected error of the input.
 */
class BlockQuantizerTest {

    /**
     * @param maxRelativeRms largest allowed RMS error relative to the values' standard deviation
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "F32, 0", "F16, 0.001", "BF16, 0.005", "Q8_0, 0.012", "Q6_K, 0.04",
            "Q5_0, 0.09", "Q5_K, 0.08", "Q4_0, 0.18", "Q4_K, 0.16"})
    void encodedBlocksDecodeCloseToTheInput(GGMLType type, double maxRelativeRms) {
        int rows = 4;
        int cols = 512;
        float[] x = new float[rows * cols];
        RandomModelGenerator.randomNormal(42, 0.02f, x);
        // Outliers and constant stretches: the cases that break naive scale choices.
        x[3] = 0.5f;
        x[700] = -0.4f;
        for (int i = 1024; i < 1056; i++) {
            x[i] = 0;
        }
        for (int i = 1280; i < 1536; i++) {
            x[i] = 0.01f;
        }
        byte[] bytes = new byte[(int) type.bytesFor(x.length)];
        int written = BlockQuantizer.encode(type, x, 0, x.length, bytes, 0);
        assertThat(written).isEqualTo(bytes.length);

        FloatTensor t = FloatTensor.of(type, MemorySegment.ofArray(bytes), rows, cols);
        float[] y = t.toFloatArray();
        double sq = 0;
        for (int i = 0; i < x.length; i++) {
            assertThat(y[i]).as("element %d", i).isFinite();
            double e = y[i] - x[i];
            sq += e * e;
        }
        double relativeRms = Math.sqrt(sq / x.length) / 0.02;
        assertThat(relativeRms).as("RMS error / std").isLessThanOrEqualTo(maxRelativeRms);
        // Blocks of zeros stay exactly zero; the outliers survive.
        for (int i = 1024; i < 1056; i++) {
            assertThat(y[i]).as("zero block, element %d", i).isEqualTo(0f);
        }
        assertThat(y[3]).isCloseTo(0.5f, org.assertj.core.data.Offset.offset(0.5f * 0.1f));
        assertThat(y[700]).isCloseTo(-0.4f, org.assertj.core.data.Offset.offset(0.4f * 0.1f));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"F32", "F16", "BF16", "Q8_0", "Q6_K", "Q5_0", "Q5_K", "Q4_0", "Q4_K"})
    void anAllZeroInputEncodesToZeros(GGMLType type) {
        float[] x = new float[256];
        byte[] bytes = new byte[(int) type.bytesFor(256)];
        BlockQuantizer.encode(type, x, 0, 256, bytes, 0);
        float[] y = FloatTensor.of(type, MemorySegment.ofArray(bytes), 1, 256).toFloatArray();
        assertThat(y).containsOnly(0f);
    }
}
