package io.tokenport.link.pki;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.Instant;

/**
 * A DER encoder (ITU-T X.690) for the few ASN.1 types an X.509 certificate needs. Each method returns the
 * complete encoding of one value (tag, length, contents), so structures are built bottom-up by nesting calls:
 * {@code sequence(integer(2), oid("2.5.4.3"))}.
 *
 * <p>Only encoding: the JDK's {@code CertificateFactory} parses what this writes, and the tests check the two
 * agree.
 */
public final class Der {
    static final int BOOLEAN = 0x01;
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int OID = 0x06;
    static final int UTF8_STRING = 0x0c;
    static final int PRINTABLE_STRING = 0x13;
    static final int IA5_STRING = 0x16;
    static final int UTC_TIME = 0x17;
    static final int GENERALIZED_TIME = 0x18;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;

    private static final DateTimeFormatter UTC_TIME_FORMAT = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
    private static final DateTimeFormatter GENERALIZED_TIME_FORMAT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

    private Der() {
    }

    /** A value with tag {@code tag} and contents {@code contents}: the one primitive everything else uses. */
    public static byte[] tagged(int tag, byte[] contents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(contents.length + 6);
        out.write(tag);
        writeLength(out, contents.length);
        out.writeBytes(contents);
        return out.toByteArray();
    }

    /** Definite length: short form below 128, else 0x80 | count followed by the big-endian length bytes. */
    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out.write(length >>> (8 * i));
        }
    }

    /** SEQUENCE of the already encoded {@code elements}, in order. */
    public static byte[] sequence(byte[]... elements) {
        return tagged(SEQUENCE, concat(elements));
    }

    /** SET OF with one element (the only use here: one attribute per relative distinguished name). */
    public static byte[] set(byte[] element) {
        return tagged(SET, element);
    }

    /** INTEGER in the fewest two's-complement bytes. */
    public static byte[] integer(BigInteger value) {
        return tagged(INTEGER, value.toByteArray());
    }

    /** INTEGER. */
    public static byte[] integer(long value) {
        return integer(BigInteger.valueOf(value));
    }

    /** BOOLEAN; DER requires 0xFF for true. */
    public static byte[] bool(boolean value) {
        return tagged(BOOLEAN, new byte[] {(byte) (value ? 0xff : 0x00)});
    }

    /** OCTET STRING. */
    public static byte[] octetString(byte[] value) {
        return tagged(OCTET_STRING, value);
    }

    /** BIT STRING of whole bytes (no unused bits), as signatures and keys are. */
    public static byte[] bitString(byte[] value) {
        byte[] contents = new byte[value.length + 1];
        System.arraycopy(value, 0, contents, 1, value.length);
        return tagged(BIT_STRING, contents);
    }

    /**
     * A named-bit BIT STRING (such as keyUsage) with the bits {@code bits} set, bit 0 being the most significant
     * bit of the first byte. DER drops trailing zero bits, so the encoding ends at the highest set bit.
     */
    public static byte[] namedBits(int... bits) {
        int highest = -1;
        for (int bit : bits) {
            if (bit < 0) {
                throw new IllegalArgumentException("bit numbers are not negative, got " + bit);
            }
            highest = Math.max(highest, bit);
        }
        if (highest < 0) {
            return tagged(BIT_STRING, new byte[] {0});
        }
        byte[] contents = new byte[1 + highest / 8 + 1];
        for (int bit : bits) {
            contents[1 + bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        contents[0] = (byte) (7 - highest % 8);
        return tagged(BIT_STRING, contents);
    }

    /** OBJECT IDENTIFIER from dotted decimal, such as {@code 2.5.29.17}. */
    public static byte[] oid(String dotted) {
        String[] parts = dotted.split("\\.");
        if (parts.length < 2) {
            throw new IllegalArgumentException("an object identifier has at least two arcs: " + dotted);
        }
        long first;
        long second;
        try {
            first = Long.parseLong(parts[0]);
            second = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an object identifier: " + dotted, e);
        }
        if (first > 2 || (first < 2 && second > 39) || first < 0 || second < 0) {
            throw new IllegalArgumentException("not an object identifier: " + dotted);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeBase128(out, first * 40 + second);
        for (int i = 2; i < parts.length; i++) {
            long arc;
            try {
                arc = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an object identifier: " + dotted, e);
            }
            if (arc < 0) {
                throw new IllegalArgumentException("not an object identifier: " + dotted);
            }
            writeBase128(out, arc);
        }
        return tagged(OID, out.toByteArray());
    }

    /** Seven bits per byte, most significant group first, the high bit set on all but the last. */
    private static void writeBase128(ByteArrayOutputStream out, long value) {
        int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(value) + 6) / 7);
        for (int i = groups - 1; i >= 0; i--) {
            int group = (int) (value >>> (7 * i)) & 0x7f;
            out.write(i == 0 ? group : group | 0x80);
        }
    }

    /** UTF8String. */
    public static byte[] utf8String(String value) {
        return tagged(UTF8_STRING, value.getBytes(StandardCharsets.UTF_8));
    }

    /** IA5String (ASCII), as DNS names in subjectAltName are; the caller checks the characters. */
    public static byte[] ia5String(String value) {
        return tagged(IA5_STRING, value.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * A certificate validity time: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280, 4.1.2.5), to the
     * second, in UTC.
     */
    public static byte[] time(Instant instant) {
        ZonedDateTime utc = instant.atZone(ZoneOffset.UTC);
        if (utc.getYear() >= 1950 && utc.getYear() < 2050) {
            return tagged(UTC_TIME, UTC_TIME_FORMAT.format(utc).getBytes(StandardCharsets.US_ASCII));
        }
        return tagged(GENERALIZED_TIME, GENERALIZED_TIME_FORMAT.format(utc).getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code [number] EXPLICIT}: a constructed context-specific tag wrapping a complete encoding. */
    public static byte[] explicit(int number, byte[] encoded) {
        return tagged(0xa0 | checkTagNumber(number), encoded);
    }

    /** {@code [number] IMPLICIT} for a primitive type: the contents of that type under a context-specific tag. */
    public static byte[] implicitPrimitive(int number, byte[] contents) {
        return tagged(0x80 | checkTagNumber(number), contents);
    }

    private static int checkTagNumber(int number) {
        if (number < 0 || number > 30) {
            throw new IllegalArgumentException("context tag numbers 0 to 30 only, got " + number);
        }
        return number;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
