package io.tokenport.e2e;

import io.tokenport.audit.Outcome;
import io.tokenport.audit.TransferLog;
import io.tokenport.audit.TransferRecord;
import io.tokenport.cli.TokenPort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The closed loop, end to end, as issue 4 says it must show: an overseas client on the OpenAI Java SDK calls the
 * edge over HTTPS, the edge forwards over the mutual-TLS link through the delaying cable to the zone, the zone
 * produces the tokens and answers with a receipt; the domestic host is refused by the zone, the zone cannot reach
 * the domestic host, personal information of PRC residents is refused, and the transfer log's bundle verifies
 * offline (and a tampered one does not). Every process is the real {@code tokenport} command started from the
 * test classpath, each in its own network namespace (see {@link Topology}); nothing here stands in for a part of
 * TokenPort.
 *
 * <p>The loop is set up by {@link ClosedLoop}; process logs, certificates, the zone's data and the audit bundles are
 * kept in {@code e2e/target/e2e-logs/ClosedLoopTest/run-PID/}. The tests run in order on one loop; the last stops
 * the zone (SIGTERM, which publishes a final checkpoint) to audit its log. Each test sends what it asserts on
 * itself, so any one of them can also run alone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClosedLoopTest {
    private static final Path LOGS = Path.of("e2e/target/e2e-logs/ClosedLoopTest");
    private static final Path MODEL = Path.of("../shared/models/stories260K.gguf");
    private static final String MODEL_ID = "stories260K";
    private static final int LINK_PORT = ClosedLoop.LINK_PORT;
    private static final int ADMIN_PORT = ClosedLoop.ADMIN_PORT;
    /** A PostgreSQL port on the domestic host: somewhere a zone might plausibly be made to connect. */
    private static final int DOMESTIC_PORT = 5432;
    private static final String EDGE_ID = ClosedLoop.EDGE_ID;
    /** A valid PRC resident id (Beijing, Dongcheng; born 1949-12-31), its check character computed below. */
    private static final String RESIDENT_ID = withCheckCharacter("11010519491231002");
    /** Generous: a loaded two-core machine starts a JVM and loads a model slowly. */
    private static final Duration START = Duration.ofSeconds(180);
    private static final Duration RUN = Duration.ofSeconds(120);

    private static Namespaces namespaces;
    private static ClosedLoop loop;
    private static Path work;
    private static Path pki;
    private static Path zoneData;
    private static String apiKey;
    private static Instant started;

    @BeforeAll
    static void startTheLoop() throws Exception {
        started = Instant.now();
        namespaces = Namespaces.create();
        work = LOGS.resolve("run-" + ProcessHandle.current().pid());
        deleteTree(work);
        loop = ClosedLoop.start(namespaces, MODEL, work, START);
        pki = loop.pki();
        zoneData = loop.zoneData();
        apiKey = loop.apiKey();
    }

    @AfterAll
    static void stopTheLoop() {
        if (namespaces != null) {
            namespaces.close();
        }
    }

    @Test
    @Order(1)
    void anOverseasClientGetsTokensAndAReceiptThroughEdgeCableAndZone() {
        CommandResult client = overseasClient(Map.of());
        assertThat(client.output()).as(client.output()).contains("status=200", "completion_tokens=4", "receipt=present");

        // Streamed, the same greedy completion arrives as events (as many as the zone had ready when it wrote).
        CommandResult streamed = overseasClient(Map.of(), "--stream");
        assertThat(streamed.output()).as(streamed.output()).contains("status=200", "finish_reason=length",
                "completion_tokens=4", "text_sha256=" + ClosedLoop.printed(client.output(), "text_sha256="));
        assertThat(Integer.parseInt(ClosedLoop.printed(streamed.output(), "stream_text_chunks="))).isBetween(1, 4);

        // The zone recorded both as served to this edge's attested client in SG.
        assertThat(records(r -> r.outcome() instanceof Outcome.Served && r.edgeId().equals(EDGE_ID)
                && r.jurisdiction().equals("SG") && r.completionTokens() == 4)).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(2)
    void theDomesticHostIsRefusedByTheZoneNotByTheNetwork() throws Exception {
        // The network lets it through (TopologyTest pins that too); only the zone may say no.
        assertThat(namespaces.connect(Host.DOMESTIC, Topology.ZONE_ADDRESS, LINK_PORT).connected()).isTrue();

        // Without an edge's client certificate the TLS handshake is refused: no HTTP status ever comes back.
        CommandResult direct = namespaces.runJava(Host.DOMESTIC, OverseasClient.class,
                List.of("https://" + Topology.ZONE_ADDRESS + ":" + LINK_PORT + "/v1", MODEL_ID,
                        pki.resolve("link-ca.crt").toString()), Map.of("OPENAI_API_KEY", apiKey), RUN);
        assertThat(direct.output()).as(direct.output()).contains("transport_error=").doesNotContain("status=");
        CommandResult handshake = namespaces.runJava(Host.DOMESTIC, TlsProbe.class, List.of(Topology.ZONE_ADDRESS,
                String.valueOf(LINK_PORT), pki.resolve("link-ca.crt").toString()), Map.of(), RUN);
        assertThat(handshake.output()).as(handshake.output()).contains("tls_refused=").contains("certificate_required");

        // With a stolen edge certificate the handshake succeeds, but an edge on the domestic host must attest its
        // clients as CN, and the zone's ingress guard refuses CN before authentication or any model work.
        long before = logSize();
        Process stolen = namespaces.startJava(Host.DOMESTIC, TokenPort.class, List.of("edge",
                "--zone", "https://" + Topology.ZONE_ADDRESS + ":" + LINK_PORT, "--edge-id", EDGE_ID,
                "--jurisdiction", "CN",
                "--cert", pki.resolve("edge-" + EDGE_ID + ".crt").toString(),
                "--key", pki.resolve("edge-" + EDGE_ID + ".key").toString(),
                "--ca", pki.resolve("link-ca.crt").toString(),
                "--host", "127.0.0.1", "--port", "8080"), Map.of(), work.resolve("domestic-edge.log"));
        namespaces.awaitPort(Host.DOMESTIC, "127.0.0.1", 8080, START, stolen);
        CommandResult viaStolen = namespaces.runJava(Host.DOMESTIC, OverseasClient.class,
                List.of("http://127.0.0.1:8080/v1", MODEL_ID), Map.of("OPENAI_API_KEY", apiKey), RUN);
        assertThat(viaStolen.output()).as(viaStolen.output()).contains("status=403", "error_code=jurisdiction_refused");
        stolen.destroy();
        assertThat(stolen.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(records(before, r -> r.outcome().equals(Outcome.refused("ingress_jurisdiction_refused"))
                && r.jurisdiction().equals("CN") && r.edgeId().equals(EDGE_ID) && r.completionTokens() == 0))
                .hasSize(1);
    }

    @Test
    @Order(3)
    void aPromptWithAPrcResidentIdIsRefused() {
        CommandResult client = overseasClient(Map.of("OVERSEAS_PROMPT", "Please file the claim for " + RESIDENT_ID + " today."));
        assertThat(client.output()).as(client.output()).contains("status=400", "error_code=domestic_personal_information");

        // The same prompt without the id is served: the id is what was refused.
        CommandResult clean = overseasClient(Map.of("OVERSEAS_PROMPT", "Please file the claim today."));
        assertThat(clean.output()).as(clean.output()).contains("status=200");
    }

    @Test
    @Order(4)
    void theZoneCannotConnectToTheDomesticHostAndRecordsTheAttempt() throws Exception {
        Path witnessLog = work.resolve("domestic-witness.log");
        Process witness = namespaces.startJava(Host.DOMESTIC, TcpWitness.class,
                List.of(Topology.DOMESTIC_ADDRESS + ":" + DOMESTIC_PORT), Map.of(), witnessLog);
        namespaces.awaitPort(Host.DOMESTIC, Topology.DOMESTIC_ADDRESS, DOMESTIC_PORT, START, witness);
        // The network would carry the zone's connection: a plain process in the zone's namespace gets through.
        // (Only connections from the zone's address are counted; the wait above connected from the domestic host.)
        assertThat(namespaces.connect(Host.ZONE, Topology.DOMESTIC_ADDRESS, DOMESTIC_PORT).connected()).isTrue();
        int sentinels = 1;
        awaitAccepted(witness, witnessLog, sentinels);

        long before = logSize();
        CommandResult probe = namespaces.runJava(Host.ZONE, AdminPost.class, List.of(
                "http://127.0.0.1:" + ADMIN_PORT + "/egress/probe?host=" + Topology.DOMESTIC_ADDRESS + "&port=" + DOMESTIC_PORT,
                zoneData.resolve("admin.token").toString()), Map.of(), RUN);
        assertThat(withoutJvmWarnings(probe.output())).as(probe.output()).startsWith("200\n")
                .contains("\"allowed\":false", "\"connected\":false", "not on the zone's egress allow-list");

        // A second sentinel: connections are accepted in order, so once it is seen any connection from the zone's
        // probe would have been seen before it.
        assertThat(namespaces.connect(Host.ZONE, Topology.DOMESTIC_ADDRESS, DOMESTIC_PORT).connected()).isTrue();
        sentinels++;
        awaitAccepted(witness, witnessLog, sentinels);
        assertThat(accepted(witnessLog)).as("connections the domestic host accepted from the zone").isEqualTo(sentinels);

        assertThat(records(before, r -> r.outcome().equals(
                Outcome.refused("egress_refused " + Topology.DOMESTIC_ADDRESS + ":" + DOMESTIC_PORT)))).hasSize(1);
    }

    @Test
    @Order(5)
    void theTransferLogsBundleVerifiesOfflineAndATamperedCopyFails() throws Exception {
        CommandResult client = overseasClient(Map.of());
        assertThat(client.output()).as(client.output()).contains("status=200");

        // SIGTERM: the zone stops and publishes a final checkpoint covering every record.
        loop.zone().destroy();
        assertThat(loop.zone().waitFor(60, TimeUnit.SECONDS)).as("the zone stops on SIGTERM").isTrue();
        long recorded;
        try (TransferLog log = TransferLog.openReadOnly(zoneData.resolve("evidence/log"))) {
            recorded = log.size();
        }

        // The regulator has the zone's verifier key beforehand, from the operator.
        Path key = work.resolve("zone.vkey");
        Files.writeString(key, ClosedLoop.printed(loop.tokenport(Host.ZONE, "audit", "key", "--data-dir", zoneData.toString()), "") + "\n");
        Path bundle = work.resolve("bundle");
        loop.tokenport(Host.ZONE, "audit", "export", "--from", started.minusSeconds(60).toString(),
                "--to", Instant.now().plusSeconds(60).toString(), "--out", bundle.toString(), "--data-dir", zoneData.toString());
        List<String> lines = Files.readAllLines(bundle.resolve("records.jsonl"), StandardCharsets.UTF_8);
        assertThat(lines).hasSize((int) recorded);
        assertThat(lines).anyMatch(l -> l.contains("\"edgeId\":\"" + EDGE_ID + "\"") && l.contains("\"jurisdiction\":\"SG\"")
                && l.contains("\"outcome\":\"served\""));

        // Offline, from the domestic host (a regulator needs no network for this).
        CommandResult verified = namespaces.runJava(Host.DOMESTIC, TokenPort.class,
                List.of("audit", "verify", bundle.toString(), "--key", key.toString()), Map.of(), RUN);
        assertThat(verified.exitCode()).as(verified.output()).isZero();
        assertThat(verified.output()).contains("VERIFIED");

        // One field of one record changed: the manifest's hash no longer matches, and (what a forger who rewrote the
        // manifest too could not fix) the record's leaf is no longer proven by the signed checkpoint.
        Path tampered = work.resolve("bundle-tampered");
        copyTree(bundle, tampered);
        Path records = tampered.resolve("records.jsonl");
        String original = Files.readString(records, StandardCharsets.UTF_8);
        Matcher tokens = Pattern.compile("\"completionTokens\":4").matcher(original);
        assertThat(tokens.find()).as("a served record with 4 completion tokens in the bundle").isTrue();
        Files.writeString(records, original.substring(0, tokens.start()) + "\"completionTokens\":3"
                + original.substring(tokens.end()), StandardCharsets.UTF_8);
        CommandResult failed = namespaces.runJava(Host.DOMESTIC, TokenPort.class,
                List.of("audit", "verify", tampered.toString(), "--key", key.toString()), Map.of(), RUN);
        assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
        assertThat(failed.output()).contains("FAILED", "inclusion: not proven");

        // Nothing the processes wrote (logs, database, transfer log) holds the API key or the refused prompt's id.
        try (Stream<Path> files = Files.walk(work)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(content).as(f.toString()).doesNotContain(apiKey).doesNotContain(RESIDENT_ID);
            }
        }
    }

    /** The SDK client in the client namespace, calling the edge's HTTPS API. */
    private static CommandResult overseasClient(Map<String, String> env, String... flags) {
        var args = new ArrayList<>(List.of(loop.edgeBaseUrl(), MODEL_ID, loop.clientTrust().toString()));
        args.addAll(List.of(flags));
        var environment = new java.util.HashMap<>(env);
        environment.put("OPENAI_API_KEY", apiKey);
        return namespaces.runJava(Host.CLIENT, OverseasClient.class, args, environment, RUN);
    }

    /**
     * {@code first17} followed by its GB 11643-1999 check character (ISO 7064 MOD 11-2: weights 2^(17-i) mod 11,
     * check (12 - sum mod 11) mod 11, 10 written X), computed here independently of the zone's detector.
     */
    static String withCheckCharacter(String first17) {
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            int weight = 1;
            for (int k = 0; k < 17 - i; k++) {
                weight = weight * 2 % 11;
            }
            sum += (first17.charAt(i) - '0') * weight;
        }
        int check = (12 - sum % 11) % 11;
        return first17 + (check == 10 ? "X" : String.valueOf(check));
    }

    /** {@code output} without the JVM's start-up warnings (the incubating vector module's). */
    private static String withoutJvmWarnings(String output) {
        return String.join("\n", output.lines().filter(l -> !l.startsWith("WARNING: ")).toList());
    }

    /** The zone's transfer log as it is on disk now (read-only; the zone keeps writing). */
    private static long logSize() {
        try (TransferLog log = TransferLog.openReadOnly(zoneData.resolve("evidence/log"))) {
            return log.size();
        }
    }

    private static List<TransferRecord> records(Predicate<TransferRecord> matching) {
        return records(0, matching);
    }

    /** The records from index {@code from} on that match. */
    private static List<TransferRecord> records(long from, Predicate<TransferRecord> matching) {
        var out = new ArrayList<TransferRecord>();
        try (TransferLog log = TransferLog.openReadOnly(zoneData.resolve("evidence/log"))) {
            for (long i = from; i < log.size(); i++) {
                TransferRecord r = log.read(i);
                if (matching.test(r)) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /** Connections the witness accepted from the zone's address (the zone's own and the sentinels). */
    private static long accepted(Path witnessLog) throws IOException {
        try (Stream<String> lines = Files.lines(witnessLog)) {
            return lines.filter(l -> l.startsWith("accepted /" + Topology.ZONE_DOMESTIC_ADDRESS + ":")).count();
        }
    }

    private static void awaitAccepted(Process witness, Path witnessLog, long count) throws Exception {
        long deadline = System.nanoTime() + RUN.toNanos();
        while (accepted(witnessLog) < count) {
            if (!witness.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the witness did not log " + count + " connections:\n" + namespaces.logTail(witness));
            }
            Thread.sleep(50);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
