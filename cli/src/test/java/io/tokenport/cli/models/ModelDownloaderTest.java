package io.tokenport.cli.models;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelDownloaderTest {
    private static final Path FIXTURE = Path.of("../shared/models/stories260K.gguf");
    private static final ModelReference.HuggingFaceFile REF =
            new ModelReference.HuggingFaceFile("tiny", "stories-GGUF", "stories260K.gguf", "main");

    @TempDir
    Path cache;
    private byte[] content;
    private String sha256;
    private HubServer hub;
    private final StringWriter log = new StringWriter();

    @BeforeEach
    void startHub() throws IOException {
        content = Files.readAllBytes(FIXTURE);
        sha256 = ModelDownloader.sha256(FIXTURE);
        hub = new HubServer("tiny", "stories-GGUF", "main", "stories260K.gguf", content);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private ModelDownloader downloader(String endpoint, String token, Duration stallTimeout) {
        return new ModelDownloader(new HubSettings(HubSettings.parseEndpoint(endpoint), cache, token),
                new PrintWriter(log, true), false, Duration.ofSeconds(3), Duration.ZERO, stallTimeout);
    }

    private ModelDownloader downloader(String endpoint, String token) {
        return downloader(endpoint, token, Duration.ofSeconds(60));
    }

    private ModelDownloader downloader() {
        return downloader(hub.endpoint(), null);
    }

    private Path part() {
        return cache.resolve("tiny/stories-GGUF/main/stories260K.gguf.part");
    }

    @Test
    void downloadsIntoTheCacheAndRecordsTheHash() throws IOException {
        Path file = downloader().fetch(REF, sha256, content.length);

        assertThat(file).isEqualTo(cache.resolve("tiny/stories-GGUF/main/stories260K.gguf"));
        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(Files.readString(file.resolveSibling("stories260K.gguf.sha256")))
                .isEqualTo(sha256 + "  stories260K.gguf\n");
        assertThat(part()).doesNotExist();
        assertThat(hub.requests).hasSize(1);
        assertThat(hub.requests.getFirst().range()).isNull();
    }

    @Test
    void aCachedFileIsUsedWithoutTheNetwork() throws IOException {
        Path first = downloader().fetch(REF, sha256, content.length);
        hub.close();

        Path again = downloader().fetch(REF, sha256, content.length);

        assertThat(again).isEqualTo(first);
        assertThat(hub.requests).hasSize(1);
    }

    @Test
    void aCachedFileWithoutSidecarIsHashedOnceAndRecorded() throws IOException {
        Path target = downloader().cachedPath(REF);
        Files.createDirectories(target.getParent());
        Files.copy(FIXTURE, target);
        hub.close();

        Path file = downloader().fetch(REF, sha256, content.length);

        assertThat(file).isEqualTo(target);
        assertThat(log.toString()).contains("verifying the cached");
        assertThat(Files.readString(target.resolveSibling("stories260K.gguf.sha256"))).startsWith(sha256);
        assertThat(hub.requests).isEmpty();
    }

    @Test
    void aCachedFileThatContradictsThePinIsDownloadedAgain() throws IOException {
        Path target = downloader().cachedPath(REF);
        Files.createDirectories(target.getParent());
        byte[] damaged = content.clone();
        damaged[content.length / 2] ^= 1;
        Files.write(target, damaged);

        Path file = downloader().fetch(REF, sha256, content.length);

        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(log.toString()).contains("downloading it again");
        assertThat(hub.requests).hasSize(1);
    }

    @Test
    void aDroppedConnectionIsResumedWithARangeRequest() throws IOException {
        long half = content.length / 2;
        hub.dropAt = half;

        Path file = downloader().fetch(REF, sha256, content.length);

        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(hub.requests).hasSize(2);
        String range = hub.requests.get(1).range();
        assertThat(range).startsWith("bytes=").endsWith("-");
        long resumedAt = Long.parseLong(range.substring(6, range.length() - 1));
        assertThat(resumedAt).isPositive().isLessThanOrEqualTo(half);
        assertThat(hub.bytesSent).isEqualTo(half + content.length - resumedAt);
        assertThat(log.toString()).contains("the connection broke at").contains("resuming (attempt 2 of 5)");
    }

    @Test
    void aConnectionThatKeepsBreakingGivesUpButKeepsThePartForTheNextStart() throws IOException {
        hub.dropEachAfter = 100_000;

        assertThatThrownBy(() -> downloader().fetch(REF, sha256, content.length))
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("broke off 5 times")
                .hasMessageContaining("kept in " + part())
                .hasMessageContaining("resume on the next start");
        // Five connections of 100,000 bytes each; an abrupt close may lose a few bytes still in flight.
        long kept = Files.size(part());
        assertThat(kept).isGreaterThan(400_000).isLessThanOrEqualTo(500_000);

        hub.dropEachAfter = -1;
        Path file = downloader().fetch(REF, sha256, content.length);

        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(hub.requests.getLast().range()).isEqualTo("bytes=" + kept + "-");
    }

    @Test
    void aCompletePartLeftBeforeTheRenameNeedsNoNetwork() throws IOException {
        Files.createDirectories(part().getParent());
        Files.copy(FIXTURE, part());
        hub.close();

        Path file = downloader().fetch(REF, sha256, content.length);

        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(hub.requests).isEmpty();
    }

    @Test
    void aServerOfferingADifferentSizeThanThePinIsRefused() {
        assertThatThrownBy(() -> downloader().fetch(REF, sha256, content.length + 1L))
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("the server offers " + content.length + " bytes")
                .hasMessageContaining("the pinned file has " + (content.length + 1L) + " bytes");
    }

    @Test
    void aSecondDownloadOfTheSameFileAtOnceIsRefused() throws IOException {
        Files.createDirectories(part().getParent());
        try (FileChannel other = FileChannel.open(part(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = other.lock()) {
            assertThatThrownBy(() -> downloader().fetch(REF, sha256, content.length))
                    .isInstanceOf(ModelDownloadException.class)
                    .hasMessageContaining("another tokenport process is downloading " + part());
        }
        assertThat(hub.requests).isEmpty();
    }

    @Test
    void aStalledConnectionIsGivenUpAndResumed() throws IOException {
        long third = content.length / 3;
        hub.stallAt = third;

        Path file = downloader(hub.endpoint(), null, Duration.ofMillis(500)).fetch(REF, sha256, content.length);

        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(log.toString()).contains("(no data for 500 ms); resuming (attempt 2 of 5)");
        assertThat(hub.requests).extracting(HubServer.Request::range).containsExactly(null, "bytes=" + third + "-");
    }

    @Test
    void aPartLeftByAnEarlierRunIsHashedAndResumed() throws IOException {
        int half = content.length / 2;
        Files.createDirectories(part().getParent());
        Files.write(part(), Arrays.copyOf(content, half));

        Path file = downloader().fetch(REF, sha256, content.length);

        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(hub.requests).singleElement().extracting(HubServer.Request::range).isEqualTo("bytes=" + half + "-");
        assertThat(hub.bytesSent).isEqualTo(content.length - half);
    }

    @Test
    void aServerThatIgnoresRangeRestartsTheFileInsteadOfAppending() throws IOException {
        hub.ignoreRange = true;
        Files.createDirectories(part().getParent());
        // Stale bytes: appending the 200 body to them would give a wrong file.
        Files.write(part(), new byte[content.length / 3]);

        Path file = downloader().fetch(REF, sha256, content.length);

        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(hub.requests.getFirst().range()).isEqualTo("bytes=" + content.length / 3 + "-");
        assertThat(log.toString()).contains("does not resume downloads; starting");
    }

    @Test
    void aPartLongerThanTheServersFileStartsOver() throws IOException {
        Files.createDirectories(part().getParent());
        Files.write(part(), new byte[content.length + 10]);

        Path file = downloader().fetch(REF, null, -1);

        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(hub.requests).extracting(HubServer.Request::range)
                .containsExactly("bytes=" + (content.length + 10) + "-", null);
    }

    @Test
    void wrongBytesAreRefusedAndLeaveNoFile() throws Exception {
        byte[] wrong = content.clone();
        wrong[100] ^= 0x40;
        String wrongSha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(wrong));
        hub.close();
        try (HubServer evil = new HubServer("tiny", "stories-GGUF", "main", "stories260K.gguf", wrong)) {
            assertThatThrownBy(() -> downloader(evil.endpoint(), null).fetch(REF, sha256, content.length))
                    .isInstanceOf(ModelDownloadException.class)
                    .hasMessageContaining("is corrupt: its SHA-256 is " + wrongSha256)
                    .hasMessageContaining("expected " + sha256);
        }
        assertThat(downloader().cachedPath(REF)).doesNotExist();
        assertThat(part()).doesNotExist();
    }

    @Test
    void anUnpinnedFileIsCheckedAgainstTheHashTheHubAnnounces() {
        hub.linkedEtag = "0".repeat(64);

        assertThatThrownBy(() -> downloader().fetch(REF, null, -1))
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("expected " + "0".repeat(64) + " (announced by 127.0.0.1)");
        assertThat(downloader().cachedPath(REF)).doesNotExist();
    }

    @Test
    void aHubThatAnnouncesADifferentHashThanThePinIsRefusedBeforeDownloading() {
        hub.linkedEtag = "1".repeat(64);

        assertThatThrownBy(() -> downloader().fetch(REF, sha256, content.length))
                .hasMessageContaining("announces SHA-256 " + "1".repeat(64))
                .hasMessageContaining("pins " + sha256);
        assertThat(log.toString()).doesNotContain("downloading");
        assertThat(part()).doesNotExist();
    }

    @Test
    void redirectsAreFollowedAndTheTokenGoesOnlyToTheHub() throws IOException {
        hub.redirectToCdn = true;
        hub.linkedEtag = sha256;

        Path file = downloader(hub.endpoint(), "hf_secret_token").fetch(REF, null, -1);

        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(hub.requests).hasSize(2);
        assertThat(hub.requests.get(0).authorization()).isEqualTo("Bearer hf_secret_token");
        assertThat(hub.requests.get(1).path()).isEqualTo("/cdn/blob");
        assertThat(hub.requests.get(1).authorization()).isNull();
        assertThat(log.toString()).contains("verified").doesNotContain("hf_secret_token");
    }

    @Test
    void theRangeHeaderSurvivesARedirect() throws IOException {
        hub.redirectToCdn = true;
        int third = content.length / 3;
        Files.createDirectories(part().getParent());
        Files.write(part(), Arrays.copyOf(content, third));

        downloader().fetch(REF, sha256, content.length);

        assertThat(hub.requests).extracting(HubServer.Request::range)
                .containsExactly("bytes=" + third + "-", "bytes=" + third + "-");
        assertThat(hub.bytesSent).isEqualTo(content.length - third);
    }

    @Test
    void aMissingFileSaysWhereToLook() {
        hub.failWith = 404;
        hub.errorCode = "EntryNotFound";

        assertThatThrownBy(() -> downloader().fetch(REF, null, -1))
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("there is no file stories260K.gguf in tiny/stories-GGUF at revision main")
                .hasMessageContaining(hub.endpoint() + "/tiny/stories-GGUF/tree/main");
        assertThat(part()).doesNotExist();
    }

    @Test
    void aMissingRevisionIsNamed() {
        hub.failWith = 404;
        hub.errorCode = "RevisionNotFound";

        assertThatThrownBy(() -> downloader().fetch(REF, null, -1))
                .hasMessageContaining("there is no revision 'main' in tiny/stories-GGUF");
    }

    @Test
    void aGatedRepositoryAsksForAccessAndAToken() {
        hub.failWith = 403;

        assertThatThrownBy(() -> downloader().fetch(REF, null, -1))
                .hasMessageContaining("is gated")
                .hasMessageContaining("set HF_TOKEN");
    }

    @Test
    void aPrivateRepositoryWithoutTokenSuggestsOne() {
        hub.failWith = 401;

        assertThatThrownBy(() -> downloader().fetch(REF, null, -1))
                .hasMessageContaining("private or gated (HTTP 401)")
                .hasMessageContaining("set HF_TOKEN");
    }

    @Test
    void anUnreachableHubFailsAtOnceAndPointsToALocalFile() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        assertThatThrownBy(() -> downloader("http://127.0.0.1:" + closedPort, null).fetch(REF, sha256, 10))
                .isInstanceOf(ModelDownloadException.class)
                .hasMessageContaining("cannot reach http://127.0.0.1:" + closedPort)
                .hasMessageContaining("(the connection was refused or timed out)")
                .hasMessageContaining("--model PATH");
        assertThat(downloader().cachedPath(REF)).doesNotExist();
    }

    @Test
    void hubSettingsComeFromTheEnvironment() {
        HubSettings fromEnv = HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "http://mirror.test:9000/",
                "TOKENPORT_MODEL_CACHE", "/var/cache/models", "HF_TOKEN", "hf_x"), null);
        HubSettings overridden = HubSettings.fromEnvironment(Map.of("TOKENPORT_MODEL_CACHE", "/var/cache/models"),
                Path.of("/opt/models"));
        HubSettings defaults = HubSettings.fromEnvironment(Map.of(), null);

        assertThat(fromEnv.endpoint().toString()).isEqualTo("http://mirror.test:9000");
        assertThat(fromEnv.cacheDir()).isEqualTo(Path.of("/var/cache/models"));
        assertThat(fromEnv.token()).isEqualTo("hf_x");
        assertThat(fromEnv.toString()).doesNotContain("hf_x");
        assertThat(overridden.cacheDir()).isEqualTo(Path.of("/opt/models"));
        assertThat(defaults.endpoint().toString()).isEqualTo("https://huggingface.co");
        assertThat(defaults.cacheDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".cache/tokenport/models"));
        assertThat(defaults.token()).isNull();
        assertThatThrownBy(() -> HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "ftp://x"), null))
                .hasMessageContaining("HF_ENDPOINT must be an http(s) base URL");
    }
}
