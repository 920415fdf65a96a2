package io.tokenport.audit;

/**
 * Signs receipts for appended records with the zone's log key. Thread-safe; signing takes tens of
 * microseconds, so it is done per response.
 */
public final class ReceiptSigner {

    private final SigningKey key;

    /** A signer using the log key (its name is the origin). */
    public ReceiptSigner(SigningKey key) {
        this.key = key;
    }

    /** The receipt for a record the log has appended. */
    public Receipt sign(Appended appended) {
        byte[] message = Receipt.message(key.name(), appended.index(), appended.leafHash());
        return new Receipt(key.name(), appended.index(), appended.leafHash(), key.verifierKey().keyId(),
                key.sign(message));
    }
}
