package io.tokenport.bench;

import java.nio.file.Path;

/** An inference engine under measurement. */
interface BenchEngine extends AutoCloseable {
    /** Short name for the table. */
    String name();

    /** Runs the workload on the model: one warm-up, then {@code reps} timed repetitions. */
    Timing run(Path model, Workload work);

    @Override
    default void close() {
    }

    /** The index of the largest value. */
    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
