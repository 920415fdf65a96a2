package io.tokenport.zone.ingress;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A request body stream that hashes what it passes on and, when the body ends, runs a check on the SHA-256
 * (the attested hash), which throws if they differ. The body is never buffered twice: the endpoint reads it as
 * before and the refusal surfaces from the read that reaches the end, before the body is used.
 */
final class AttestedBodyStream extends FilterInputStream {
    /** Checks the hash of a body that has ended. */
    @FunctionalInterface
    interface EndCheck {
        void bodyEnded(byte[] sha256);
    }

    private final MessageDigest digest;
    private final EndCheck check;
    private boolean ended;

    AttestedBodyStream(InputStream in, EndCheck check) {
        super(in);
        this.check = check;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            end();
        } else {
            digest.update((byte) b);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n < 0) {
            end();
        } else {
            digest.update(buffer, offset, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must be hashed too: read them.
        byte[] scratch = new byte[(int) Math.min(8192, Math.max(0, n))];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void end() {
        if (!ended) {
            ended = true;
            check.bodyEnded(digest.digest());
        }
    }
}
