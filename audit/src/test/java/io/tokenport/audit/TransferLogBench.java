package io.tokenport.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Not a test: measures durable appends per second, one appender (one fsync per record) against many virtual
 * threads (group commit), and prints the ratio. Run after {@code test-compile}:
 * {@code java -cp "audit/target/classes:audit/target/test-classes:$(cat cp.txt)" io.tokenport.audit.TransferLogBench [dir]}
 */
public final class TransferLogBench {

    private TransferLogBench() {
    }

    /** Optional argument: a directory on the file system to measure (default: a temporary directory). */
    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("tokenport-audit-bench");
        double single = run(base.resolve("single"), 1, 2000);
        double many = run(base.resolve("many"), 256, 80);
        System.out.printf("1 appender:    %,.0f appends/s%n", single);
        System.out.printf("256 appenders: %,.0f appends/s (%.1fx, group commit)%n", many, many / single);
    }

    private static double run(Path dir, int threads, int perThread) throws Exception {
        try (TransferLog log = TransferLog.open(dir);
                var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t * perThread;
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        log.append(Records.sample(first + i));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return threads * perThread / seconds;
        }
    }
}
