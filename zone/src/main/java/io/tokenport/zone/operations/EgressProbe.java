package io.tokenport.zone.operations;

import io.tokenport.zone.egress.EgressGuard;

import java.io.IOException;
import java.net.Socket;

/**
 * The operator's question "can the zone reach HOST:PORT?", answered by trying: the zone opens a connection
 * through its {@link EgressGuard}, exactly as its database driver or Redis client would, and closes it at once.
 *
 * <p>A destination off the allow-list is refused before anything leaves the zone (no DNS lookup, no SYN), and
 * the refusal is recorded like any other (transfer log, metric, log line): probing is an outbound attempt, and
 * the evidence must show every one. An allowed destination is really connected to, so the answer also tells a
 * firewall or a dead server apart from the zone's own policy. No bytes are sent on a connection that opens.
 */
public final class EgressProbe {
    /** How long an allowed destination gets to accept the connection. */
    static final int CONNECT_TIMEOUT_MILLIS = 3000;

    private final EgressGuard egress;

    /** Probes through {@code egress}, the zone's one way out. */
    public EgressProbe(EgressGuard egress) {
        this.egress = egress;
    }

    /**
     * What happened when the zone tried to connect to a destination.
     *
     * @param destination the destination, as the guard matches it
     * @param allowed     whether it is on the allow-list
     * @param connected   whether a TCP connection opened (never, when not allowed)
     * @param detail      why not, for the operator; empty when connected
     */
    public record Result(EgressGuard.Destination destination, boolean allowed, boolean connected, String detail) {
    }

    /** Tries {@code destination} once. */
    public Result probe(EgressGuard.Destination destination) {
        try {
            egress.check(destination.host(), destination.port());
        } catch (EgressGuard.EgressRefusedException refused) {
            return new Result(destination, false, false, refused.getMessage());
        }
        try (Socket ignored = egress.connect(destination.host(), destination.port(), CONNECT_TIMEOUT_MILLIS)) {
            return new Result(destination, true, true, "");
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Result(destination, true, false, "allowed, but the connection failed: " + reason);
        }
    }
}
