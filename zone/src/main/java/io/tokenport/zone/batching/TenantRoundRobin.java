package io.tokenport.zone.batching;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A queue that serves tenants in turn: one item of each tenant with waiting work, then the next round. A tenant
 * that floods the zone only lengthens its own queue; another tenant's single request waits for at most one item
 * of each other tenant. Not thread-safe: the scheduler guards it with its lock.
 */
final class TenantRoundRobin<T> {
    private final Map<String, ArrayDeque<T>> byTenant = new HashMap<>();
    /** Tenants with waiting items, in the order of their next turn. */
    private final ArrayDeque<String> turns = new ArrayDeque<>();
    private int size;

    void offer(String tenant, T item) {
        ArrayDeque<T> queue = byTenant.computeIfAbsent(tenant, t -> new ArrayDeque<>());
        if (queue.isEmpty()) {
            turns.addLast(tenant);
        }
        queue.addLast(item);
        size++;
    }

    /** The next item in tenant order, or null when none waits. */
    T poll() {
        String tenant = turns.pollFirst();
        if (tenant == null) {
            return null;
        }
        ArrayDeque<T> queue = byTenant.get(tenant);
        T item = queue.pollFirst();
        size--;
        if (queue.isEmpty()) {
            byTenant.remove(tenant);
        } else {
            turns.addLast(tenant);
        }
        return item;
    }

    /** Removes {@code item} if it still waits; true if it did. */
    boolean remove(String tenant, T item) {
        ArrayDeque<T> queue = byTenant.get(tenant);
        if (queue == null || !queue.remove(item)) {
            return false;
        }
        size--;
        if (queue.isEmpty()) {
            byTenant.remove(tenant);
            turns.remove(tenant);
        }
        return true;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }
}
