package io.tokenport.zone.batching;

import io.tokenport.engine.generate.FinishReason;
import io.tokenport.engine.generate.GenerationRequest;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One request's hand-off between the scheduler thread, which produces its text, and the HTTP handler thread,
 * which writes it to the client.
 *
 * <p>The scheduler never waits for a client: it appends released text to a buffer and signals. The handler
 * takes everything buffered at once, so a slow client gets bigger chunks instead of slowing the batch. A
 * handler whose client went away calls {@link #cancel()}; the scheduler drops the sequence before its next
 * step, and {@link #awaitEnd()} returns once it has.
 */
public final class GenerationStream {
    private final BatchScheduler scheduler;
    private final String tenant;
    private final GenerationRequest request;
    private final int promptTokens;
    private final long submittedNanos;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final StringBuilder pending = new StringBuilder();
    private int completionTokens;
    private long firstTokenNanos;
    private long lastTokenNanos;
    private long endedNanos;
    private boolean ended;
    private FinishReason finishReason;
    private RuntimeException failure;

    /** Read by the scheduler before each step. */
    volatile boolean cancelRequested;

    GenerationStream(BatchScheduler scheduler, String tenant, GenerationRequest request, long submittedNanos) {
        this.scheduler = scheduler;
        this.tenant = tenant;
        this.request = request;
        this.promptTokens = request.promptIds().length;
        this.submittedNanos = submittedNanos;
    }

    String tenant() {
        return tenant;
    }

    GenerationRequest request() {
        return request;
    }

    // ---- scheduler side ----

    /** The generation's token sink: runs on the scheduler thread. */
    void accept(int token, String text) {
        lock.lock();
        try {
            if (token >= 0) {
                long now = System.nanoTime();
                if (completionTokens == 0) {
                    firstTokenNanos = now;
                }
                lastTokenNanos = now;
                completionTokens++;
            }
            if (!text.isEmpty()) {
                pending.append(text);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    void finish(FinishReason reason) {
        end(reason, null);
    }

    void fail(RuntimeException error) {
        end(null, error);
    }

    private void end(FinishReason reason, RuntimeException error) {
        lock.lock();
        try {
            if (!ended) {
                ended = true;
                endedNanos = System.nanoTime();
                finishReason = reason;
                failure = error;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- handler side ----

    /**
     * Waits for new text or the end, then moves all buffered text into {@code into}.
     *
     * @return true once the generation has ended and all its text has been taken
     */
    public boolean awaitOutput(StringBuilder into) throws InterruptedException {
        return awaitOutput(into, Long.MAX_VALUE);
    }

    /**
     * Like {@link #awaitOutput(StringBuilder)}, but gives up after {@code timeoutNanos} with nothing appended, so
     * a caller can check on its client meanwhile.
     *
     * @return true once the generation has ended and all its text has been taken
     */
    public boolean awaitOutput(StringBuilder into, long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (pending.isEmpty() && !ended) {
                if (left <= 0) {
                    return false;
                }
                left = changed.awaitNanos(left);
            }
            into.append(pending);
            pending.setLength(0);
            return ended;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the generation has ended (finished, cancelled or failed). */
    public void awaitEnd() throws InterruptedException {
        lock.lock();
        try {
            while (!ended) {
                changed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the generation: the scheduler frees its sequence before its next step, or drops it from the queue
     * now if it was still waiting. Safe to call at any time, more than once.
     */
    public void cancel() {
        cancelRequested = true;
        scheduler.cancel(this);
    }

    /** Why it ended, or null while it runs or when it failed. */
    public FinishReason finishReason() {
        lock.lock();
        try {
            return finishReason;
        } finally {
            lock.unlock();
        }
    }

    /** The error that ended it, or null. */
    public RuntimeException failure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }

    /** When it ended, on the {@link System#nanoTime()} scale; 0 while it runs. */
    long endedNanos() {
        lock.lock();
        try {
            return endedNanos;
        } finally {
            lock.unlock();
        }
    }

    /** Prompt tokens, as the zone's tokenizer counted them. */
    public int promptTokens() {
        return promptTokens;
    }

    /** Tokens generated so far. */
    public int completionTokens() {
        lock.lock();
        try {
            return completionTokens;
        } finally {
            lock.unlock();
        }
    }

    /** From submission to the first generated token, in microseconds; -1 before it. */
    public long timeToFirstTokenMicros() {
        lock.lock();
        try {
            return completionTokens == 0 ? -1 : (firstTokenNanos - submittedNanos) / 1000;
        } finally {
            lock.unlock();
        }
    }

    /** Mean time between generated tokens after the first, in microseconds; -1 with fewer than two. */
    public long timePerOutputTokenMicros() {
        lock.lock();
        try {
            return completionTokens < 2 ? -1 : (lastTokenNanos - firstTokenNanos) / 1000 / (completionTokens - 1);
        } finally {
            lock.unlock();
        }
    }
}
