package io.tokenport.e2e;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness's own life cycle: what it creates, and that nothing is left behind.
 */
class NamespacesTest {
    private static final Path LOGS = Path.of("e2e/target/e2e-logs/NamespacesTest");

    @Test
    void createsANamespacePerHostWiredAsTheTopologySaysAndRemovesThemOnClose() {
        List<String> names;
        try (var namespaces = Namespaces.create()) {
            names = Arrays.stream(Host.values()).map(namespaces::name).toList();
            assertThat(Namespaces.namespacesOnMachine()).containsAll(names);
            assertThat(names).doesNotHaveDuplicates().allMatch(name -> name.startsWith("tp" + ProcessHandle.current().pid() + "-"));

            for (Topology.Wire wire : Topology.WIRES) {
                assertThat(addresses(namespaces, wire.a())).contains(wire.aAddress() + "/30");
                assertThat(addresses(namespaces, wire.b())).contains(wire.bAddress() + "/30");
            }
            CommandResult forwarding = namespaces.run(Host.EDGE, List.of("cat", "/proc/sys/net/ipv4/ip_forward"), Duration.ofSeconds(10));
            assertThat(forwarding.output().strip()).isEqualTo("0");
        }
        assertThat(Namespaces.namespacesOnMachine()).doesNotContainAnyElementsOf(names);
    }

    @Test
    void processesStartedInANamespaceAreStoppedOnClose() throws InterruptedException {
        Process sleeper;
        try (var namespaces = Namespaces.create()) {
            sleeper = namespaces.start(Host.ZONE, List.of("sleep", "600"), Map.of(), LOGS.resolve("sleep.log"));
            assertThat(sleeper.isAlive()).isTrue();
        }
        assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void removesNamespacesLeftByAKilledRunButNotThoseOfALiveOne() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String stale = "tp" + gone.pid() + "-0-zone";
        String live = "tp" + ProcessHandle.current().pid() + "-999-zone";
        String ip = Commands.find("ip");
        try {
            assertThat(Commands.run(List.of(ip, "netns", "add", stale), Duration.ofSeconds(10)).succeeded()).isTrue();
            assertThat(Commands.run(List.of(ip, "netns", "add", live), Duration.ofSeconds(10)).succeeded()).isTrue();

            assertThat(Namespaces.removeStale()).contains(stale).doesNotContain(live);

            assertThat(Namespaces.namespacesOnMachine()).doesNotContain(stale).contains(live);
        } finally {
            Commands.run(List.of(ip, "netns", "del", live), Duration.ofSeconds(10));
            Commands.run(List.of(ip, "netns", "del", stale), Duration.ofSeconds(10));
        }
    }

    @Test
    void theNamespacesOfARunKilledOutrightAreRemovedByTheNextOne() throws Exception {
        Process run = new ProcessBuilder(Namespaces.javaCommand(CreateNamespaces.class, List.of("--hold")))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> made;
        try (var out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).startsWith("created ");
            made = List.of(line.substring("created ".length()).split(" "));
        } finally {
            run.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs
        }
        assertThat(Namespaces.namespacesOnMachine()).containsAll(made);

        assertThat(Namespaces.removeStale()).containsAll(made);
        assertThat(Namespaces.namespacesOnMachine()).doesNotContainAnyElementsOf(made);
    }

    @Test
    void aJavaMainRunsInsideANamespaceWithTheTestClasspath() {
        try (var namespaces = Namespaces.create()) {
            CommandResult usage = namespaces.runJava(Host.DOMESTIC, HttpGet.class, List.of(), Map.of(), Duration.ofSeconds(60));
            // Loaded from the test classpath, inside the namespace: it got as far as its own argument check.
            assertThat(usage.exitCode()).isEqualTo(2);
            assertThat(usage.output()).contains("usage: HttpGet URL");
        }
    }

    @Test
    void withoutRootCreatingNamespacesFailsSayingRootIsNeeded() {
        // The same classes, run as the unprivileged user "nobody" (uid 65534).
        String classpath = Path.of("e2e/target/classes").toAbsolutePath() + ":" + Path.of("e2e/target/test-classes").toAbsolutePath();
        CommandResult asNobody = Commands.run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                CreateNamespaces.class.getName()), Duration.ofSeconds(60));
        assertThat(asNobody.exitCode()).as(asNobody.output()).isEqualTo(1);
        assertThat(asNobody.output()).contains("which needs root", "runs as uid 65534");
    }

    private static String addresses(Namespaces namespaces, Host host) {
        return namespaces.run(host, List.of("ip", "-4", "-o", "addr", "show"), Duration.ofSeconds(10)).output();
    }
}
