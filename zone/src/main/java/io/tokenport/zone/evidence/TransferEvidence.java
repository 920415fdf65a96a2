package io.tokenport.zone.evidence;

import io.tokenport.audit.Appended;
import io.tokenport.audit.Checkpointer;
import io.tokenport.audit.Receipt;
import io.tokenport.audit.ReceiptSigner;
import io.tokenport.audit.SignedCheckpoint;
import io.tokenport.audit.SigningKey;
import io.tokenport.audit.TransferLog;
import io.tokenport.audit.TransferRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The zone's "record" step: the transfer log in {@code <dir>/log}, its signing key, scheduled checkpoints and
 * receipts. One record per request that crossed the boundary, served or refused.
 *
 * <p>The Ed25519 key is created on the first start ({@code <dir>/zone.key}, readable by the owner only) and its
 * public half written next to it as {@code zone.vkey}: the file a regulator is given to verify receipts,
 * checkpoints and exported bundles offline. The key's name is the log's origin.
 */
public final class TransferEvidence implements AutoCloseable {
    /** The file holding the log's Ed25519 signing key (owner-only). */
    public static final String SIGNING_KEY_FILE = "zone.key";
    /** The file holding the verifier (public) key. */
    public static final String VERIFIER_KEY_FILE = "zone.vkey";
    /** The directory of the log under the evidence directory. */
    public static final String LOG_DIR = "log";

    private final TransferLog log;
    private final Checkpointer checkpointer;
    private final ReceiptSigner receipts;
    private final SigningKey key;

    private TransferEvidence(TransferLog log, Checkpointer checkpointer, SigningKey key) {
        this.log = log;
        this.checkpointer = checkpointer;
        this.key = key;
        this.receipts = new ReceiptSigner(key);
    }

    /**
     * Opens (creating or recovering) the evidence in {@code dir} and publishes checkpoints every
     * {@code checkpointEvery}.
     *
     * @param origin the log's name for a new key, such as {@code zone.example.com/transfers}; an existing key
     *               keeps its own
     */
    public static TransferEvidence open(Path dir, String origin, Duration checkpointEvery) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the evidence directory " + dir + ": " + e.getMessage(), e);
        }
        Path keyFile = dir.resolve(SIGNING_KEY_FILE);
        SigningKey key;
        if (Files.exists(keyFile)) {
            key = SigningKey.read(keyFile);
        } else {
            key = SigningKey.generate(origin);
            key.write(keyFile);
        }
        try {
            Files.writeString(dir.resolve(VERIFIER_KEY_FILE), key.verifierKey().format() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the verifier key in " + dir + ": " + e.getMessage(), e);
        }
        TransferLog log = TransferLog.open(dir.resolve(LOG_DIR));
        Checkpointer checkpointer;
        try {
            checkpointer = new Checkpointer(log, key);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        checkpointer.start(checkpointEvery);
        return new TransferEvidence(log, checkpointer, key);
    }

    /**
     * Appends {@code record} (durably: this returns once it is on disk) and signs its receipt.
     *
     * @throws io.tokenport.audit.AuditException if the log cannot take it
     */
    public Receipt record(TransferRecord record) {
        Appended appended = log.append(record);
        return receipts.sign(appended);
    }

    /** Publishes a checkpoint of everything recorded so far. */
    public SignedCheckpoint checkpoint() {
        return checkpointer.publish();
    }

    /** The log, for proofs. */
    public TransferLog log() {
        return log;
    }

    /** The verifier key in its text form. */
    public String verifierKey() {
        return key.verifierKey().format();
    }

    /** Publishes a last checkpoint, so a clean stop leaves everything covered, then closes the log. */
    @Override
    public void close() {
        try {
            checkpointer.publish();
        } finally {
            checkpointer.close();
            log.close();
        }
    }
}
