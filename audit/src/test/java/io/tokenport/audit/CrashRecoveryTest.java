package io.tokenport.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real process appending to a real log is killed with SIGKILL at an arbitrary moment, three times over;
 * after each kill the reopened log must extend every checkpoint published before it.
 */
class CrashRecoveryTest {

    @TempDir
    Path tmp;

    @Test
    void afterKillMinus9TheLogExtendsEveryCheckpointPublishedBeforeIt() throws Exception {
        Path dir = tmp.resolve("log");
        Path keyFile = tmp.resolve("audit.key");
        SigningKey key = SigningKey.generate("zone.example/audit");
        key.write(keyFile);
        Random random = new Random(99);
        int published = 0;
        for (int round = 0; round < 3; round++) {
            int wantCheckpoints = published + 3 + random.nextInt(4);
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), LogWriterProcess.class.getName(),
                    dir.toString(), keyFile.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(tmp.resolve("child-" + round + ".err").toFile())
                    .start();
            // Wait for the child to publish enough checkpoints (no time limit: the build timeout is the backstop).
            while (countCheckpoints(dir) < wantCheckpoints) {
                assertThat(child.isAlive()).as("child exited early: %s",
                        Files.exists(tmp.resolve("child-" + round + ".err"))
                                ? Files.readString(tmp.resolve("child-" + round + ".err")) : "").isTrue();
                Thread.sleep(10);
            }
            Thread.sleep(random.nextInt(50));
            child.destroyForcibly();
            assertThat(child.waitFor()).isNotZero();

            List<SignedCheckpoint> checkpoints = Checkpointer.published(dir, key.verifierKey());
            assertThat(checkpoints.size()).isGreaterThanOrEqualTo(wantCheckpoints);
            published = checkpoints.size();
            try (TransferLog log = TransferLog.open(dir)) {
                long size = log.size();
                Digest root = log.rootHash(size);
                Checkpoint previous = null;
                for (SignedCheckpoint signed : checkpoints) {
                    Checkpoint c = signed.checkpoint();
                    assertThat(c.size()).isLessThanOrEqualTo(size);
                    MerkleProofs.verifyConsistency(c.size(), size, c.root(), root,
                            log.consistencyProof(c.size(), size));
                    if (previous != null) {
                        MerkleProofs.verifyConsistency(previous.size(), c.size(), previous.root(), c.root(),
                                log.consistencyProof(previous.size(), c.size()));
                    }
                    previous = c;
                }
                // Every record is whole and in order: no gap, no duplicate.
                log.forEach(0, size, (i, r) -> assertThat(r).isEqualTo(Records.sample((int) i)));
                new Checkpointer(log, key).publish();
                published = (int) countCheckpoints(dir);
            }
        }
    }

    private static long countCheckpoints(Path dir) throws IOException {
        Path cps = dir.resolve(TransferLog.CHECKPOINTS);
        if (!Files.isDirectory(cps)) {
            return 0;
        }
        try (var files = Files.list(cps)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".note")).count();
        }
    }
}
