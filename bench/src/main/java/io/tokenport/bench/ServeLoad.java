package io.tokenport.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Sends a fixed number of streamed requests the way vLLM's {@code bench serve} does: arrivals spaced by
 * exponential gaps (a Poisson process at {@code rate} requests per second; infinite: all at once), at most
 * {@code concurrency} in flight, one virtual thread per request.
 */
final class ServeLoad {
    /** What one load level produced: each request's timing and the wall time from the first send to the last end. */
    record Result(int concurrency, List<StreamTiming> requests, long durationNanos) {
    }

    private final StreamingClient client;

    ServeLoad(StreamingClient client) {
        this.client = client;
    }

    /**
     * Runs {@code bodies.size()} requests.
     *
     * @param rate requests per second, or {@link Double#POSITIVE_INFINITY} to send them all at once
     * @param seed of the arrival gaps
     */
    Result run(List<String> bodies, int concurrency, double rate, long seed) throws InterruptedException {
        Random arrivals = new Random(seed);
        Semaphore inFlight = new Semaphore(concurrency);
        List<Future<StreamTiming>> futures = new ArrayList<>(bodies.size());
        long start = System.nanoTime();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            long next = start;
            for (String body : bodies) {
                if (!Double.isInfinite(rate)) {
                    // Inverse-transform sampling of an exponential gap with mean 1/rate.
                    next += (long) (-Math.log(1 - arrivals.nextDouble()) / rate * 1e9);
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                inFlight.acquire();
                futures.add(threads.submit(() -> {
                    try {
                        return client.run(body);
                    } finally {
                        inFlight.release();
                    }
                }));
            }
        }
        long duration = System.nanoTime() - start;
        List<StreamTiming> timings = new ArrayList<>(futures.size());
        for (Future<StreamTiming> f : futures) {
            try {
                timings.add(f.get());
            } catch (ExecutionException e) {
                timings.add(StreamTiming.failed(String.valueOf(e.getCause())));
            }
        }
        return new Result(concurrency, timings, duration);
    }
}
