package io.tokenport.zone.api;

import io.tokenport.zone.RunningZone;
import io.tokenport.zone.metering.UsageRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official OpenAI Node SDK ({@code openai} from npm, pinned in {@code zone/src/test/node/package-lock.json})
 * against a running zone: runs {@code node --test} in {@code zone/src/test/node} and passes if every Node test passes.
 * The Node tests cover chat and completions, whole and streamed, the SDK's error classes, and a stream aborted with
 * an {@code AbortController}; this class then checks the zone's side of that abort in its usage table.
 *
 * <p>Serves the Qwen-vocabulary model (random weights, large output layer), whose tokens come slowly enough that a
 * stream can be aborted while the zone is still generating it.
 *
 * <p>Needs Node.js 20 or later on the PATH and the SDK installed: {@code npm ci --prefix zone/src/test/node}
 * ({@code .ci/run} does it). Without them this test fails and says so; it never skips silently.
 */
class NodeSdkTest {
    private static final Path NODE_TESTS = Path.of("zone/src/test/node");
    private static final long TIMEOUT_MINUTES = 5;

    private static RunningZone zone;

    @BeforeAll
    static void start() {
        zone = RunningZone.start(RunningZone.QWEN_VOCAB);
    }

    @AfterAll
    static void stop() {
        if (zone != null) {
            zone.close();
        }
    }

    @Test
    void officialNodeSdkPassesItsTestsAgainstTheZone() throws Exception {
        assertThat(NODE_TESTS.resolve("node_modules/openai/package.json"))
                .withFailMessage("The Node SDK is not installed: run `npm ci --prefix zone/src/test/node` from the "
                        + "repository root (Node.js 20+), then run this test again.")
                .isRegularFile();

        String endIds = Arrays.stream(zone.server.model().model().tokenizer().endOfGenerationIds())
                .mapToObj(Integer::toString).collect(Collectors.joining(","));
        ProcessBuilder pb = new ProcessBuilder(List.of("node", "--test", "--test-reporter=spec"))
                .directory(NODE_TESTS.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("BASE_URL", zone.server.baseUrl().toString());
        env.put("API_KEY", zone.key);
        env.put("ADMIN_URL", "http://127.0.0.1:" + zone.server.adminPort());
        env.put("ADMIN_TOKEN", zone.server.adminToken());
        env.put("MODEL", zone.modelId());
        env.put("END_TOKEN_IDS", endIds);
        env.remove("OPENAI_API_KEY");
        env.remove("OPENAI_BASE_URL");

        Process node;
        try {
            node = pb.start();
        } catch (IOException e) {
            throw new AssertionError("Could not start `node`: install Node.js 20 or later and put it on the PATH ("
                    + e.getMessage() + ")", e);
        }
        // Forward node's report as it comes, so a hang shows where it is.
        StringBuilder output = new StringBuilder();
        Thread relay = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    System.out.println("[node] " + line);
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // The process was destroyed; its exit status tells the rest.
            }
        });
        if (!node.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            node.destroyForcibly().waitFor();
            relay.join();
            throw new AssertionError("node --test did not finish within " + TIMEOUT_MINUTES + " minutes; its output:\n"
                    + output);
        }
        relay.join();
        assertThat(node.exitValue()).withFailMessage("node --test failed (exit %d); its output:%n%s",
                node.exitValue(), output).isZero();

        // The aborted stream (cancellation.test.mjs) is the one request the zone metered as cancelled.
        List<UsageRecord> cancelled = zone.server.usage().forTenant(zone.tenant.id()).stream()
                .filter(r -> r.finishReason().equals("cancelled")).toList();
        assertThat(cancelled).hasSize(1);
        assertThat(cancelled.getFirst().endpoint()).isEqualTo("chat.completions");
        assertThat(cancelled.getFirst().completionTokens()).isGreaterThanOrEqualTo(3).isLessThan(1900);
    }

    @Test
    void theLockFileNamesNoRegistry() throws IOException {
        String lock = Files.readString(NODE_TESTS.resolve("package-lock.json"));
        assertThat(lock).contains("\"node_modules/openai\"").doesNotContain("\"resolved\"");
    }
}
