package io.tokenport.e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A listener that only bears witness: it accepts every TCP connection, prints {@code accepted FROM} for it and
 * closes it. Put where a connection must never arrive (the domestic host, for the zone's egress), its log says
 * whether one did. Connections are accepted in arrival order, so a connection the test makes itself after the
 * attempt under test is a sentinel: once the sentinel's line is printed, any earlier connection's line is too.
 *
 * <p>Run as a main: {@code TcpWitness ADDRESS:PORT}; it prints {@code listening} once bound.
 */
public final class TcpWitness {
    private TcpWitness() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1 || args[0].lastIndexOf(':') <= 0) {
            System.err.println("usage: TcpWitness ADDRESS:PORT");
            System.exit(2);
        }
        int colon = args[0].lastIndexOf(':');
        PrintStream out = System.out;
        try (var server = new ServerSocket()) {
            server.bind(new InetSocketAddress(args[0].substring(0, colon), Integer.parseInt(args[0].substring(colon + 1))));
            out.println("listening");
            out.flush();
            while (true) {
                try (Socket connection = server.accept()) {
                    out.println("accepted " + connection.getRemoteSocketAddress());
                    out.flush();
                }
            }
        }
    }
}
