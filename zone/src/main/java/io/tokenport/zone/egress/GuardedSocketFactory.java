package io.tokenport.zone.egress;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A {@link SocketFactory} over an {@link EgressGuard}, for drivers that take a factory by class name and one
 * string argument, as PostgreSQL's JDBC driver does ({@code socketFactory} and {@code socketFactoryArg}: the
 * guard's name).
 */
public final class GuardedSocketFactory extends SocketFactory {
    private final EgressGuard guard;

    /** The factory of the guard registered under {@code guardName}. */
    public GuardedSocketFactory(String guardName) {
        this.guard = EgressGuard.named(guardName);
    }

    @Override
    public Socket createSocket() {
        return guard.socket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return guard.connect(host, port, 0);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = guard.socket();
        s.bind(new InetSocketAddress(localHost, localPort));
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket s = guard.socket();
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        Socket s = guard.socket();
        s.bind(new InetSocketAddress(localAddress, localPort));
        s.connect(new InetSocketAddress(address, port));
        return s;
    }
}
