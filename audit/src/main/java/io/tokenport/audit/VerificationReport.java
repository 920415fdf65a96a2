package io.tokenport.audit;

import java.util.List;

/**
 * What {@link AuditVerifier} found: how much it checked, and every check that failed, each naming the file or
 * record and the check, so a regulator can say exactly what is wrong with a bundle.
 *
 * @param key the verifier key the signatures were checked with
 * @param keyFromBundle true if that key was taken from the bundle itself (compare it with the zone's
 *     published key out of band), false if the caller supplied the trusted key
 * @param checkpoints checkpoints whose signature verified
 * @param consistencyProofs consistency proofs that verified
 * @param records records whose inclusion proof verified
 * @param failures every failed check, in the order found
 * @param manifestSigned true if the zone signed the bundle's manifest: its statement that the bundle holds every
 *     record of the range (without it, a bundle proves the records it holds, not that none was left out)
 */
public record VerificationReport(VerifierKey key, boolean keyFromBundle, int checkpoints, int consistencyProofs,
        int records, List<Failure> failures, boolean manifestSigned) {

    /**
     * One failed check.
     *
     * @param subject what failed: a file, or a record with its index and request id
     * @param check which check: manifest, verifier key, checkpoint signature, consistency, record, inclusion,
     *     export range
     * @param detail why
     */
    public record Failure(String subject, String check, String detail) {
        @Override
        public String toString() {
            return subject + ": " + check + ": " + detail;
        }
    }

    /** Copies the list. */
    public VerificationReport {
        failures = List.copyOf(failures);
    }

    /** True if every check passed. */
    public boolean ok() {
        return failures.isEmpty();
    }

    /** A human-readable summary, one failure a line. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(ok() ? "VERIFIED" : "FAILED (" + failures.size() + " problems)").append('\n');
        sb.append("key ").append(key == null ? "none" : key.format())
                .append(keyFromBundle ? " (taken from the bundle: compare it with the zone's published key)" : "")
                .append('\n');
        sb.append(checkpoints).append(" checkpoints, ").append(consistencyProofs).append(" consistency proofs, ")
                .append(records).append(" records verified\n");
        sb.append(manifestSigned ? "manifest signed by the zone: it states that no record of the range is missing\n"
                : "manifest not signed: the bundle proves its records, not that none of the range was left out\n");
        for (Failure f : failures) {
            sb.append("  ").append(f).append('\n');
        }
        return sb.toString();
    }
}
