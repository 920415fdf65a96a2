package io.tokenport.audit;

import java.nio.file.Path;

/**
 * A separate JVM for {@link CrashRecoveryTest}: appends records to a log forever, publishing a checkpoint
 * every 25 records, until the test kills it with SIGKILL.
 */
public final class LogWriterProcess {

    private LogWriterProcess() {
    }

    /** Arguments: log directory, signing key file. */
    public static void main(String[] args) {
        TransferLog log = TransferLog.open(Path.of(args[0]));
        Checkpointer checkpointer = new Checkpointer(log, SigningKey.read(Path.of(args[1])));
        for (long i = log.size(); ; i++) {
            log.append(Records.sample((int) i));
            if (i % 25 == 0) {
                checkpointer.publish();
            }
        }
    }
}
