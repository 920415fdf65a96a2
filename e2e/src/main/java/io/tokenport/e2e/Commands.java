package io.tokenport.e2e;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs short external commands ({@code ip}, {@code tc}, probes) to completion. */
final class Commands {
    private Commands() {
    }

    /** Runs a command, giving up (and killing it) after {@code timeout}; output is stdout and stderr merged. */
    static CommandResult run(List<String> command, Duration timeout) {
        return run(command, Map.of(), timeout);
    }

    /** {@link #run(List, Duration)} with extra environment variables. */
    static CommandResult run(List<String> command, Map<String, String> env, Duration timeout) {
        Process process;
        try {
            var builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(env);
            process = builder.start();
        } catch (IOException e) {
            throw new NetworkHarnessException("could not run `" + String.join(" ", command) + "`: " + e.getMessage(), e);
        }
        closeQuietly(process);
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()),
                Thread::startVirtualThread);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new NetworkHarnessException("`" + String.join(" ", command) + "` did not finish within "
                        + timeout.toSeconds() + " s");
            }
            return new CommandResult(List.copyOf(command), process.exitValue(), output.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new NetworkHarnessException("interrupted while running `" + String.join(" ", command) + "`", e);
        }
    }

    /** The path of an executable found in PATH or the system binary folders, or null. */
    static String find(String name) {
        var folders = new ArrayList<String>();
        String path = System.getenv("PATH");
        if (path != null) {
            folders.addAll(List.of(path.split(File.pathSeparator)));
        }
        folders.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String folder : folders) {
            if (folder.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(folder, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static void closeQuietly(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // Nothing was to be written to it anyway.
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }
}
