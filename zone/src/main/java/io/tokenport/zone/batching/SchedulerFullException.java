package io.tokenport.zone.batching;

/**
 * The scheduler takes no more work: its queue is full, or it is shutting down. The request was not accepted (an
 * HTTP 503; the client may retry).
 */
public final class SchedulerFullException extends Exception {
    private static final long serialVersionUID = 1L;

    SchedulerFullException(String message) {
        super(message);
    }
}
