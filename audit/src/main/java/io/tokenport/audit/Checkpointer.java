package io.tokenport.audit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes signed checkpoints of a {@link TransferLog}, on demand and on a schedule, and keeps every one it
 * ever published in {@code <log>/checkpoints/<size, 20 digits>.note} (the exporter puts them all in a bundle,
 * with consistency proofs between them, so a regulator can see the log only ever grew).
 *
 * <p>A checkpoint covers only durable records (see {@link TransferLog#size()}), so no crash can make the log
 * contradict one. On start the latest stored checkpoint is checked against the log: a log that does not
 * extend it (replaced, truncated, restored from an old backup) is refused loudly instead of being signed
 * over.
 */
public final class Checkpointer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Checkpointer.class.getName());

    private final TransferLog log;
    private final SigningKey key;
    private final Path dir;
    private SignedCheckpoint latest;
    private ScheduledExecutorService schedule;

    /**
     * A checkpointer for {@code log} signing with {@code key}; the key's name is the log origin.
     *
     * @throws AuditException if the log does not extend the latest checkpoint already published
     */
    public Checkpointer(TransferLog log, SigningKey key) {
        this.log = log;
        this.key = key;
        this.dir = log.directory().resolve(TransferLog.CHECKPOINTS);
        List<SignedCheckpoint> all = readAll(dir, key.verifierKey());
        if (!all.isEmpty()) {
            latest = all.get(all.size() - 1);
            Checkpoint c = latest.checkpoint();
            if (c.size() > log.size() || !log.rootHash(c.size()).equals(c.root())) {
                throw new AuditException("the audit log " + log.directory() + " does not extend checkpoint "
                        + c.size() + " it published (root " + c.root().base64() + "); the log was replaced,"
                        + " truncated or restored from an old backup. Nothing will be signed over it.");
            }
        }
    }

    /**
     * Signs and stores a checkpoint of the log as it is now; returns the latest one unchanged if no record
     * was added since.
     */
    public synchronized SignedCheckpoint publish() {
        long size = log.size();
        if (latest != null && latest.checkpoint().size() == size) {
            return latest;
        }
        SignedCheckpoint signed = new Checkpoint(key.name(), size, log.rootHash(size)).sign(key);
        Path file = dir.resolve(fileName(size));
        try {
            TreeState.writeDurably(dir, dir.resolve(fileName(size) + ".tmp"), file, signed.bytes());
        } catch (IOException e) {
            throw new AuditException("cannot store checkpoint " + file + ": " + e.getMessage(), e);
        }
        latest = signed;
        return signed;
    }

    /** The latest published checkpoint, or {@code null} if none was published yet. */
    public synchronized SignedCheckpoint latest() {
        return latest;
    }

    /** Publishes every {@code interval} on a background thread, until {@link #close()}. */
    public synchronized void start(Duration interval) {
        if (schedule != null) {
            throw new IllegalStateException("already publishing on a schedule");
        }
        schedule = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("tokenport-audit-checkpointer").factory());
        long millis = Math.max(1, interval.toMillis());
        schedule.scheduleWithFixedDelay(() -> {
            try {
                publish();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "audit checkpoint not published: " + e.getMessage(), e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Stops the schedule. The log stays open; it belongs to the caller. */
    @Override
    public void close() {
        ScheduledExecutorService s;
        synchronized (this) {
            s = schedule;
            schedule = null;
        }
        if (s != null) {
            s.shutdown();
            try {
                s.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Every checkpoint the log in {@code logDir} published, in size order, each verified with {@code key}. */
    public static List<SignedCheckpoint> published(Path logDir, VerifierKey key) {
        return readAll(logDir.resolve(TransferLog.CHECKPOINTS), key);
    }

    static String fileName(long size) {
        return String.format("%020d.note", size);
    }

    private static List<SignedCheckpoint> readAll(Path dir, VerifierKey key) {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.note")) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new AuditException("cannot list checkpoints in " + dir + ": " + e.getMessage(), e);
        }
        files.sort(null);
        List<SignedCheckpoint> out = new ArrayList<>();
        for (Path f : files) {
            try {
                SignedCheckpoint c = SignedCheckpoint.open(Files.readAllBytes(f), key);
                if (!f.getFileName().toString().equals(fileName(c.checkpoint().size()))) {
                    throw new AuditException("its size " + c.checkpoint().size() + " does not match the file name");
                }
                out.add(c);
            } catch (IOException e) {
                throw new AuditException("cannot read checkpoint " + f + ": " + e.getMessage(), e);
            } catch (AuditException e) {
                throw new AuditException("stored checkpoint " + f + " is invalid: " + e.getMessage(), e);
            }
        }
        return out;
    }
}
