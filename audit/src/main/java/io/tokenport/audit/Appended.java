package io.tokenport.audit;

/**
 * A record that is now durably in the transfer log.
 *
 * @param index its leaf index (0-based)
 * @param leafHash its Merkle leaf hash
 */
public record Appended(long index, Digest leafHash) {
}
