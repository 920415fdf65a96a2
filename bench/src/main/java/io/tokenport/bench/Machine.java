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

    static String cpuName() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip() + ", "
                            + Runtime.getRuntime().availableProcessors() + " CPUs visible";
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return Runtime.getRuntime().availableProcessors() + " CPUs visible";
    }
}
