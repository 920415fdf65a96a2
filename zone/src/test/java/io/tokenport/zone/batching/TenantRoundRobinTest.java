package io.tokenport.zone.batching;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TenantRoundRobinTest {

    private static List<String> drain(TenantRoundRobin<String> queue) {
        List<String> out = new ArrayList<>();
        for (String s; (s = queue.poll()) != null; ) {
            out.add(s);
        }
        return out;
    }

    @Test
    void servesTenantsInTurn() {
        TenantRoundRobin<String> queue = new TenantRoundRobin<>();
        for (int i = 1; i <= 4; i++) {
            queue.offer("a", "a" + i);
        }
        queue.offer("b", "b1");
        queue.offer("c", "c1");
        queue.offer("b", "b2");
        assertThat(queue.size()).isEqualTo(7);
        assertThat(drain(queue)).containsExactly("a1", "b1", "c1", "a2", "b2", "a3", "a4");
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void tenantThatReturnsAfterEmptyingJoinsTheBackOfTheRound() {
        TenantRoundRobin<String> queue = new TenantRoundRobin<>();
        queue.offer("a", "a1");
        queue.offer("b", "b1");
        assertThat(queue.poll()).isEqualTo("a1");
        queue.offer("a", "a2");
        assertThat(drain(queue)).containsExactly("b1", "a2");
    }

    @Test
    void removingATenantsLastItemTakesItOutOfTheRound() {
        TenantRoundRobin<String> queue = new TenantRoundRobin<>();
        queue.offer("a", "a1");
        queue.offer("b", "b1");
        queue.offer("a", "a2");
        assertThat(queue.remove("b", "b1")).isTrue();
        assertThat(queue.remove("b", "b1")).isFalse();
        assertThat(queue.size()).isEqualTo(2);
        assertThat(drain(queue)).containsExactly("a1", "a2");
    }
}
