package io.tokenport.audit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Writes an audit bundle (layout in {@link Bundle} and audit/README.md) for the records that arrived in a time
 * range: the records, an inclusion proof of each to the latest published checkpoint, every checkpoint with
 * consistency proofs between successive ones, the verifier key and a manifest. The bundle is a pure function
 * of the log, its checkpoints and the range (fixed order and formatting, no timestamps of its own, and
 * deterministic Ed25519 signatures), so exporting again gives the same bytes.
 *
 * <p>Only records covered by the latest checkpoint can be proven; publish one first (the summary says how
 * many records in range were left out for lack of one).
 */
public final class AuditExporter {

    private final TransferLog log;
    private final VerifierKey key;
    private final SigningKey signer;

    /**
     * An exporter of {@code log}, whose checkpoints are signed by {@code key}. Its bundles prove every record they
     * hold, but not that no record of the range was left out: use the signing key for that.
     */
    public AuditExporter(TransferLog log, VerifierKey key) {
        this.log = log;
        this.key = key;
        this.signer = null;
    }

    /**
     * An exporter of {@code log} that also signs each bundle's manifest with the log's own key ({@code
     * manifest.sig}): the zone then states, under its signature, that the bundle holds every record that arrived
     * in the range. An omitted record is proven by any receipt for it whose arrival lies in the range.
     */
    public AuditExporter(TransferLog log, SigningKey signer) {
        this.log = log;
        this.key = signer.verifierKey();
        this.signer = signer;
    }

    /**
     * What an export wrote.
     *
     * @param records records written
     * @param checkpointSize size of the latest checkpoint the proofs lead to
     * @param checkpoints checkpoints written
     * @param uncovered records in range appended after that checkpoint, not exported
     */
    public record Summary(long records, long checkpointSize, int checkpoints, long uncovered) {
    }

    /**
     * Exports records with {@code from <= arrival < to} into {@code outDir}, which must not exist or be empty.
     *
     * @throws AuditException if no checkpoint was published yet or the directory is not empty
     */
    public Summary export(Instant from, Instant to, Path outDir) {
        try {
            return write(from.toEpochMilli(), to.toEpochMilli(), outDir, from, to);
        } catch (IOException e) {
            throw new AuditException("cannot write the audit bundle " + outDir + ": " + e.getMessage(), e);
        }
    }

    private Summary write(long fromMillis, long toMillis, Path out, Instant from, Instant to) throws IOException {
        if (Files.exists(out)) {
            try (var entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new AuditException("the bundle directory " + out + " is not empty; export into a new one");
                }
            }
        }
        List<SignedCheckpoint> checkpoints = Checkpointer.published(log.directory(), key);
        if (checkpoints.isEmpty()) {
            throw new AuditException("the audit log " + log.directory() + " has no published checkpoint yet;"
                    + " publish one before exporting");
        }
        Files.createDirectories(out);
        Bundle.write(out.resolve(Bundle.KEY), key.format() + "\n");
        Checkpoint previous = null;
        for (SignedCheckpoint signed : checkpoints) {
            Checkpoint c = signed.checkpoint();
            Files.createDirectories(out.resolve(Bundle.CHECKPOINTS));
            Files.write(out.resolve(Bundle.CHECKPOINTS).resolve(Checkpointer.fileName(c.size())), signed.bytes());
            if (previous != null) {
                Bundle.write(out.resolve(Bundle.CONSISTENCY).resolve(Bundle.consistencyName(previous.size(), c.size())),
                        Bundle.proofText(log.consistencyProof(previous.size(), c.size())));
            }
            previous = c;
        }
        Checkpoint latest = previous;
        long[] counts = new long[2];
        StringBuilder lines = new StringBuilder();
        log.forEach(0, log.size(), (index, record) -> {
            if (record.arrivedAtMillis() < fromMillis || record.arrivedAtMillis() >= toMillis) {
                return;
            }
            if (index >= latest.size()) {
                counts[1]++;
                return;
            }
            ObjectNode line = RecordJson.MAPPER.createObjectNode();
            line.put("index", index);
            line.set("record", RecordJson.toJson(record));
            ArrayNode proof = line.putArray("inclusionProof");
            for (Digest d : log.inclusionProof(index, latest.size())) {
                proof.add(d.base64());
            }
            lines.append(line).append('\n');
            counts[0]++;
        });
        Bundle.write(out.resolve(Bundle.RECORDS), lines.toString());
        Bundle.write(out.resolve(Bundle.EXPORT), "tokenport audit bundle v1\n"
                + "origin " + key.name() + "\n"
                + "from " + from + "\n"
                + "to " + to + "\n"
                + "records " + counts[0] + "\n"
                + "checkpoint " + latest.size() + "\n");
        String manifest = Bundle.manifest(out);
        Bundle.write(out.resolve(Bundle.MANIFEST), manifest);
        if (signer != null) {
            // Ed25519 is deterministic: the same bundle gets the same signature, so exports stay byte-identical.
            Bundle.write(out.resolve(Bundle.MANIFEST_SIGNATURE), SignedNote.sign(Bundle.MANIFEST_NOTE_HEADER + manifest,
                    signer));
        }
        return new Summary(counts[0], latest.size(), checkpoints.size(), counts[1]);
    }
}
