package io.tokenport.zone.egress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The zone's one way out: every outbound connection the zone makes (its database, Redis, upstream servers) is
 * opened by a socket from here, and only to a destination on the allow-list. Anything else is refused before a
 * packet leaves, and the refusal is reported to the recorders (the transfer log, metrics, the log).
 *
 * <p>This is the zone process's own check; the host firewall ({@code deploy/nftables}) and the Kubernetes
 * NetworkPolicy ({@code deploy/kubernetes}) enforce the same list below it, so a library that opened a socket
 * some other way would still be stopped, and the process's check is what records the attempt.
 *
 * <p>Destinations are matched by host name (case-insensitive) or address literal and port, exactly as configured:
 * no DNS lookup decides what is allowed.
 */
public final class EgressGuard {
    private static final Map<String, EgressGuard> REGISTRY = new ConcurrentHashMap<>();

    private final String name;
    private final Set<Destination> allowed;
    private final List<Consumer<Destination>> recorders = new CopyOnWriteArrayList<>();

    /** A destination: host (a name or an address literal) and port. */
    public record Destination(String host, int port) {
        public Destination {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("a destination needs a host");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be between 1 and 65535, got " + port);
            }
            host = host.strip().toLowerCase(Locale.ROOT);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
        }

        /**
         * Reads {@code HOST:PORT} (IPv6 literals in brackets: {@code [::1]:6379}).
         *
         * @throws IllegalArgumentException saying what is expected
         */
        public static Destination parse(String text) {
            String s = text == null ? "" : text.strip();
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1 || (s.indexOf(':') != colon && !s.startsWith("["))) {
                throw new IllegalArgumentException("an egress destination is HOST:PORT (IPv6 as [ADDRESS]:PORT), got \""
                        + text + "\"");
            }
            try {
                return new Destination(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the port of egress destination \"" + text + "\" is not a number");
            }
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * A guard allowing exactly {@code allowed}, registered under {@code name} so that drivers which create their
     * socket factory by class name (PostgreSQL's JDBC driver) can find it.
     */
    public EgressGuard(String name, Collection<Destination> allowed) {
        this.name = name;
        this.allowed = Set.copyOf(allowed);
        REGISTRY.put(name, this);
    }

    /** The guard registered under {@code name}. */
    static EgressGuard named(String name) {
        EgressGuard guard = REGISTRY.get(name);
        if (guard == null) {
            throw new IllegalStateException("no egress guard named " + name);
        }
        return guard;
    }

    /** Its registry name. */
    public String name() {
        return name;
    }

    /** The allow-list. */
    public Set<Destination> allowed() {
        return allowed;
    }

    /** Also tells {@code recorder} about every refused destination. */
    public void onRefusal(Consumer<Destination> recorder) {
        recorders.add(recorder);
    }

    /**
     * Checks that the zone may connect to {@code host:port}.
     *
     * @throws EgressRefusedException if it may not (after the refusal was reported)
     */
    public void check(String host, int port) throws EgressRefusedException {
        Destination d = new Destination(host, port);
        if (!allowed.contains(d)) {
            for (Consumer<Destination> r : recorders) {
                try {
                    r.accept(d);
                } catch (RuntimeException e) {
                    System.getLogger(EgressGuard.class.getName()).log(System.Logger.Level.ERROR,
                            "an egress refusal could not be recorded", e);
                }
            }
            throw new EgressRefusedException(d, allowed);
        }
    }

    /** An unconnected socket whose {@code connect} goes through {@link #check}. */
    public Socket socket() {
        return new GuardedSocket(this);
    }

    /** Opens a connection to {@code host:port} if allowed. */
    public Socket connect(String host, int port, int timeoutMillis) throws IOException {
        Socket s = socket();
        try {
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Forgets the registration (the zone is stopping). */
    public void unregister() {
        REGISTRY.remove(name, this);
    }

    /** A socket that asks its guard before connecting. */
    private static final class GuardedSocket extends Socket {
        private final EgressGuard guard;

        GuardedSocket(EgressGuard guard) {
            this.guard = guard;
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            if (!(endpoint instanceof InetSocketAddress address)) {
                throw new EgressRefusedException("only TCP destinations can be allowed, got " + endpoint);
            }
            guard.check(address.getHostString(), address.getPort());
            super.connect(endpoint, timeout);
        }
    }

    /** A refused connection; a {@link java.net.ConnectException}, so clients treat it as unreachable. */
    public static final class EgressRefusedException extends java.net.ConnectException {
        private static final long serialVersionUID = 1L;

        EgressRefusedException(Destination d, Set<Destination> allowed) {
            super("egress to " + d + " refused: not on the zone's egress allow-list ("
                    + allowed.stream().map(Destination::toString).sorted().collect(Collectors.joining(", "))
                    + "); add it with --egress-allow if the zone must reach it");
        }

        EgressRefusedException(String message) {
            super(message);
        }
    }
}
