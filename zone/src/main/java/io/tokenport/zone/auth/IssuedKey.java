package io.tokenport.zone.auth;

/**
 * A key just created: the only time its secret exists outside the client.
 *
 * @param info   what the zone stores about it
 * @param secret the key to hand to the customer once; only its SHA-256 is stored
 */
public record IssuedKey(ApiKeyInfo info, String secret) {

    /** Keeps the secret out of logs and exception messages. */
    @Override
    public String toString() {
        return "IssuedKey[" + info + "]";
    }
}
