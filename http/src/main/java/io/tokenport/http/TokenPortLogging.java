package io.tokenport.http;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Tells Helidon that its logs are already taken care of: TokenPort writes everything through
 * {@code java.util.logging}, set up by the command that starts it (one JSON object a line by default). Without a
 * provider Helidon prints "There is no Helidon logging implementation on classpath" on stderr at every start;
 * Helidon's own JUL provider would instead re-read a {@code logging.properties} found in the working directory,
 * replacing that setup. Found by Helidon through {@code META-INF/services}.
 */
public final class TokenPortLogging implements LoggingProvider {
    /** For the service loader. */
    public TokenPortLogging() {
    }

    @Override
    public void initialization() {
        // Nothing to do: the logs are set up before any Helidon server starts.
    }

    @Override
    public void runTime() {
        // Only called in a GraalVM native image, which TokenPort is not built as.
    }
}
