package io.tokenport.audit;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Test records: real {@link TransferRecord}s with varied, seeded content. */
final class Records {

    private Records() {
    }

    static TransferRecord sample(int i) {
        return sample(i, 1_764_300_000_000L + i * 1000L);
    }

    static TransferRecord sample(int i, long arrivedAtMillis) {
        Random r = new Random(i);
        boolean refused = i % 7 == 3;
        return new TransferRecord(
                "req-" + i,
                "tenant-" + (i % 5),
                "edge-sg-1",
                i % 11 == 0 ? "HK" : "SG",
                arrivedAtMillis,
                arrivedAtMillis + r.nextInt(5000),
                r.nextInt(100_000),
                refused ? 120 : r.nextInt(1_000_000),
                Digest.sha256(("request " + i).getBytes(StandardCharsets.UTF_8)),
                Digest.sha256(("response " + i).getBytes(StandardCharsets.UTF_8)),
                refused ? null : Digest.sha256("model".getBytes(StandardCharsets.UTF_8)),
                refused ? 0 : r.nextInt(4000),
                refused ? 0 : r.nextInt(4000),
                refused ? ScreeningVerdict.BLOCKED : ScreeningVerdict.PASSED,
                Digest.sha256("rules v3".getBytes(StandardCharsets.UTF_8)),
                refused ? Outcome.refused("domestic_personal_information") : Outcome.served());
    }
}
