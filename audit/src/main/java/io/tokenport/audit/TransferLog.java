package io.tokenport.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The durable, append-only transfer log: every {@link TransferRecord} the zone writes becomes one leaf of an
 * RFC 9162 Merkle tree, and {@link #append} returns only once the record is on disk (fsync).
 *
 * <h2>Files (in the log directory)</h2>
 * <ul>
 *   <li>{@code records.log}: the records, framed with length and CRC-32C (see {@link RecordFile}). The one
 *       file that matters; the others can be rebuilt from it.</li>
 *   <li>{@code leaves.bin}: the 32-byte leaf hashes in index order, so a restart need not re-hash records.</li>
 *   <li>{@code tree.state}: the size and root up to which {@code leaves.bin} was synced (see {@link TreeState}).</li>
 *   <li>{@code lock}: held while the log is open, so two processes never append to one log.</li>
 * </ul>
 *
 * <h2>Concurrency: group commit on one writer thread</h2>
 * Appenders (the zone's many virtual threads) encode and hash their record themselves, then queue it. One
 * platform thread takes everything queued, writes it with one write, syncs once, and only then adds the leaves
 * to the in-memory tree and completes the appenders. So the tree, {@link #size()} and every proof cover only
 * durable records: a checkpoint signed over them can never be contradicted by a crash. File I/O stays on that
 * thread, so interrupting an appender cannot close the file channel under everyone else.
 *
 * <h2>Crash recovery</h2>
 * A crash (kill -9, power loss) can leave only the last append partly written. {@link #open} scans the frames,
 * cuts a torn or unverifiable trailing frame off, and so recovers exactly the records that were whole: never
 * a gap. A bad frame among records the tree state says were durable is damage, not a torn append: the log
 * then refuses to open rather than silently dropping evidence.
 *
 * <p>{@link #openReadOnly} gives a snapshot for export or checks while the writer keeps appending; it takes no
 * lock and changes nothing on disk.
 */
public final class TransferLog implements AutoCloseable {

    static final String RECORDS = "records.log";
    static final String LEAVES = "leaves.bin";
    static final String CHECKPOINTS = "checkpoints";
    private static final int MAX_BATCH = 1024;
    private static final long STATE_EVERY = 8192;

    private final Path dir;
    private final boolean readOnly;
    private final FileChannel records;
    private final FileChannel leaves;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Recovery recovery;

    private final ReentrantReadWriteLock treeLock = new ReentrantReadWriteLock();
    private final ReentrantReadWriteLock admission = new ReentrantReadWriteLock();
    private MerkleTree tree = new MerkleTree();
    private long[] offsets = new long[1024];

    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private long recordsEnd;
    private long stateSize;
    private volatile Throwable failure;
    private volatile boolean closed;

    private record Pending(byte[] payload, Digest leafHash, CompletableFuture<Appended> done) {
    }

    private static final Pending STOP = new Pending(null, null, null);

    private TransferLog(Path dir, FileChannel lockChannel, FileLock lock, FileChannel records,
            FileChannel leaves) throws IOException {
        this.dir = dir;
        this.readOnly = lock == null;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.records = records;
        this.leaves = leaves;
        this.recovery = recover();
        if (readOnly) {
            this.writer = null;
            this.closed = true;
        } else {
            this.writer = Thread.ofPlatform().daemon().name("tokenport-audit-log-writer").unstarted(this::writeLoop);
            writer.start();
        }
    }

    /**
     * Opens a read-only snapshot of the log in {@code dir}, as it is on disk now, without taking the writer's
     * lock: for exporting or checking while the zone keeps appending. A partly written last record is left
     * out (and left alone); nothing on disk is changed. {@link #append} is refused.
     *
     * @throws AuditException if the directory holds no log or a durable record is damaged
     */
    public static TransferLog openReadOnly(Path dir) {
        if (!Files.isRegularFile(dir.resolve(RECORDS))) {
            throw new AuditException("no audit log in " + dir + " (" + RECORDS + " is missing)");
        }
        FileChannel records = null;
        FileChannel leaves = null;
        try {
            records = FileChannel.open(dir.resolve(RECORDS), StandardOpenOption.READ);
            leaves = Files.exists(dir.resolve(LEAVES)) ? FileChannel.open(dir.resolve(LEAVES), StandardOpenOption.READ)
                    : null;
            return new TransferLog(dir, null, null, records, leaves);
        } catch (IOException | RuntimeException e) {
            closeQuietly(records);
            closeQuietly(leaves);
            if (e instanceof AuditException ae) {
                throw ae;
            }
            throw new AuditException("cannot read the audit log " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the log in {@code dir}, creating it if needed, and recovers from any crash.
     *
     * @throws AuditException if the directory is in use by another process or a durable record is damaged
     */
    public static TransferLog open(Path dir) {
        FileChannel lockChannel = null;
        FileChannel records = null;
        FileChannel leaves = null;
        try {
            Files.createDirectories(dir);
            Files.createDirectories(dir.resolve(CHECKPOINTS));
            lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new AuditException("the audit log " + dir + " is already open (in this or another process);"
                        + " one log has exactly one writer");
            }
            boolean fresh = !Files.exists(dir.resolve(RECORDS));
            records = FileChannel.open(dir.resolve(RECORDS), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            leaves = FileChannel.open(dir.resolve(LEAVES), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            if (fresh) {
                TreeState.syncDirectory(dir);
            }
            return new TransferLog(dir, lockChannel, lock, records, leaves);
        } catch (IOException | RuntimeException e) {
            closeQuietly(records);
            closeQuietly(leaves);
            closeQuietly(lockChannel);
            if (e instanceof AuditException ae) {
                throw ae;
            }
            throw new AuditException("cannot open the audit log " + dir + ": " + e.getMessage(), e);
        }
    }

    private Recovery recover() throws IOException {
        // A file shorter than its magic can only be a creation cut short: start it again.
        if (readOnly && records.size() < RecordFile.HEADER) {
            recordsEnd = records.size();
            return new Recovery(0, 0, 0);
        }
        if (records.size() < RecordFile.HEADER) {
            records.truncate(0);
            RecordFile.writeFully(records, ByteBuffer.wrap(RecordFile.MAGIC), 0);
            records.force(true);
        }
        ByteBuffer magic = ByteBuffer.allocate(RecordFile.HEADER);
        RecordFile.readFully(records, magic, 0);
        if (!Arrays.equals(magic.array(), RecordFile.MAGIC)) {
            throw new AuditException(dir.resolve(RECORDS) + " is not a TokenPort transfer log (wrong magic bytes)");
        }
        TreeState state = TreeState.read(dir);
        long trusted = state != null && leaves != null && leaves.size() >= state.size() * Digest.SIZE
                ? state.size() : 0;
        long[] hashed = new long[1];
        RecordFile.ScanEnd end = scan(trusted, hashed);
        if (trusted > 0 && tree.size() >= trusted && !tree.rootHash(trusted).equals(state.root())) {
            // leaves.bin does not match what was saved: rebuild every leaf hash from the records.
            trusted = 0;
            resetTree();
            end = scan(0, hashed);
        }
        long durable = state == null ? 0 : state.size();
        if (end.problem() != null && end.frames() < durable) {
            throw new AuditException(dir.resolve(RECORDS) + " is damaged at byte " + end.validEnd() + " (record "
                    + end.frames() + "): " + end.problem() + ". The tree state says " + durable
                    + " records were durable, so this is not an interrupted append; restore the log from a"
                    + " backup. Nothing was changed.");
        }
        if (end.problem() == null && end.frames() < durable) {
            throw new AuditException(dir.resolve(RECORDS) + " holds " + end.frames() + " records but the tree"
                    + " state says " + durable + " were durable: records are missing; restore the log from a"
                    + " backup. Nothing was changed.");
        }
        long truncated = records.size() - end.validEnd();
        recordsEnd = end.validEnd();
        if (readOnly) {
            return new Recovery(tree.size(), 0, hashed[0]);
        }
        if (truncated > 0) {
            records.truncate(end.validEnd());
            records.force(true);
        }
        recordsEnd = end.validEnd();
        // leaves.bin: keep the trusted prefix, rewrite the rest from the tree.
        leaves.truncate(trusted * Digest.SIZE);
        ByteBuffer buf = ByteBuffer.allocate(Digest.SIZE);
        for (long i = trusted; i < tree.size(); i++) {
            buf.clear();
            buf.put(tree.leafHash(i).bytes()).flip();
            RecordFile.writeFully(leaves, buf, i * Digest.SIZE);
        }
        stateSize = trusted;
        if (tree.size() > trusted) {
            saveState();
        }
        return new Recovery(tree.size(), truncated, hashed[0]);
    }

    private RecordFile.ScanEnd scan(long trusted, long[] hashed) throws IOException {
        hashed[0] = 0;
        ByteBuffer leafBuf = ByteBuffer.allocate(Digest.SIZE);
        return RecordFile.scan(records, (index, offset, payload) -> {
            Digest leaf;
            if (index < trusted) {
                leafBuf.clear();
                try {
                    RecordFile.readFully(leaves, leafBuf, index * Digest.SIZE);
                } catch (IOException e) {
                    throw new AuditException("cannot read " + LEAVES + ": " + e.getMessage(), e);
                }
                leaf = Digest.of(leafBuf.array());
            } else {
                leaf = MerkleHashes.leafHash(payload);
                hashed[0]++;
            }
            addLeaf(offset, leaf);
        });
    }

    private void resetTree() {
        // Only during recovery, before anyone else can see the log.
        tree = new MerkleTree();
        offsets = new long[1024];
    }

    private void addLeaf(long offset, Digest leaf) {
        long index = tree.append(leaf);
        if (index >= offsets.length) {
            offsets = Arrays.copyOf(offsets, offsets.length * 2);
        }
        offsets[(int) index] = offset;
    }

    /** What {@link #open} found and repaired. */
    public Recovery recovery() {
        return recovery;
    }

    /** The log directory. */
    public Path directory() {
        return dir;
    }

    /**
     * Appends a record and waits until it is durable.
     *
     * @return its index and leaf hash
     * @throws AuditException if the log is closed or failed, or the wait was interrupted (then the record
     *     may or may not be in the log; its leaf hash tells)
     */
    public Appended append(TransferRecord record) {
        CompletableFuture<Appended> done = appendAsync(record);
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditException("interrupted while waiting for the audit log to sync; the record may still"
                    + " be appended", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AuditException ae) {
                throw ae;
            }
            throw new AuditException("audit log append failed: " + cause.getMessage(), cause);
        }
    }

    /** Appends a record; the future completes once it is durable. */
    public CompletableFuture<Appended> appendAsync(TransferRecord record) {
        byte[] payload = record.canonicalBytes();
        Pending p = new Pending(payload, MerkleHashes.leafHash(payload), new CompletableFuture<>());
        // The read lock orders every enqueue before close()'s STOP, so the writer sees each accepted record.
        admission.readLock().lock();
        try {
            if (closed || failure != null) {
                throw unusable();
            }
            queue.add(p);
        } finally {
            admission.readLock().unlock();
        }
        return p.done();
    }

    private AuditException unusable() {
        Throwable f = failure;
        if (f != null) {
            return new AuditException("the audit log " + dir + " failed and accepts no more records: "
                    + f.getMessage() + "; reopen it to recover", f);
        }
        return new AuditException(readOnly ? "the audit log " + dir + " was opened read-only"
                : "the audit log " + dir + " is closed");
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // only close() stops the writer, through STOP
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            if (batch.remove(STOP)) {
                stop = true;
            }
            if (batch.isEmpty()) {
                continue;
            }
            if (failure != null) {
                batch.forEach(p -> p.done().completeExceptionally(unusable()));
                continue;
            }
            try {
                commit(batch);
            } catch (IOException | RuntimeException e) {
                failure = e;
                batch.forEach(p -> p.done().completeExceptionally(unusable()));
            }
        }
    }

    /** Writes a batch, syncs it once, then makes it visible. Writer thread only. */
    private void commit(List<Pending> batch) throws IOException {
        int bytes = 0;
        for (Pending p : batch) {
            bytes += RecordFile.FRAME_OVERHEAD + p.payload().length;
        }
        ByteBuffer frames = ByteBuffer.allocate(bytes);
        ByteBuffer hashes = ByteBuffer.allocate(batch.size() * Digest.SIZE);
        for (Pending p : batch) {
            RecordFile.writeFrame(frames, p.payload());
            hashes.put(p.leafHash().bytes());
        }
        frames.flip();
        hashes.flip();
        long start = recordsEnd;
        RecordFile.writeFully(records, frames, start);
        records.force(false);
        recordsEnd = start + bytes;
        List<Appended> results = new ArrayList<>(batch.size());
        treeLock.writeLock().lock();
        try {
            RecordFile.writeFully(leaves, hashes, tree.size() * Digest.SIZE);
            long offset = start;
            for (Pending p : batch) {
                long index = tree.size();
                addLeaf(offset, p.leafHash());
                offset += RecordFile.FRAME_OVERHEAD + p.payload().length;
                results.add(new Appended(index, p.leafHash()));
            }
        } finally {
            treeLock.writeLock().unlock();
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done().complete(results.get(i));
        }
        if (size() - stateSize >= STATE_EVERY) {
            saveState();
        }
    }

    private void saveState() throws IOException {
        leaves.force(false);
        long size;
        Digest root;
        treeLock.readLock().lock();
        try {
            size = tree.size();
            root = tree.rootHash(size);
        } finally {
            treeLock.readLock().unlock();
        }
        new TreeState(size, root).write(dir);
        stateSize = size;
    }

    /** The number of durable records: the size of the tree that checkpoints and proofs describe. */
    public long size() {
        treeLock.readLock().lock();
        try {
            return tree.size();
        } finally {
            treeLock.readLock().unlock();
        }
    }

    /** The root hash of the tree at {@code treeSize} (any size up to {@link #size()}). */
    public Digest rootHash(long treeSize) {
        treeLock.readLock().lock();
        try {
            return tree.rootHash(treeSize);
        } finally {
            treeLock.readLock().unlock();
        }
    }

    /** The leaf hash of record {@code index}. */
    public Digest leafHash(long index) {
        treeLock.readLock().lock();
        try {
            return tree.leafHash(index);
        } finally {
            treeLock.readLock().unlock();
        }
    }

    /** The inclusion proof of record {@code index} in the tree of {@code treeSize} records. */
    public List<Digest> inclusionProof(long index, long treeSize) {
        treeLock.readLock().lock();
        try {
            return tree.inclusionProof(index, treeSize);
        } finally {
            treeLock.readLock().unlock();
        }
    }

    /** The consistency proof from tree size {@code size1} to {@code size2}. */
    public List<Digest> consistencyProof(long size1, long size2) {
        treeLock.readLock().lock();
        try {
            return tree.consistencyProof(size1, size2);
        } finally {
            treeLock.readLock().unlock();
        }
    }

    /** Reads record {@code index} back from disk. */
    public TransferRecord read(long index) {
        List<TransferRecord> one = new ArrayList<>(1);
        forEach(index, index + 1, (i, r) -> one.add(r));
        return one.get(0);
    }

    /** Receives records read back from the log. */
    @FunctionalInterface
    public interface RecordVisitor {
        /** Called once per record, in index order. */
        void record(long index, TransferRecord record);
    }

    /** Reads records {@code [from, to)} back from disk, in order, checking each against its leaf hash. */
    public void forEach(long from, long to, RecordVisitor visitor) {
        long[] snapshot;
        treeLock.readLock().lock();
        try {
            if (from < 0 || to > tree.size() || from > to) {
                throw new IllegalArgumentException("records " + from + ".." + to + " are not in a log of "
                        + tree.size() + " records");
            }
            snapshot = Arrays.copyOfRange(offsets, (int) from, (int) to);
        } finally {
            treeLock.readLock().unlock();
        }
        // A channel of its own: an interrupted reader must not close the writer's channel.
        try (FileChannel in = FileChannel.open(dir.resolve(RECORDS), StandardOpenOption.READ)) {
            for (int i = 0; i < snapshot.length; i++) {
                long index = from + i;
                byte[] payload = RecordFile.readPayload(in, snapshot[i]);
                if (!MerkleHashes.leafHash(payload).equals(leafHash(index))) {
                    throw new AuditException(dir.resolve(RECORDS) + ": record " + index + " at byte " + snapshot[i]
                            + " no longer matches its leaf hash; the file was changed after it was written");
                }
                visitor.record(index, TransferRecord.fromCanonicalBytes(payload));
            }
        } catch (IOException e) {
            throw new AuditException("cannot read " + dir.resolve(RECORDS) + ": " + e.getMessage(), e);
        }
    }

    /** Waits for queued appends, saves the tree state and releases the directory. Idempotent. */
    @Override
    public void close() {
        if (readOnly) {
            closeQuietly(records);
            closeQuietly(leaves);
            return;
        }
        admission.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        } finally {
            admission.writeLock().unlock();
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        try {
            if (failure == null && size() > stateSize) {
                saveState();
            }
        } catch (IOException e) {
            throw new AuditException("cannot save the tree state of " + dir + ": " + e.getMessage(), e);
        } finally {
            closeQuietly(records);
            closeQuietly(leaves);
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel releases it too
            }
            closeQuietly(lockChannel);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // nothing more to do while closing
            }
        }
    }
}
