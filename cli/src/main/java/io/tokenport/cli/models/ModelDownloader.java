package io.tokenport.cli.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
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
import java.util.OptionalLong;

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
 * <p>Redirects (the hub sends file bodies from a CDN) are followed here rather than by the client so that the
 * {@code Authorization} header goes to the hub's own host only, and so that the hub's headers stay visible.
 * Connecting times out after a few seconds: with no network the user learns at once to pass {@code --model PATH}.
 */
public final class ModelDownloader {
    private static final int MAX_ATTEMPTS = 5;
    private static final int MAX_REDIRECTS = 10;
    private static final int BUFFER_BYTES = 1 << 20;
    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(30);
    private static final String USER_AGENT = "tokenport";

    private final HubSettings settings;
    private final PrintWriter err;
    private final boolean terminal;
    private final Duration retryPause;
    private final Duration stallTimeout;
    private final HttpClient http;

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
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
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
            Opened opened = open(ref, part.length());
            announced = opened.announcedSha256() != null ? opened.announcedSha256() : announced;
            try (InputStream body = opened.response().body()) {
                int status = opened.response().statusCode();
                if (status == 416 || status == 206 && contentRangeStart(opened.response().headers()) != part.length()) {
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
                long total = total(opened.response(), part.length());
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

    /**
     * The {@code .part} file with the running SHA-256 of its bytes: both always cover exactly the same bytes, also
     * when a read breaks off mid-way, so a resume continues the hash where the file ends.
     */
    private static final class PartFile {
        private final FileChannel channel;
        private final MessageDigest digest = newSha256();
        private long length;

        PartFile(FileChannel channel) throws IOException {
            this.channel = channel;
            this.length = channel.size();
        }

        long length() {
            return length;
        }

        void hashExisting() throws IOException {
            hashPrefix(channel, length, digest);
        }

        void append(ByteBuffer bytes) throws IOException {
            int n = bytes.remaining();
            int start = bytes.position();
            while (bytes.hasRemaining()) {
                channel.write(bytes, length + bytes.position() - start);
            }
            digest.update(bytes.flip().position(start));
            length += n;
        }

        void restart() throws IOException {
            channel.truncate(0);
            digest.reset();
            length = 0;
        }

        String sha256() {
            return HexFormat.of().formatHex(digest.digest());
        }

        void force() throws IOException {
            channel.force(true);
        }
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

    /**
     * Reads a response body, closing it from a watcher thread when it delivers nothing for {@code limit}: the HTTP
     * client's own timeout covers only the wait for the headers, and a stalled CDN connection would otherwise hang
     * the start for good. The blocked read then fails, and the download resumes like after any broken connection.
     */
    private static final class StallWatch implements AutoCloseable {
        private final InputStream body;
        private final Duration limit;
        private final Thread watcher;
        private volatile long lastProgressNanos = System.nanoTime();
        private volatile boolean stalled;

        StallWatch(InputStream body, Duration limit) {
            this.body = body;
            this.limit = limit;
            this.watcher = Thread.ofVirtual().name("model-download-stall-watch").start(this::watch);
        }

        private void watch() {
            try {
                for (long idle; (idle = System.nanoTime() - lastProgressNanos) < limit.toNanos(); ) {
                    Thread.sleep(Duration.ofNanos(limit.toNanos() - idle));
                }
                stalled = true;
                body.close();
            } catch (InterruptedException | IOException finished) {
                // Interrupted: the body ended first. A failed close leaves the read to fail on its own.
            }
        }

        int read(byte[] buffer) throws IOException {
            try {
                int n = body.read(buffer);
                lastProgressNanos = System.nanoTime();
                return n;
            } catch (IOException e) {
                if (stalled) {
                    throw new IOException("no data for " + (limit.toMillis() >= 1000 ? limit.toSeconds() + " s"
                            : limit.toMillis() + " ms"), e);
                }
                throw e;
            }
        }

        @Override
        public void close() {
            watcher.interrupt();
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

    // ---- HTTP ----

    /** A response with a body to read (200, 206 or 416), and the SHA-256 the hub announced on the way, if any. */
    private record Opened(HttpResponse<InputStream> response, String announcedSha256) {
    }

    private Opened open(ModelReference.HuggingFaceFile ref, long from) throws IOException {
        URI uri = resolveUrl(ref);
        String announced = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(HEADERS_TIMEOUT)
                    .header("User-Agent", USER_AGENT);
            if (from > 0) {
                request.header("Range", "bytes=" + from + "-");
            }
            if (settings.token() != null && sameOrigin(uri, settings.endpoint())) {
                request.header("Authorization", "Bearer " + settings.token());
            }
            HttpResponse<InputStream> response = send(request.build(), ref);
            if (announced == null) {
                announced = announcedSha256(response.headers());
            }
            int status = response.statusCode();
            if (status == 200 || status == 206 || status == 416) {
                return new Opened(response, announced);
            }
            response.body().close();
            if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                uri = redirectTarget(uri, response.headers(), ref);
                continue;
            }
            throw httpError(ref, status, response.headers());
        }
        throw new ModelDownloadException("more than " + MAX_REDIRECTS + " redirects while downloading " + ref);
    }

    private HttpResponse<InputStream> send(HttpRequest request, ModelReference.HuggingFaceFile ref)
            throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw unreachable(request.uri(), ref, "no answer within the connect timeout", e);
        } catch (HttpTimeoutException e) {
            throw new ModelDownloadException(request.uri().getHost() + " accepted the connection but sent no "
                    + "answer within " + HEADERS_TIMEOUT.toSeconds() + " s while downloading " + ref
                    + "; try again later, or pass a GGUF file you have with --model PATH", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while downloading " + ref);
        } catch (IOException e) {
            throw unreachable(request.uri(), ref, reason(e), e);
        }
    }

    private static ModelDownloadException unreachable(URI uri, ModelReference.HuggingFaceFile ref, String why,
                                                      IOException cause) {
        return new ModelDownloadException("cannot reach " + uri.getScheme() + "://" + uri.getAuthority()
                + " to download " + ref + " (" + why + "). Without network access, pass a GGUF file you have: "
                + "--model PATH (or set HF_ENDPOINT to a reachable mirror)", cause);
    }

    private URI resolveUrl(ModelReference.HuggingFaceFile ref) {
        StringBuilder path = new StringBuilder(settings.endpoint().toString())
                .append('/').append(ref.owner()).append('/').append(ref.repo())
                .append("/resolve/").append(ref.revision());
        for (String segment : ref.file().split("/")) {
            path.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(path.toString());
    }

    private static URI redirectTarget(URI from, HttpHeaders headers, ModelReference.HuggingFaceFile ref)
            throws ModelDownloadException {
        String location = headers.firstValue("Location").orElseThrow(() -> new ModelDownloadException(
                from.getHost() + " redirected without a Location while downloading " + ref));
        URI to;
        try {
            to = from.resolve(location);
        } catch (IllegalArgumentException e) {
            throw new ModelDownloadException(from.getHost() + " redirected to a malformed URL while downloading "
                    + ref, e);
        }
        boolean http = "http".equals(to.getScheme());
        if (!(http || "https".equals(to.getScheme())) || http && "https".equals(from.getScheme())) {
            throw new ModelDownloadException(from.getHost() + " redirected " + ref + " to a non-https URL ("
                    + to.getScheme() + "://" + to.getHost() + "); refusing it");
        }
        return to;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    private ModelDownloadException httpError(ModelReference.HuggingFaceFile ref, int status, HttpHeaders headers) {
        String repoPage = settings.endpoint() + "/" + ref.owner() + "/" + ref.repo();
        String code = headers.firstValue("X-Error-Code").orElse("");
        String message = switch (status) {
            case 401 -> settings.token() == null
                    ? "the repository " + ref.owner() + "/" + ref.repo() + " does not exist, or it is private or "
                            + "gated (HTTP 401); if you have access, set HF_TOKEN to an access token"
                    : "HF_TOKEN was not accepted for " + ref.owner() + "/" + ref.repo() + " (HTTP 401): it is "
                            + "invalid or expired, or the repository does not exist";
            case 403 -> "access to " + ref.owner() + "/" + ref.repo() + " is refused (HTTP 403): it is gated; "
                    + "accept its conditions on " + repoPage + " and set HF_TOKEN to an access token of that account";
            case 404 -> switch (code) {
                case "RepoNotFound" -> "there is no repository " + ref.owner() + "/" + ref.repo() + " (HTTP 404)";
                case "RevisionNotFound" -> "there is no revision '" + ref.revision() + "' in " + ref.owner() + "/"
                        + ref.repo() + " (HTTP 404)";
                default -> "there is no file " + ref.file() + " in " + ref.owner() + "/" + ref.repo()
                        + " at revision " + ref.revision() + " (HTTP 404); the repository's files are listed at "
                        + repoPage + "/tree/" + ref.revision();
            };
            case 429 -> "too many requests (HTTP 429); wait a minute and start again";
            default -> status >= 500
                    ? "the server failed (HTTP " + status + "); try again later"
                    : "unexpected answer HTTP " + status;
        };
        return new ModelDownloadException("cannot download " + ref + ": " + message
                + (status == 401 || status == 403 || status == 404 ? "" : "; or pass a GGUF file you have with "
                + "--model PATH"));
    }

    /** The Git LFS SHA-256 the hub announces for a file ({@code X-Linked-Etag}), or null. */
    static String announcedSha256(HttpHeaders headers) {
        String etag = headers.firstValue("X-Linked-Etag").orElse(null);
        if (etag == null) {
            return null;
        }
        etag = etag.strip();
        if (etag.startsWith("W/")) {
            etag = etag.substring(2);
        }
        if (etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            etag = etag.substring(1, etag.length() - 1);
        }
        etag = etag.toLowerCase(Locale.ROOT);
        // Non-LFS files carry a Git blob id (40 hex digits) here, which is not a SHA-256.
        return etag.length() == 64 && etag.chars().allMatch(HexFormat::isHexDigit) ? etag : null;
    }

    /** The first byte a 206 answer covers ({@code Content-Range: bytes START-END/TOTAL}), or -1 if unreadable. */
    private static long contentRangeStart(HttpHeaders headers) {
        String range = headers.firstValue("Content-Range").orElse("");
        if (!range.startsWith("bytes ") || range.indexOf('-') < 0) {
            return -1;
        }
        try {
            return Long.parseLong(range.substring(6, range.indexOf('-')).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The whole file's length as the answer tells it, or -1. */
    private static long total(HttpResponse<?> response, long have) {
        if (response.statusCode() == 206) {
            String range = response.headers().firstValue("Content-Range").orElse("");
            int slash = range.lastIndexOf('/');
            if (slash >= 0) {
                try {
                    return Long.parseLong(range.substring(slash + 1).strip());
                } catch (NumberFormatException unknownTotal) {
                    // "bytes 0-99/*": fall back to the body's length.
                }
            }
        }
        OptionalLong length = response.headers().firstValueAsLong("Content-Length");
        return length.isPresent() ? length.getAsLong() + (response.statusCode() == 206 ? have : 0) : -1;
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

    private static void hashPrefix(FileChannel channel, long length, MessageDigest digest) throws IOException {
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

    private static MessageDigest newSha256() {
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

    private static String reason(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
