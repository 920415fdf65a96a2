package io.tokenport.e2e;

/**
 * The network harness could not do what a test asked: no root, no iproute2, an {@code ip} command that failed,
 * or a process in a namespace that never answered. The message says which, and what to do about it.
 */
public final class NetworkHarnessException extends RuntimeException {
    public NetworkHarnessException(String message) {
        super(message);
    }

    public NetworkHarnessException(String message, Throwable cause) {
        super(message, cause);
    }
}
