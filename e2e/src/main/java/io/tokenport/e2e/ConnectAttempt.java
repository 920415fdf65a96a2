package io.tokenport.e2e;

/**
 * The outcome of one TCP connect from inside a namespace.
 *
 * @param connected whether the three-way handshake completed
 * @param detail    empty when connected, else the operating system's reason, e.g. {@code Network is unreachable}
 *                  or {@code Connection refused}
 */
public record ConnectAttempt(boolean connected, String detail) {
}
