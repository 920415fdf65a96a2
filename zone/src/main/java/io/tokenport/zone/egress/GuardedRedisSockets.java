package io.tokenport.zone.egress;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.Socket;

/** Redis connections through an {@link EgressGuard}: the Jedis client's sockets come from here. */
public final class GuardedRedisSockets implements JedisSocketFactory {
    private final EgressGuard guard;
    private final HostAndPort address;
    private final JedisClientConfig config;

    public GuardedRedisSockets(EgressGuard guard, HostAndPort address, JedisClientConfig config) {
        this.guard = guard;
        this.address = address;
        this.config = config;
    }

    @Override
    public Socket createSocket() throws JedisConnectionException {
        Socket socket = null;
        try {
            socket = guard.connect(address.getHost(), address.getPort(), config.getConnectionTimeoutMillis());
            socket.setSoTimeout(config.getSocketTimeoutMillis());
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            if (config.isSsl()) {
                SSLSocketFactory tls = config.getSslSocketFactory() != null ? config.getSslSocketFactory()
                        : (SSLSocketFactory) SSLSocketFactory.getDefault();
                SSLSocket secure = (SSLSocket) tls.createSocket(socket, address.getHost(), address.getPort(), true);
                secure.startHandshake();
                return secure;
            }
            return socket;
        } catch (IOException e) {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Already failing.
                }
            }
            throw new JedisConnectionException("cannot connect to Redis at " + address + ": " + e.getMessage(), e);
        }
    }
}
