package io.tokenport.link.pki;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DerTest {
    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void objectIdentifiersEncodeAsX690Says() {
        // X.690 8.19 and the RSA OID everyone has seen: 1.2.840.113549 is 2a 86 48 86 f7 0d.
        assertThat(hex(Der.oid("1.2.840.113549"))).isEqualTo("06062a864886f70d");
        assertThat(hex(Der.oid("2.5.29.17"))).isEqualTo("0603551d11");
        assertThat(hex(Der.oid("1.3.101.112"))).isEqualTo("06032b6570");
        // Joint arc 2 with a second arc over 39: 2.999 is 88 37.
        assertThat(hex(Der.oid("2.999"))).isEqualTo("06028837");
    }

    @Test
    void badObjectIdentifiersAreRefused() {
        assertThatThrownBy(() -> Der.oid("1")).hasMessageContaining("at least two arcs");
        assertThatThrownBy(() -> Der.oid("1.40")).hasMessageContaining("not an object identifier");
        assertThatThrownBy(() -> Der.oid("3.1")).hasMessageContaining("not an object identifier");
        assertThatThrownBy(() -> Der.oid("1.2.x")).hasMessageContaining("not an object identifier");
    }

    @Test
    void integersUseTheFewestTwosComplementBytes() {
        assertThat(hex(Der.integer(0))).isEqualTo("020100");
        assertThat(hex(Der.integer(127))).isEqualTo("02017f");
        assertThat(hex(Der.integer(128))).isEqualTo("02020080");
        assertThat(hex(Der.integer(256))).isEqualTo("02020100");
        assertThat(hex(Der.integer(-128))).isEqualTo("020180");
    }

    @Test
    void lengthsSwitchToTheLongFormAt128() {
        assertThat(hex(Arrays.copyOf(Der.octetString(new byte[127]), 2))).isEqualTo("047f");
        assertThat(hex(Arrays.copyOf(Der.octetString(new byte[128]), 3))).isEqualTo("048180");
        assertThat(hex(Arrays.copyOf(Der.octetString(new byte[256]), 4))).isEqualTo("04820100");
        assertThat(hex(Arrays.copyOf(Der.octetString(new byte[70000]), 5))).isEqualTo("0483011170");
    }

    @Test
    void namedBitStringsDropTrailingZeroBits() {
        // keyUsage digitalSignature (bit 0): one byte 0x80 with 7 unused bits.
        assertThat(hex(Der.namedBits(0))).isEqualTo("03020780");
        // keyCertSign (5) and cRLSign (6): 0x06 with 1 unused bit, as in every CA certificate.
        assertThat(hex(Der.namedBits(5, 6))).isEqualTo("03020106");
        // decipherOnly (8) spills into a second byte.
        assertThat(hex(Der.namedBits(0, 8))).isEqualTo("0303078080");
        assertThat(hex(Der.namedBits())).isEqualTo("030100");
    }

    @Test
    void timesAreUtcTimeBefore2050AndGeneralizedTimeFrom2050() {
        assertThat(new String(Der.time(Instant.parse("2026-11-28T04:05:06Z")), 2, 13, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("261128040506Z");
        assertThat(Der.time(Instant.parse("2026-11-28T04:05:06Z"))[0]).isEqualTo((byte) 0x17);
        byte[] late = Der.time(Instant.parse("2050-01-01T00:00:00Z"));
        assertThat(late[0]).isEqualTo((byte) 0x18);
        assertThat(new String(late, 2, 15, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("20500101000000Z");
    }

    @Test
    void booleansAndContextTags() {
        assertThat(hex(Der.bool(true))).isEqualTo("0101ff");
        assertThat(hex(Der.bool(false))).isEqualTo("010100");
        assertThat(hex(Der.explicit(0, Der.integer(2)))).isEqualTo("a003020102");
        assertThat(hex(Der.implicitPrimitive(7, new byte[] {127, 0, 0, 1}))).isEqualTo("87047f000001");
        assertThatThrownBy(() -> Der.explicit(31, new byte[0])).hasMessageContaining("0 to 30");
    }

    @Test
    void randomIntegersAndLengthsDecodeBack() {
        Random random = new Random(20261128);
        for (int i = 0; i < 2000; i++) {
            BigInteger value = new BigInteger(random.nextInt(1, 300), random);
            if (random.nextBoolean()) {
                value = value.negate();
            }
            byte[] encoded = Der.integer(value);
            int[] header = header(encoded);
            assertThat(encoded[0]).isEqualTo((byte) 0x02);
            assertThat(header[1]).isEqualTo(encoded.length - header[0]);
            byte[] contents = Arrays.copyOfRange(encoded, header[0], encoded.length);
            assertThat(new BigInteger(contents)).isEqualTo(value);
            // Minimal: the first nine bits are never all equal.
            if (contents.length > 1) {
                int nine = ((contents[0] & 0xff) << 1) | ((contents[1] & 0xff) >>> 7);
                assertThat(nine).isNotIn(0, 0x1ff);
            }
        }
    }

    /** {header length, content length} of a DER value. */
    private static int[] header(byte[] der) {
        int first = der[1] & 0xff;
        if (first < 0x80) {
            return new int[] {2, first};
        }
        int n = first & 0x7f;
        int length = 0;
        for (int i = 0; i < n; i++) {
            length = (length << 8) | (der[2 + i] & 0xff);
        }
        return new int[] {2 + n, length};
    }
}
