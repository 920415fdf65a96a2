package io.tokenport.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

import java.util.Set;

/**
 * Helidon's HTTP/1.1 connections, each reading its socket through a {@link ConnectionReads} that handlers can
 * watch. Put first on a listener (custom selectors are), it takes every HTTP/1.1 connection; anything else (HTTP/2
 * by ALPN or prior knowledge) goes on to Helidon's own selectors as before.
 *
 * <p>It offers no protocol upgrade ({@code Upgrade: h2c}): a connection that became HTTP/2 could not be watched,
 * and a client that asks for one simply stays on HTTP/1.1.
 */
final class HangUpSelector implements ServerConnectionSelector {
    private final Http1ConnectionSelector http1 = Http1ConnectionSelector.builder()
            .config(Http1Config.create())
            .build();

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return http1.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        ConnectionReads reads = new ConnectionReads(ctx.dataReader());
        return new WatchableConnection(http1.connection(new ReadThrough(ctx, reads.reader())), reads);
    }
}
