package io.tokenport.engine.tensor;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kernels use the widest float vectors the JVM offers; the build runs the kernel tests a second time with
 * 256-bit vectors (property {@code tokenport.test.lanes=8}), and this checks that the second run really does.
 */
class VectorWidthTest {
    @Test
    void kernelsUseTheWidthTheJvmOffers() {
        int preferred = FloatVector.SPECIES_PREFERRED.length();
        assertThat(Dot.LANES).isIn(8, 16).isEqualTo(Math.max(8, Math.min(16, preferred)));
        String expected = System.getProperty("tokenport.test.lanes");
        if (expected != null) {
            assertThat(Dot.LANES).isEqualTo(Integer.parseInt(expected));
        }
    }
}
