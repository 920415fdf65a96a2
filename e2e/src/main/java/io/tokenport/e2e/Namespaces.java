package io.tokenport.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The closed loop's network on one Linux machine: a network namespace per {@link Host}, wired as {@link Topology}
 * draws it, and the processes started inside them.
 *
 * <p>Design: everything is done with iproute2's {@code ip} command (no native code), which needs root. Namespaces
 * are named {@code tp<pid>-<n>-<host>} after the JVM that made them, so that {@link #create()} can tell a
 * namespace left behind by a killed run (its pid is gone) from one of a run still going (another engineer's, or
 * this JVM's), and removes only the former. Veth ends are created directly inside their namespaces, so interface
 * names never meet in the root namespace and concurrent runs cannot clash. {@link #close()} stops every process
 * started here, kills whatever else still runs in the namespaces, and deletes them (which deletes the veths); a
 * JVM shutdown hook does the same if a test run is interrupted.
 *
 * <p>Processes are started as {@code ip netns exec NS command...}; {@code ip} execs the command in place, so the
 * returned {@link Process} is the command itself.
 */
public final class Namespaces implements AutoCloseable {
    private static final Pattern OWNED = Pattern.compile("tp(\\d+)-(\\d+)-(client|edge|link|zone|domestic)");
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final System.Logger LOG = System.getLogger(Namespaces.class.getName());

    private final String ip;
    private final String prefix;
    private final Map<Host, String> names = new EnumMap<>(Host.class);
    private final List<String> created = new CopyOnWriteArrayList<>();
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final Map<Process, Path> logs = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook = new Thread(this::close, "namespaces-cleanup");

    private Namespaces(String ip, String prefix) {
        this.ip = ip;
        this.prefix = prefix;
        for (Host host : Host.values()) {
            names.put(host, prefix + host.label());
        }
    }

    /**
     * Creates the five namespaces with their wires, addresses and routes, after removing namespaces left by killed
     * earlier runs.
     *
     * @throws NetworkHarnessException when not root, when iproute2 is missing, or when an {@code ip} command
     *                                 fails (its output is in the message); nothing is left behind then
     */
    public static Namespaces create() {
        String ip = requirePrerequisites();
        removeStale();
        var namespaces = new Namespaces(ip, "tp" + ProcessHandle.current().pid() + "-" + RUNS.getAndIncrement() + "-");
        Runtime.getRuntime().addShutdownHook(namespaces.shutdownHook);
        try {
            namespaces.build();
        } catch (RuntimeException e) {
            try {
                namespaces.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return namespaces;
    }

    private void build() {
        for (Host host : Host.values()) {
            String ns = names.get(host);
            ip("netns", "add", ns);
            created.add(ns);
            ip("-n", ns, "link", "set", "lo", "up");
            // No host routes packets for another: every crossing is a process that terminates TCP (relay, edge).
            ip("netns", "exec", ns, "sh", "-c", "echo 0 > /proc/sys/net/ipv4/ip_forward");
        }
        for (Topology.Wire wire : Topology.WIRES) {
            String a = names.get(wire.a());
            String b = names.get(wire.b());
            ip("link", "add", "name", wire.aInterface(), "netns", a, "type", "veth",
                    "peer", "name", wire.bInterface(), "netns", b);
            ip("-n", a, "addr", "add", wire.aAddress() + "/" + Topology.Wire.PREFIX_LENGTH, "dev", wire.aInterface());
            ip("-n", b, "addr", "add", wire.bAddress() + "/" + Topology.Wire.PREFIX_LENGTH, "dev", wire.bInterface());
            ip("-n", a, "link", "set", wire.aInterface(), "up");
            ip("-n", b, "link", "set", wire.bInterface(), "up");
        }
        for (Topology.Route route : Topology.ROUTES) {
            ip("-n", names.get(route.host()), "route", "add", route.destination(), "via", route.via());
        }
    }

    /** The namespace name of a host in this run, e.g. {@code tp4242-0-zone}. */
    public String name(Host host) {
        return names.get(host);
    }

    /**
     * Starts a command inside a namespace; its stdout and stderr are appended to {@code log}. The process is stopped
     * by {@link #close()} if it is still running then.
     */
    public Process start(String ns, List<String> command, Map<String, String> env, Path log) {
        requireOpen();
        requireOwn(ns);
        var full = new ArrayList<String>(List.of(ip, "netns", "exec", ns));
        full.addAll(command);
        var builder = new ProcessBuilder(full).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Path parent = log.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Process process = builder.start();
            processes.add(process);
            logs.put(process, log);
            return process;
        } catch (IOException e) {
            throw new NetworkHarnessException("could not start " + command + " in namespace " + ns + ": " + e.getMessage(), e);
        }
    }

    /** {@link #start} for a host of this run. */
    public Process start(Host host, List<String> command, Map<String, String> env, Path log) {
        return start(name(host), command, env, log);
    }

    /**
     * Starts a Java main inside a namespace with this JVM's JDK and classpath (so any class of the project, e.g.
     * {@code io.tokenport.cli.TokenPort}, can be started), and the flags the engine needs.
     */
    public Process startJava(Host host, Class<?> main, List<String> args, Map<String, String> env, Path log) {
        return start(host, javaCommand(main, args), env, log);
    }

    /**
     * The command line that runs {@code main} with this JVM's JDK, classpath and the engine's JVM flags (the
     * repository's {@code scripts/jvm.args}, found from the working directory up).
     */
    public static List<String> javaCommand(Class<?> main, List<String> args) {
        var command = new ArrayList<String>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + jvmArgs(),
                "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(args);
        return command;
    }

    private static Path jvmArgs() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve("scripts").resolve("jvm.args");
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new IllegalStateException("scripts/jvm.args not found above " + Path.of("").toAbsolutePath()
                + ": run from inside the TokenPort repository");
    }

    /** Runs a command to completion inside a namespace and returns what it printed. */
    public CommandResult run(Host host, List<String> command, Duration timeout) {
        return run(host, command, Map.of(), timeout);
    }

    /** {@link #run(Host, List, Duration)} with extra environment variables (e.g. a key, kept off command lines). */
    public CommandResult run(Host host, List<String> command, Map<String, String> env, Duration timeout) {
        requireOpen();
        var full = new ArrayList<String>(List.of(ip, "netns", "exec", name(host)));
        full.addAll(command);
        return Commands.run(full, env, timeout);
    }

    /** Runs a Java main to completion inside a namespace (see {@link #startJava}) and returns what it printed. */
    public CommandResult runJava(Host host, Class<?> main, List<String> args, Map<String, String> env, Duration timeout) {
        return run(host, javaCommand(main, args), env, timeout);
    }

    /**
     * One TCP connect from inside a namespace (bash's {@code /dev/tcp}, so no JVM starts), given up after 3 s.
     */
    public ConnectAttempt connect(Host from, String address, int port) {
        if (!address.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            throw new IllegalArgumentException("connect takes a numeric IP address, got: " + address);
        }
        CommandResult result = run(from, List.of("timeout", String.valueOf(CONNECT_TIMEOUT.toSeconds()),
                "bash", "-c", "exec 3<>\"/dev/tcp/$1/$2\"", "probe", address, String.valueOf(port)), COMMAND_TIMEOUT);
        if (result.succeeded()) {
            return new ConnectAttempt(true, "");
        }
        if (result.exitCode() == 124) {
            return new ConnectAttempt(false, "no answer within " + CONNECT_TIMEOUT.toSeconds() + " s");
        }
        // bash prints "probe: connect: Network is unreachable" and then the redirection that failed.
        String first = result.output().lines().findFirst().orElse("exit code " + result.exitCode());
        return new ConnectAttempt(false, first.replaceFirst("^probe: (line \\d+: )?connect: ", ""));
    }

    /**
     * Waits until {@code address:port} accepts TCP connections from inside {@code from}.
     *
     * @param server the process expected to listen there; when it exits first, the error quotes its log
     * @throws NetworkHarnessException when the port does not answer in time or the server exits
     */
    public void awaitPort(Host from, String address, int port, Duration timeout, Process server) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ConnectAttempt last;
        do {
            last = connect(from, address, port);
            if (last.connected()) {
                return;
            }
            if (server != null && !server.isAlive()) {
                throw new NetworkHarnessException("the process meant to listen on " + address + ":" + port
                        + " exited with code " + server.exitValue() + " before it answered; its log ends:\n" + logTail(server));
            }
            sleep(Duration.ofMillis(50));
        } while (System.nanoTime() < deadline);
        throw new NetworkHarnessException(address + ":" + port + " did not answer from " + name(from) + " within "
                + timeout.toMillis() + " ms (last attempt: " + last.detail() + ")"
                + (server == null ? "" : "; the server's log ends:\n" + logTail(server)));
    }

    /**
     * Starts the cross-border cable: a relay in the link namespace from {@link Topology#CABLE_EDGE_END}{@code :port}
     * to {@link Topology#ZONE_ADDRESS}{@code :port}, adding {@code oneWayDelay} in each direction, and waits until
     * the edge can connect to it.
     *
     * <p>When the kernel has the netem qdisc, the delay is put on the link namespace's two interfaces instead
     * ({@code tc qdisc add dev to-zone root netem delay 16ms}, same toward the edge), which delays every packet,
     * handshakes included, and the relay adds none. These kernels lack netem, so the relay delays each chunk of
     * bytes; see {@link DelayRelay}.
     */
    public Process startCable(int port, Duration oneWayDelay, Path log) {
        Duration relayDelay = oneWayDelay;
        if (kernelHasNetem()) {
            String delay = oneWayDelay.toMillis() + "ms";
            for (String device : List.of(Topology.CABLE_TOWARD_EDGE, Topology.CABLE_TOWARD_ZONE)) {
                requireSuccess(run(Host.LINK, List.of("tc", "qdisc", "add", "dev", device, "root", "netem", "delay", delay),
                        COMMAND_TIMEOUT));
            }
            relayDelay = Duration.ZERO;
        }
        Process relay = startJava(Host.LINK, DelayRelay.class, List.of(
                "--listen", Topology.CABLE_EDGE_END + ":" + port,
                "--target", Topology.ZONE_ADDRESS + ":" + port,
                "--delay-ms", String.valueOf(relayDelay.toMillis())), Map.of(), log);
        awaitPort(Host.EDGE, Topology.CABLE_EDGE_END, port, Duration.ofSeconds(30), relay);
        return relay;
    }

    /**
     * Whether this kernel has the netem qdisc, tried on the link namespace's loopback (never the machine's own):
     * without it, {@code tc} answers "Specified qdisc kind is unknown".
     */
    public boolean kernelHasNetem() {
        CommandResult added = run(Host.LINK, List.of("tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"),
                COMMAND_TIMEOUT);
        if (added.succeeded()) {
            requireSuccess(run(Host.LINK, List.of("tc", "qdisc", "del", "dev", "lo", "root"), COMMAND_TIMEOUT));
            return true;
        }
        return false;
    }

    /** The last lines a process started here wrote to its log. */
    public String logTail(Process process) {
        Path log = logs.get(process);
        if (log == null) {
            return "(no log)";
        }
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Stops every process started here (SIGTERM, then SIGKILL after 5 s), kills anything else still running in the
     * namespaces, and deletes them. Safe to call twice; also run by a shutdown hook.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Process process : processes) {
            stop(process.toHandle());
        }
        var failures = new ArrayList<String>();
        for (String ns : created.reversed()) {
            String failure = delete(ip, ns);
            if (failure != null) {
                failures.add(failure);
            }
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs (or ran) anyway; close() is idempotent.
            }
        }
        if (!failures.isEmpty()) {
            throw new NetworkHarnessException("could not remove every namespace: " + String.join("; ", failures));
        }
    }

    /**
     * Removes namespaces named like this harness's whose creating JVM is gone (a run killed before its cleanup).
     *
     * @return the names removed
     */
    public static List<String> removeStale() {
        String ip = requirePrerequisites();
        var removed = new ArrayList<String>();
        for (String ns : namespacesOnMachine()) {
            Matcher owned = OWNED.matcher(ns);
            if (owned.matches() && !ProcessHandle.of(Long.parseLong(owned.group(1))).map(ProcessHandle::isAlive).orElse(false)) {
                String failure = delete(ip, ns);
                if (failure != null) {
                    throw new NetworkHarnessException("could not remove the stale namespace " + failure);
                }
                LOG.log(System.Logger.Level.INFO, "removed namespace {0} left by a killed run", ns);
                removed.add(ns);
            }
        }
        return removed;
    }

    /** The names of all network namespaces on this machine, this harness's or not. */
    public static List<String> namespacesOnMachine() {
        CommandResult list = Commands.run(List.of(requirePrerequisites(), "netns", "list"), COMMAND_TIMEOUT);
        requireSuccess(list);
        // Lines look like "tp4242-0-zone (id: 3)" or just "tp4242-0-zone".
        return list.output().lines().map(String::strip).filter(line -> !line.isEmpty())
                .map(line -> line.split("\\s+", 2)[0]).toList();
    }

    private static String delete(String ip, String ns) {
        CommandResult pids = Commands.run(List.of(ip, "netns", "pids", ns), COMMAND_TIMEOUT);
        if (pids.succeeded()) {
            pids.output().lines().map(String::strip).filter(pid -> pid.matches("\\d+"))
                    .forEach(pid -> ProcessHandle.of(Long.parseLong(pid)).ifPresent(Namespaces::stop));
        }
        CommandResult deleted = Commands.run(List.of(ip, "netns", "del", ns), COMMAND_TIMEOUT);
        return deleted.succeeded() ? null : ns + ": " + deleted.output().strip();
    }

    private static void stop(ProcessHandle process) {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            process.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception notYet) {
            process.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private void ip(String... args) {
        var command = new ArrayList<String>(List.of(ip));
        command.addAll(List.of(args));
        requireSuccess(Commands.run(command, COMMAND_TIMEOUT));
    }

    private static void requireSuccess(CommandResult result) {
        if (!result.succeeded()) {
            throw new NetworkHarnessException("`" + String.join(" ", result.command()) + "` failed with exit code "
                    + result.exitCode() + ": " + result.output().strip());
        }
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("these namespaces are closed");
        }
    }

    private void requireOwn(String ns) {
        if (!names.containsValue(ns)) {
            throw new IllegalArgumentException("namespace " + ns + " is not one of this run's: " + names.values());
        }
    }

    /** Root and iproute2 are needed; say so plainly when either is missing. Returns the path of {@code ip}. */
    private static String requirePrerequisites() {
        String uid = effectiveUid();
        if (!"0".equals(uid)) {
            throw new NetworkHarnessException("the end-to-end tests create network namespaces, which needs root "
                    + "(CAP_SYS_ADMIN and CAP_NET_ADMIN); this JVM runs as uid " + uid + ". Run them as root, e.g. "
                    + "`sudo ./mvnw -pl e2e -am test -Dtest='io.tokenport.e2e.**' -Dsurefire.failIfNoSpecifiedTests=false`");
        }
        String ip = Commands.find("ip");
        if (ip == null) {
            throw new NetworkHarnessException("the `ip` command of iproute2 is not installed (looked in PATH, /usr/sbin, "
                    + "/sbin); install it, e.g. `apt-get install iproute2`");
        }
        if (Commands.find("bash") == null || Commands.find("timeout") == null) {
            throw new NetworkHarnessException("the harness probes ports with bash's /dev/tcp under coreutils' "
                    + "`timeout`; install bash and coreutils");
        }
        return ip;
    }

    private static String effectiveUid() {
        try {
            // "Uid:	real	effective	saved	filesystem"
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(line -> line.startsWith("Uid:"))
                    .map(line -> line.split("\\s+")[2]).findFirst()
                    .orElseThrow(() -> new NetworkHarnessException("/proc/self/status has no Uid line"));
        } catch (IOException e) {
            throw new UncheckedIOException("network namespaces need Linux: cannot read /proc/self/status", e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkHarnessException("interrupted while waiting", e);
        }
    }
}
