package io.tokenport.audit;

/** How a request ended: tokens served, or refused with a reason. A closed set. */
public sealed interface Outcome {

    /** The request was served. */
    record Served() implements Outcome {
    }

    /**
     * The request was refused.
     *
     * @param reason a short machine-readable reason, e.g. {@code domestic_origin}; never prompt text
     */
    record Refused(String reason) implements Outcome {
        /** Checks the reason is present. */
        public Refused {
            if (reason == null || reason.isEmpty()) {
                throw new IllegalArgumentException("a refusal needs a reason");
            }
        }
    }

    /** The served outcome. */
    static Outcome served() {
        return new Served();
    }

    /** A refusal with {@code reason}. */
    static Outcome refused(String reason) {
        return new Refused(reason);
    }
}
