package io.tokenport.cli.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Fetches a GGUF file from a Hugging Face repository into the local cache, verified by SHA-256.
 *
 * <p>Phases of {@link #fetch}:
 * <ol>
 *   <li>Cached: the file is already in the cache. A {@code FILE.sha256} sidecar newer than the file records its hash,
 *       so a later start needs neither the network nor a re-hash; without one the file is hashed once and the
 *       sidecar written. A cached file that contradicts a pinned hash is deleted and fetched again.</li>
 *   <li>Download: the bytes stream into {@code FILE.part}, hashed as they arrive, under an exclusive file lock (two
 *       starts at once must not interleave their writes). A part left by an earlier run is hashed first and resumed
 *       with {@code Range: bytes=N-}; a server that answers 200 instead of 206 gets a fresh start. A connection that
 *       breaks mid-body is resumed the same way, a few times.</li>
 *   <li>Verify: the hash must equal the pinned one, or else the one the hub announces for the file
 *       ({@code X-Linked-Etag}, the Git LFS SHA-256). Only then is the part renamed, atomically, to its final
 *       name; a mismatch deletes the part.</li>
 * </ol>
 *
 * <p>{@link HubClient} does the HTTP: redirects, the token, and messages for the hub's refusals.
 */
public final class ModelDownloader {
    private static final int MAX_ATTEMPTS = 5;
    private static final int BUFFER_BYTES = 1 << 20;

    private final HubSettings settings;
    private final PrintWriter err;
    private final boolean terminal;
    private final Duration retryPause;
    private final Duration stallTimeout;
    private final HubClient hub;

    /**
     * @param err      where progress and notes go (stderr)
     * @param terminal whether {@code err} is an interactive terminal (a redrawn progress bar instead of lines)
     */
    public ModelDownloader(HubSettings settings, PrintWriter err, boolean terminal) {
        this(settings, err, terminal, Duration.ofSeconds(4), Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    /**
     * @param retryPause   the wait before the first resume; the n-th waits n times as long
     * @param stallTimeout how long a body may deliver nothing before the connection counts as broken
     */
    ModelDownloader(HubSettings settings, PrintWriter err, boolean terminal, Duration connectTimeout,
                    Duration retryPause, Duration stallTimeout) {
        this.settings = settings;
        this.err = err;
        this.terminal = terminal;
        this.retryPause = retryPause;
        this.stallTimeout = stallTimeout;
        this.hub = new HubClient(settings, connectTimeout);
    }

    /** Where {@code ref} is, or will be, in the cache: {@code CACHE/OWNER/REPO/REVISION/FILE}. */
    public Path cachedPath(ModelReference.HuggingFaceFile ref) {
        Path path = settings.cacheDir().resolve(ref.owner()).resolve(ref.repo()).resolve(ref.revision());
        for (String segment : ref.file().split("/")) {
            path = path.resolve(segment);
        }
        return path;
    }

    /** Fetches {@code ref}, verified against its {@link PinnedModel pin} if it has one. */
    public Path fetch(ModelReference.HuggingFaceFile ref) throws IOException {
        var pin = PinnedModel.forFile(ref);
        return fetch(ref, pin.map(PinnedModel::sha256).orElse(null), pin.map(PinnedModel::size).orElse(-1L));
    }

    /**
     * Returns the cached file for {@code ref}, downloading it first if needed.
     *
     * @param expectedSha256 the file's SHA-256 (lower-case hex) if known in advance, else null
     * @param expectedSize   the file's length if known in advance, else -1
     * @throws ModelDownloadException with a message for the user when the file cannot be fetched or verified
     */
    public Path fetch(ModelReference.HuggingFaceFile ref, String expectedSha256, long expectedSize)
            throws IOException {
        Path target = cachedPath(ref);
        Path sidecar = sibling(target, ".sha256");
        if (Files.isRegularFile(target) && cachedCopyIsGood(target, sidecar, expectedSha256)) {
            return target;
        }
        Files.createDirectories(target.getParent());
        String sha256 = download(ref, target, expectedSha256, expectedSize);
        writeSidecar(target, sidecar, sha256);
        return target;
    }

    // ---- phase 1: the cache ----

    private boolean cachedCopyIsGood(Path target, Path sidecar, String expected) throws IOException {
        String actual = readSidecar(target, sidecar);
        if (actual == null) {
            err.printf("verifying the cached %s (%s)%n", target, mib(Files.size(target)));
            err.flush();
            actual = sha256(target);
            if (expected == null || actual.equals(expected)) {
                writeSidecar(target, sidecar, actual);
            }
        }
        if (expected == null || actual.equals(expected)) {
            return true;
        }
        err.printf("the cached %s has SHA-256 %s, not the expected %s; downloading it again%n",
                target, actual, expected);
        err.flush();
        Files.deleteIfExists(sidecar);
        Files.delete(target);
        return false;
    }

    /** The hash a sidecar records, or null when there is none, it is garbled, or the file is newer than it. */
    private static String readSidecar(Path target, Path sidecar) throws IOException {
        if (!Files.isRegularFile(sidecar)
                || Files.getLastModifiedTime(sidecar).compareTo(Files.getLastModifiedTime(target)) < 0) {
            return null;
        }
        // sha256sum's format, so `sha256sum -c FILE.sha256` works in the cache directory.
        String line = Files.readString(sidecar, StandardCharsets.UTF_8).strip();
        String expectedTail = "  " + target.getFileName();
        if (line.length() != 64 + expectedTail.length() || !line.endsWith(expectedTail)) {
            return null;
        }
        String hex = line.substring(0, 64);
        return hex.chars().allMatch(c -> HexFormat.isHexDigit(c) && !Character.isUpperCase(c)) ? hex : null;
    }

    private static void writeSidecar(Path target, Path sidecar, String sha256) throws IOException {
        Path tmp = sibling(target, ".sha256.tmp");
        Files.writeString(tmp, sha256 + "  " + target.getFileName() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, sidecar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    // ---- phases 2 and 3: download and verify ----

    private String download(ModelReference.HuggingFaceFile ref, Path target, String expected, long expectedSize)
            throws IOException {
        Path partPath = sibling(target, ".part");
        try (FileChannel channel = FileChannel.open(partPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
             FileLock lock = lockOrFail(channel, partPath)) {
            PartFile part = new PartFile(channel);
            try {
                return download(ref, target, partPath, part, expected, expectedSize);
            } finally {
                if (Files.exists(partPath) && channel.size() == 0) {
                    Files.delete(partPath); // nothing to resume: leave no litter
                }
            }
        }
    }

    private String download(ModelReference.HuggingFaceFile ref, Path target, Path partPath, PartFile part,
                            String expected, long expectedSize) throws IOException {
        if (expectedSize > 0 && part.length() > expectedSize) {
            part.restart();
        } else if (part.length() > 0) {
            err.printf("resuming %s: hashing the %s already downloaded%n", ref.fileName(), mib(part.length()));
            err.flush();
            part.hashExisting();
        }
        String announced = null;
        for (int attempt = 1; expectedSize <= 0 || part.length() < expectedSize; attempt++) {
            HubClient.Opened opened = hub.open(ref, part.length());
            announced = opened.announcedSha256() != null ? opened.announcedSha256() : announced;
            try (InputStream body = opened.response().body()) {
                int status = opened.response().statusCode();
                if (status == 416 || status == 206 && HubClient.contentRangeStart(opened.response().headers()) != part.length()) {
                    // The part does not fit the server's file: take all of it again.
                    if (part.length() == 0) {
                        throw new ModelDownloadException(opened.response().uri().getHost() + " answered HTTP "
                                + status + " with range '" + opened.response().headers()
                                .firstValue("Content-Range").orElse("") + "' to a request for all of " + ref);
                    }
                    err.printf("the server cannot resume %s at %s; starting over%n", ref.fileName(),
                            mib(part.length()));
                    part.restart();
                    continue;
                }
                if (status == 200 && part.length() > 0) {
                    err.printf("the server does not resume downloads; starting %s over%n", ref.fileName());
                    part.restart();
                }
                long total = HubClient.total(opened.response(), part.length());
                checkBeforeBody(ref, partPath, expected, expectedSize, announced, total, part.length());
                ProgressBar progress = new ProgressBar(err, ref.fileName(), total, part.length(), terminal,
                        System::nanoTime);
                try (StallWatch watch = new StallWatch(body, stallTimeout)) {
                    copy(body, part, total, expectedSize, progress, ref, watch);
                    if (total >= 0 && part.length() < total) {
                        throw new IOException("the connection closed at byte " + part.length() + " of " + total);
                    }
                    progress.finish(part.length());
                    break;
                } catch (ModelDownloadException e) {
                    throw e;
                } catch (IOException e) {
                    if (terminal) {
                        err.println();
                    }
                    if (attempt >= MAX_ATTEMPTS) {
                        throw new ModelDownloadException("the download of " + ref + " broke off " + MAX_ATTEMPTS
                                + " times: " + reason(e) + "; the " + mib(part.length()) + " so far are kept in "
                                + partPath + " and resume on the next start", e);
                    }
                    err.printf("the connection broke at %s (%s); resuming (attempt %d of %d)%n",
                            mib(part.length()), reason(e), attempt + 1, MAX_ATTEMPTS);
                    err.flush();
                    pause(attempt);
                }
            }
        }
        String actual = part.sha256();
        String wanted = expected != null ? expected : announced;
        if (wanted != null && !actual.equals(wanted)) {
            Files.delete(partPath);
            throw new ModelDownloadException("the download of " + ref + " is corrupt: its SHA-256 is " + actual
                    + ", expected " + wanted + " (" + (expected != null ? "pinned in this build"
                    : "announced by " + settings.endpoint().getHost()) + "); the partial file was deleted, "
                    + "so the next start downloads it afresh");
        }
        part.force();
        Files.move(partPath, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        err.printf("saved %s (SHA-256 %s)%n", target, actual + (wanted == null ? ", not published by the server"
                : ", verified"));
        err.flush();
        return actual;
    }

    private FileLock lockOrFail(FileChannel channel, Path part) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new ModelDownloadException("another tokenport process is downloading " + part
                    + " right now; wait for it to finish, then start again");
        }
        return lock;
    }

    private void checkBeforeBody(ModelReference.HuggingFaceFile ref, Path part, String expected, long expectedSize,
                                 String announced, long total, long have) throws IOException {
        if (expected != null && announced != null && !expected.equals(announced)) {
            throw new ModelDownloadException(settings.endpoint().getHost() + " announces SHA-256 " + announced
                    + " for " + ref + ", but this build pins " + expected + "; refusing a file that is not the one "
                    + "pinned (a wrong HF_ENDPOINT mirror?)");
        }
        if (expectedSize > 0 && total >= 0 && total != expectedSize) {
            throw new ModelDownloadException("the server offers " + total + " bytes for " + ref
                    + ", but the pinned file has " + expectedSize + " bytes (a wrong HF_ENDPOINT mirror?)");
        }
        long needed = (total >= 0 ? total : expectedSize) - have;
        long free = Files.getFileStore(part).getUsableSpace();
        if (needed > 0 && free < needed) {
            throw new ModelDownloadException("not enough disk space for " + ref + ": it needs " + mib(needed)
                    + " more in " + part.getParent() + ", which has " + mib(free) + " free; free some space, or "
                    + "choose another cache directory with --model-cache or TOKENPORT_MODEL_CACHE");
        }
        err.printf("downloading %s (%s) to %s%n", ref, total >= 0 ? mib(total) : "size unknown", part.getParent());
        err.flush();
    }

    private static void copy(InputStream body, PartFile part, long total, long expectedSize, ProgressBar progress,
                             ModelReference.HuggingFaceFile ref, StallWatch watch) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        long limit = total >= 0 ? total : expectedSize > 0 ? expectedSize : Long.MAX_VALUE;
        for (int n; (n = watch.read(buffer)) >= 0; ) {
            if (part.length() + n > limit) {
                throw new ModelDownloadException("the server sent more than the " + limit + " bytes of " + ref
                        + "; refusing it");
            }
            try {
                part.append(wrapped.clear().limit(n));
            } catch (IOException e) {
                throw new ModelDownloadException("cannot write the download of " + ref + " to disk: " + reason(e), e);
            }
            progress.update(part.length());
        }
    }

    private void pause(int attempt) throws InterruptedIOException {
        try {
            Thread.sleep(retryPause.multipliedBy(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to resume the download");
        }
    }

    // ---- hashing and small helpers ----

    /** The SHA-256 of a whole file, lower-case hex. */
    static String sha256(Path file) throws IOException {
        MessageDigest digest = newSha256();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            hashPrefix(channel, channel.size(), digest);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static void hashPrefix(FileChannel channel, long length, MessageDigest digest) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
        for (long position = 0; position < length; ) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), length - position));
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("file shrank while being hashed");
            }
            buffer.flip();
            digest.update(buffer);
            position += n;
        }
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    /** The first message along the cause chain (the HTTP client often wraps "Connection refused" message-less). */
    static String reason(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }
}
