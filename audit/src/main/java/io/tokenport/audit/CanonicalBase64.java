package io.tokenport.audit;

import java.util.Base64;

/**
 * Standard base64 (RFC 4648, section 4, with padding), accepted only in its canonical form: the JDK's decoder
 * ignores the unused bits of a last character, so "...A=" and "...B=" can decode to the same bytes, and a changed
 * character of a receipt, key or signature line would go unnoticed. Evidence has exactly one spelling.
 */
final class CanonicalBase64 {
    private CanonicalBase64() {
    }

    /**
     * The bytes {@code text} encodes.
     *
     * @throws IllegalArgumentException if {@code text} is not base64, or not the canonical encoding of its bytes
     */
    static byte[] decode(String text) {
        byte[] bytes = Base64.getDecoder().decode(text);
        if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
            throw new IllegalArgumentException("not canonical base64 (unused bits set, or padding missing)");
        }
        return bytes;
    }
}
