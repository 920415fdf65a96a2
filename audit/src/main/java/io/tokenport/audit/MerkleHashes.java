package io.tokenport.audit;

import java.security.MessageDigest;

/**
 * The two hash functions of an RFC 6962 / RFC 9162 Merkle tree over SHA-256. The one-byte prefixes keep leaf
 * and interior hashes apart, so no leaf can be passed off as a subtree (a second-preimage attack).
 */
public final class MerkleHashes {

    private static final Digest EMPTY = Digest.sha256(new byte[0]);

    private MerkleHashes() {
    }

    /** {@code SHA-256(0x00 || data)}: the hash of a leaf holding {@code data}. */
    public static Digest leafHash(byte[] data) {
        MessageDigest md = Digest.newSha256();
        md.update((byte) 0x00);
        md.update(data);
        return Digest.of(md.digest());
    }

    /** {@code SHA-256(0x01 || left || right)}: the hash of an interior node. */
    public static Digest nodeHash(Digest left, Digest right) {
        MessageDigest md = Digest.newSha256();
        md.update((byte) 0x01);
        left.updateInto(md);
        right.updateInto(md);
        return Digest.of(md.digest());
    }

    /** The root of the empty tree, {@code SHA-256()} of no bytes. */
    public static Digest emptyRoot() {
        return EMPTY;
    }
}
