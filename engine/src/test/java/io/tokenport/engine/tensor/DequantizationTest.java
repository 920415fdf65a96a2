package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DequantizationTest {

    static final java.util.List<GGMLType> TYPES = TestTensors.TYPES;

    private static float[] dequantizeAll(FloatTensor t) {
        float[] out = new float[t.rows() * t.cols() + 5];
        for (int r = 0; r < t.rows(); r++) {
            t.dequantizeRow(r, out, 5 + r * t.cols());
        }
        return java.util.Arrays.copyOfRange(out, 5, out.length);
    }

    @ParameterizedTest
    @FieldSource("TYPES")
    void dequantizedRowsMatchTheReferenceDecoderExactly(GGMLType type) {
        int rows = 3;
        int cols = 512;
        float[] values = TestTensors.weights(new Random(type.id()), rows * cols);
        byte[] bytes = ReferenceCodec.encode(type, values);
        FloatTensor t = TestTensors.heap(type, rows, cols, bytes);

        assertThat(t.type()).isEqualTo(type);
        assertThat(dequantizeAll(t)).containsExactly(ReferenceCodec.decode(type, bytes, rows * cols));
        assertThat(t.toFloatArray()).containsExactly(ReferenceCodec.decode(type, bytes, rows * cols));
    }

    /** Guards the encoder the other tests rely on: what it writes decodes close to what it was given. */
    @ParameterizedTest
    @FieldSource("TYPES")
    void referenceEncodingRoundTripsWithinTheTypesPrecision(GGMLType type) {
        float[] values = TestTensors.weights(new Random(7), 1024);
        float[] decoded = ReferenceCodec.decode(type, ReferenceCodec.encode(type, values), values.length);
        double maxRelative = switch (type) {
            case F32 -> 0;
            case F16, BF16 -> 0.004;
            case Q8_0 -> 0.01;
            case Q6_K -> 0.1; // a small sub-block scale quantized to a few levels of the 8-bit scale
            case Q5_0, Q5_K -> 0.07;
            default -> 0.15; // 4-bit
        };
        for (int blk = 0; blk < values.length / 32; blk++) {
            float amax = 0;
            for (int i = 0; i < 32; i++) {
                amax = Math.max(amax, Math.abs(values[32 * blk + i]));
            }
            for (int i = 32 * blk; i < 32 * blk + 32; i++) {
                assertThat((double) decoded[i]).as("%s element %d", type, i)
                        .isCloseTo(values[i], within(maxRelative * amax + 1e-7));
            }
        }
    }

    /**
     * Arbitrary bit patterns cover every bit of every field, which values from an encoder might not reach.
     * 300 cases: the type cycles through all of them and blocksPerRow (1..4) steps once per round, so every
     * pair comes up several times; each case draws its byte seed from a fixed seed. The case number, type,
     * block count and seed in the message reproduce a failure.
     */
    @Test
    void arbitraryBlocksDecodeLikeTheReference() {
        Random cases = new Random(20261128);
        for (int c = 0; c < 300; c++) {
            GGMLType type = TYPES.get(c % TYPES.size());
            int blocksPerRow = 1 + (c / TYPES.size()) % 4;
            long seed = cases.nextLong();
            checkArbitraryBlocks(c, type, blocksPerRow, seed);
        }
    }

    private static void checkArbitraryBlocks(int c, GGMLType type, int blocksPerRow, long seed) {
        Random random = new Random(seed);
        int rows = 2;
        int cols = blocksPerRow * type.blockSize() * (type.blockSize() == 1 ? 64 : 1);
        byte[] bytes = new byte[(int) type.bytesFor((long) rows * cols)];
        random.nextBytes(bytes);
        if (type.isQuantized()) {
            int[] halfFields = switch (type) {
                case Q4_K, Q5_K -> new int[] {0, 2};
                case Q6_K -> new int[] {208};
                default -> new int[] {0};
            };
            for (int o = 0; o < bytes.length; o += type.blockBytes()) {
                for (int f : halfFields) { // finite scales: NaN scales would compare unequal to themselves
                    ReferenceCodec.putShort(bytes, o + f, Float.floatToFloat16((random.nextFloat() - 0.5f) * 4));
                }
            }
        }
        FloatTensor t = TestTensors.heap(type, rows, cols, bytes);
        float[] expected = ReferenceCodec.decode(type, bytes, rows * cols);
        float[] actual = dequantizeAll(t);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Float.floatToIntBits(actual[i]))
                    .as("case %d (type %s, blocksPerRow %d, seed %d): element %d", c, type, blocksPerRow, seed, i)
                    .isEqualTo(Float.floatToIntBits(expected[i]));
        }
    }

    @Test
    void vectorHalfConversionAgreesWithTheJdkForEveryBitPattern() {
        byte[] bytes = new byte[65536 * 2];
        for (int h = 0; h < 65536; h++) {
            ReferenceCodec.putShort(bytes, 2 * h, (short) h);
        }
        FloatTensor t = TestTensors.heap(GGMLType.F16, 1, 65536, bytes);
        float[] decoded = new float[65536];
        t.decodeFloatRow(0, new Scratch(), decoded, 0);
        for (int h = 0; h < 65536; h++) {
            assertThat(Float.floatToIntBits(decoded[h])).as("half 0x%04x", h)
                    .isEqualTo(Float.floatToIntBits(Float.float16ToFloat((short) h)));
        }
    }

    // ---------------------------------------------------------------- blocks assembled by hand

    private static float[] decodeBlock(GGMLType type, int... unsignedBytes) {
        byte[] b = new byte[unsignedBytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) unsignedBytes[i];
        }
        FloatTensor t = TestTensors.heap(type, 1, type.blockSize(), b);
        float[] out = new float[type.blockSize()];
        t.dequantizeRow(0, out, 0);
        return out;
    }

    private static int[] block(int size, int... prefix) {
        int[] b = new int[size];
        System.arraycopy(prefix, 0, b, 0, prefix.length);
        return b;
    }

    @Test
    void q8_0BlockIsScaleTimesSignedBytes() {
        int[] b = block(34, 0x00, 0x38); // d = 0.5 (f16 0x3800)
        b[2] = 0x7F;  // 127
        b[3] = 0x80;  // -128
        b[33] = 0xFE; // -2
        float[] v = decodeBlock(GGMLType.Q8_0, b);
        assertThat(v[0]).isEqualTo(63.5f);
        assertThat(v[1]).isEqualTo(-64f);
        assertThat(v[2]).isEqualTo(0f);
        assertThat(v[31]).isEqualTo(-1f);
    }

    @Test
    void q4_0LowNibblesAreTheFirstHalfAndHighNibblesTheSecond() {
        int[] b = block(18, 0x00, 0x38); // d = 0.5
        for (int j = 0; j < 16; j++) {
            b[2 + j] = 0x9F; // low nibble 15 -> element j = (15 - 8) * 0.5; high nibble 9 -> element j + 16
        }
        b[2 + 3] = 0x08; // element 3: (8 - 8) * 0.5 = 0; element 19: (0 - 8) * 0.5 = -4
        float[] v = decodeBlock(GGMLType.Q4_0, b);
        assertThat(v[0]).isEqualTo(3.5f);
        assertThat(v[16]).isEqualTo(0.5f);
        assertThat(v[3]).isEqualTo(0f);
        assertThat(v[19]).isEqualTo(-4f);
        assertThat(v[31]).isEqualTo(0.5f);
    }

    @Test
    void q5_0TakesTheFifthBitOfElementJFromBitJOfQh() {
        int[] b = block(22, 0x00, 0x3C); // d = 1
        // qh = 0x80010001: bits 0, 16 and 31 set
        b[2] = 0x01;
        b[4] = 0x01;
        b[5] = 0x80;
        for (int j = 0; j < 16; j++) {
            b[6 + j] = 0x00;
        }
        b[6] = 0x21;      // element 0: 1 | 16 -> 17 - 16 = 1; element 16: 2 | 16 -> 2
        b[6 + 15] = 0x3F; // element 15: 15 (bit 15 clear) - 16 = -1; element 31: 3 | 16 -> 3
        float[] v = decodeBlock(GGMLType.Q5_0, b);
        assertThat(v[0]).isEqualTo(1f);
        assertThat(v[16]).isEqualTo(2f);
        assertThat(v[1]).isEqualTo(-16f);
        assertThat(v[15]).isEqualTo(-1f);
        assertThat(v[31]).isEqualTo(3f);
    }

    /**
     * Scales {1, 2, 3, 4, 5, 6, 7, 63} and mins {0, 1, 2, 3, 4, 5, 6, 40}, packed by hand: bytes 0-3 hold scales
     * 0-3 plus the top two bits of scales 4-7 (only 63 = 0b11_1111 has any: byte 3 = 4 | 3 << 6 = 0xC4), bytes
     * 4-7 mins 0-3 plus the top bits of mins 4-7 (40 = 0b10_1000: byte 7 = 3 | 2 << 6 = 0x83), bytes 8-11 the
     * low nibbles of scale j (low) and min j (high) for j = 4..7: 0x45, 0x56, 0x67, 0x8F.
     */
    private static final int[] K_SCALES = {0x01, 0x02, 0x03, 0xC4, 0x00, 0x01, 0x02, 0x83, 0x45, 0x56, 0x67, 0x8F};

    @Test
    void q4_KBlockAppliesSixBitScalesAndMinsPerSubBlock() {
        int[] b = block(144, 0x00, 0x3C, 0x00, 0x38); // d = 1, dmin = 0.5
        System.arraycopy(K_SCALES, 0, b, 4, 12);
        for (int l = 0; l < 32; l++) {
            b[16 + l] = 0x3A;      // sub-block 0 gets 10, sub-block 1 gets 3
            b[16 + 96 + l] = 0x21; // sub-block 6 gets 1, sub-block 7 gets 2
        }
        float[] v = decodeBlock(GGMLType.Q4_K, b);
        assertThat(v[0]).isEqualTo(1 * 1 * 10 - 0.5f * 0);   // 10
        assertThat(v[32]).isEqualTo(1 * 2 * 3 - 0.5f * 1);   // 5.5
        assertThat(v[64]).isEqualTo(1 * 3 * 0 - 0.5f * 2);   // sub-block 2, q = 0: -1
        assertThat(v[192]).isEqualTo(1 * 7 * 1 - 0.5f * 6);  // 4
        assertThat(v[255]).isEqualTo(1 * 63 * 2 - 0.5f * 40); // 106
    }

    @Test
    void q5_KTakesTheFifthBitOfSubBlockJFromBitJOfQh() {
        int[] b = block(176, 0x00, 0x3C, 0x00, 0x38); // d = 1, dmin = 0.5
        System.arraycopy(K_SCALES, 0, b, 4, 12);
        b[16] = 0b1000_0010;  // qh[0]: fifth bit for element 0 of sub-blocks 1 and 7
        b[16 + 31] = 0x01;    // qh[31]: for element 31 of sub-block 0
        b[48] = 0x3A;         // element 0 of sub-block 0: 10; of sub-block 1: 3
        b[48 + 31] = 0x05;    // element 31 of sub-block 0: 5
        b[48 + 96] = 0x21;    // element 0 of sub-block 6: 1; of sub-block 7: 2
        float[] v = decodeBlock(GGMLType.Q5_K, b);
        assertThat(v[0]).isEqualTo(1 * 1 * 10 - 0f);               // 10
        assertThat(v[31]).isEqualTo(1 * 1 * (5 + 16) - 0f);        // 21
        assertThat(v[32]).isEqualTo(1 * 2 * (3 + 16) - 0.5f);      // 37.5
        assertThat(v[192]).isEqualTo(1 * 7 * 1 - 0.5f * 6);        // 4
        assertThat(v[224]).isEqualTo(1 * 63 * (2 + 16) - 0.5f * 40); // 1114
    }

    @Test
    void q6_KInterleavesFourGroupsPerHalfWithSignedScales() {
        int[] b = block(210);
        b[208] = 0x00;
        b[209] = 0x34; // d = 0.25
        for (int s = 0; s < 16; s++) {
            b[192 + s] = (s - 8) & 0xFF; // scale of sub-block s: s - 8
        }
        b[0] = 0x21;   // ql[0]: element 0 low = 1, element 64 low = 2
        b[32] = 0x43;  // ql[32]: element 32 low = 3, element 96 low = 4
        b[128] = 0xE4; // qh[0] = 0b11_10_01_00: top bits 0 (element 0), 1 (32), 2 (64), 3 (96)
        b[64] = 0x0F;  // ql[64]: element 128 low = 15 (second half), top bits 0
        float[] v = decodeBlock(GGMLType.Q6_K, b);
        assertThat(v[0]).isEqualTo(0.25f * -8 * (1 - 32));             // 62
        assertThat(v[32]).isEqualTo(0.25f * -6 * ((3 | 1 << 4) - 32)); // 19.5
        assertThat(v[64]).isEqualTo(0.25f * -4 * ((2 | 2 << 4) - 32)); // -2
        assertThat(v[96]).isEqualTo(0.25f * -2 * ((4 | 3 << 4) - 32)); // -10
        assertThat(v[128]).isEqualTo(0.25f * 0 * (15 - 32));           // scale 8 - 8 = 0
        assertThat(v[1]).isEqualTo(0.25f * -8 * -32);                  // all-zero bits: q - 32 = -32
    }

    @Test
    void halfAndBrainFloatElementsAreTheirBitPatterns() {
        float[] f16 = decodeBlock(GGMLType.F16, 0x00, 0xC0); // -2
        float[] bf16 = decodeBlock(GGMLType.BF16, 0x80, 0x3F); // 1
        assertThat(f16[0]).isEqualTo(-2f);
        assertThat(bf16[0]).isEqualTo(1f);
    }

    @Test
    void unsupportedTypesAndPartialBlocksGetClearErrors() {
        var seg = java.lang.foreign.MemorySegment.ofArray(new byte[1024]);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FloatTensor.of(GGMLType.Q2_K, seg, 1, 256))
                .hasMessageContaining("Q2_K").hasMessageContaining("supported: F32");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FloatTensor.of(GGMLType.Q4_0, seg, 1, 48))
                .hasMessageContaining("48");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FloatTensor.of(GGMLType.F32, seg, 2, 256))
                .hasMessageContaining("2048 bytes");
    }
}
