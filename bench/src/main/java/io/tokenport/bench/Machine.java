package io.tokenport.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a benchmark records about the machine it ran on: the CPU and how busy it was. */
final class Machine {
    private Machine() {
    }

    /** The one-minute load average, or "?" where the system does not say. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Whether the load average shows more runnable threads than there are CPUs (the benchmark's included). */
    static boolean busy(String load) {
        try {
            return Double.parseDouble(load) > Runtime.getRuntime().availableProcessors() + 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The CPU's model name, how many CPUs the JVM sees and the widest x86 vector extension it has ("AVX-512",
     * "AVX2"): the engine's kernels use the widest vectors there are, so results are only comparable between
     * machines that agree on all three.
     */
    static String cpuName() {
        String name = null;
        String vectors = null;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (name == null && line.startsWith("model name")) {
                    name = line.substring(line.indexOf(':') + 1).strip();
                } else if (vectors == null && line.startsWith("flags")) {
                    java.util.List<String> flags = java.util.Arrays.asList(
                            line.substring(line.indexOf(':') + 1).strip().split("\\s+"));
                    vectors = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2" : null;
                }
            }
        } catch (IOException e) {
            // fall through: what was read so far
        }
        String cpus = Runtime.getRuntime().availableProcessors() + " CPUs visible";
        return (name == null ? "" : name + ", ") + cpus + (vectors == null ? "" : ", " + vectors);
    }
}
