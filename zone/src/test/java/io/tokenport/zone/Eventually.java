package io.tokenport.zone;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in tests for something a running zone does on its own threads (freeing a sequence, metering). */
public final class Eventually {
    private Eventually() {
    }

    /**
     * Returns once {@code condition} holds, checking every 10 ms.
     *
     * @throws AssertionError naming {@code what} if it still does not hold after {@code within}
     */
    public static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
