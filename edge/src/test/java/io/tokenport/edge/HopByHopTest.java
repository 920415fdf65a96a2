package io.tokenport.edge;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class HopByHopTest {
    @Test
    void endToEndHeadersAreRelayedAndHopByHopOnesAreNot() {
        Set<String> none = Set.of();
        assertThat(HopByHop.relayed("Authorization", none)).isTrue();
        assertThat(HopByHop.relayed("Content-Type", none)).isTrue();
        assertThat(HopByHop.relayed("OpenAI-Organization", none)).isTrue();
        for (String name : List.of("Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Upgrade", "Host",
                "Content-Length", "Expect", "Proxy-Authorization", ":status", "TokenPort-Attestation",
                "tokenport-attestation")) {
            assertThat(HopByHop.relayed(name, none)).as(name).isFalse();
        }
    }

    @Test
    void headersNamedByTheConnectionHeaderAreHopByHop() {
        Set<String> options = HopByHop.connectionOptions(List.of("keep-alive, X-Session-Hop", " close "));
        assertThat(options).containsExactlyInAnyOrder("keep-alive", "x-session-hop", "close");
        assertThat(HopByHop.relayed("X-Session-Hop", options)).isFalse();
        assertThat(HopByHop.relayed("X-Other", options)).isTrue();
        assertThat(HopByHop.connectionOptions(List.of())).isEmpty();
    }
}
