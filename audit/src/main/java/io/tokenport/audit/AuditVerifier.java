package io.tokenport.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks an audit bundle offline, with nothing but the bundle and the zone's verifier key: a regulator's
 * tool. It never stops at the first problem; it reports every failed check (see {@link VerificationReport}).
 *
 * <p>Checks, in order:
 * <ol>
 *   <li>manifest: every listed file exists with the listed SHA-256, and no file is unlisted;</li>
 *   <li>verifier key: the bundle's key is the trusted one (when the caller supplies it);</li>
 *   <li>checkpoint signature: each checkpoint is a signed note by that key, for that origin;</li>
 *   <li>consistency: each checkpoint extends the one before it (RFC 9162 2.1.4.2), and no two checkpoints
 *       of one size differ (a forked log);</li>
 *   <li>record and inclusion: each record parses, and its leaf hash is proven in the latest checkpoint
 *       (RFC 9162 2.1.3.2);</li>
 *   <li>export range: each record arrived within the exported range, and the count matches.</li>
 * </ol>
 * The manifest alone proves nothing (anyone can recompute it); the signatures and proofs do. It is there to
 * point at the changed file quickly.
 */
public final class AuditVerifier {

    private AuditVerifier() {
    }

    /** Verifies with the key found in the bundle; the report says so, to be compared out of band. */
    public static VerificationReport verify(Path bundle) {
        return new Run(bundle).run(null);
    }

    /** Verifies with the zone's trusted verifier key. */
    public static VerificationReport verify(Path bundle, VerifierKey trusted) {
        return new Run(bundle).run(trusted);
    }

    private static final class Run {
        private final Path dir;
        private final List<VerificationReport.Failure> failures = new ArrayList<>();

        Run(Path dir) {
            this.dir = dir;
        }

        private void fail(String subject, String check, String detail) {
            failures.add(new VerificationReport.Failure(subject, check, detail));
        }

        VerificationReport run(VerifierKey trusted) {
            if (!Files.isDirectory(dir)) {
                fail(dir.toString(), "bundle", "not a directory");
                return new VerificationReport(trusted, false, 0, 0, 0, failures, false);
            }
            checkManifest();
            VerifierKey key = key(trusted);
            if (key == null) {
                return new VerificationReport(null, true, 0, 0, 0, failures, false);
            }
            boolean signedManifest = manifestSignature(key);
            List<Checkpoint> checkpoints = checkpoints(key);
            int consistent = consistency(checkpoints);
            Checkpoint latest = checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1);
            int records = records(latest);
            return new VerificationReport(key, trusted == null, checkpoints.size(), consistent, records, failures,
                    signedManifest);
        }

        private void checkManifest() {
            String manifest;
            try {
                manifest = read(Bundle.MANIFEST);
            } catch (IOException e) {
                fail(Bundle.MANIFEST, "manifest", "missing or unreadable: " + e.getMessage());
                return;
            }
            Set<String> listed = new HashSet<>();
            int lineNo = 0;
            for (String line : manifest.split("\n")) {
                lineNo++;
                if (line.isEmpty()) {
                    continue;
                }
                int sep = line.indexOf("  ");
                if (sep != 64) {
                    fail(Bundle.MANIFEST, "manifest", "line " + lineNo + " is not \"<sha256 hex>  <path>\"");
                    continue;
                }
                String path = line.substring(66);
                listed.add(path);
                Path file = dir.resolve(path).normalize();
                if (!file.startsWith(dir.normalize())) {
                    fail(Bundle.MANIFEST, "manifest", "line " + lineNo + " points outside the bundle: " + path);
                    continue;
                }
                try {
                    String actual = Digest.sha256(Files.readAllBytes(file)).hex();
                    if (!actual.equals(line.substring(0, 64))) {
                        fail(path, "manifest", "SHA-256 is " + actual + ", the manifest says " + line.substring(0, 64));
                    }
                } catch (NoSuchFileException e) {
                    fail(path, "manifest", "listed in the manifest but missing");
                } catch (IOException e) {
                    fail(path, "manifest", "unreadable: " + e.getMessage());
                }
            }
            try {
                for (String f : Bundle.files(dir)) {
                    if (!f.equals(Bundle.MANIFEST) && !f.equals(Bundle.MANIFEST_SIGNATURE) && !listed.contains(f)) {
                        fail(f, "manifest", "file not listed in the manifest");
                    }
                }
            } catch (IOException e) {
                fail(dir.toString(), "manifest", "cannot list the bundle: " + e.getMessage());
            }
        }

        /**
         * Whether the zone signed the manifest (then the bundle is its statement that no record of the range is
         * missing); a signature that is there but does not verify, or signs another manifest, is a failure.
         */
        private boolean manifestSignature(VerifierKey key) {
            if (!Files.exists(dir.resolve(Bundle.MANIFEST_SIGNATURE))) {
                return false;
            }
            try {
                String text = SignedNote.open(read(Bundle.MANIFEST_SIGNATURE), key);
                if (!text.equals(Bundle.MANIFEST_NOTE_HEADER + read(Bundle.MANIFEST))) {
                    fail(Bundle.MANIFEST_SIGNATURE, "manifest signature", "signs another manifest than this bundle's");
                    return false;
                }
                return true;
            } catch (IOException | AuditException e) {
                fail(Bundle.MANIFEST_SIGNATURE, "manifest signature", e.getMessage());
                return false;
            }
        }

        private VerifierKey key(VerifierKey trusted) {
            VerifierKey inBundle = null;
            try {
                inBundle = VerifierKey.parse(read(Bundle.KEY));
            } catch (IOException e) {
                fail(Bundle.KEY, "verifier key", "missing or unreadable");
            } catch (AuditException e) {
                fail(Bundle.KEY, "verifier key", e.getMessage());
            }
            if (trusted != null) {
                if (inBundle != null && !inBundle.equals(trusted)) {
                    fail(Bundle.KEY, "verifier key", "the bundle names key " + inBundle.format()
                            + ", not the trusted key " + trusted.format());
                }
                return trusted;
            }
            return inBundle;
        }

        private List<Checkpoint> checkpoints(VerifierKey key) {
            Map<Long, Checkpoint> bySize = new LinkedHashMap<>();
            List<String> files;
            try {
                files = Bundle.files(dir).stream().filter(f -> f.startsWith(Bundle.CHECKPOINTS + "/")).toList();
            } catch (IOException e) {
                fail(Bundle.CHECKPOINTS, "checkpoint signature", "cannot list: " + e.getMessage());
                return List.of();
            }
            if (files.isEmpty()) {
                fail(Bundle.CHECKPOINTS, "checkpoint signature", "the bundle holds no checkpoint");
            }
            for (String f : files) {
                try {
                    Checkpoint c = SignedCheckpoint.open(Files.readAllBytes(dir.resolve(f)), key).checkpoint();
                    if (!f.equals(Bundle.CHECKPOINTS + "/" + Checkpointer.fileName(c.size()))) {
                        fail(f, "checkpoint signature", "holds a checkpoint of size " + c.size()
                                + ", which does not match its file name");
                        continue;
                    }
                    Checkpoint same = bySize.get(c.size());
                    if (same != null && !same.equals(c)) {
                        fail(f, "consistency", "two checkpoints of size " + c.size() + " with different roots:"
                                + " the log forked");
                        continue;
                    }
                    bySize.put(c.size(), c);
                } catch (IOException e) {
                    fail(f, "checkpoint signature", "unreadable: " + e.getMessage());
                } catch (AuditException e) {
                    fail(f, "checkpoint signature", e.getMessage());
                }
            }
            List<Checkpoint> sorted = new ArrayList<>(bySize.values());
            sorted.sort((a, b) -> Long.compare(a.size(), b.size()));
            return sorted;
        }

        private int consistency(List<Checkpoint> checkpoints) {
            int verified = 0;
            for (int i = 1; i < checkpoints.size(); i++) {
                Checkpoint a = checkpoints.get(i - 1);
                Checkpoint b = checkpoints.get(i);
                String f = Bundle.CONSISTENCY + "/" + Bundle.consistencyName(a.size(), b.size());
                try {
                    List<Digest> proof = Bundle.parseProof(read(f), f);
                    MerkleProofs.verifyConsistency(a.size(), b.size(), a.root(), b.root(), proof);
                    verified++;
                } catch (IOException e) {
                    fail(f, "consistency", "missing: no proof that checkpoint " + b.size() + " extends checkpoint "
                            + a.size());
                } catch (AuditException e) {
                    fail(f, "consistency", "checkpoint " + b.size() + " is not proven to extend checkpoint "
                            + a.size() + ": " + e.getMessage());
                }
            }
            return verified;
        }

        private int records(Checkpoint latest) {
            String text;
            try {
                text = read(Bundle.RECORDS);
            } catch (IOException e) {
                fail(Bundle.RECORDS, "record", "missing or unreadable");
                return 0;
            }
            long from = Long.MIN_VALUE;
            long to = Long.MAX_VALUE;
            long declared = -1;
            try {
                Map<String, String> export = new HashMap<>();
                for (String line : read(Bundle.EXPORT).split("\n")) {
                    int sp = line.indexOf(' ');
                    if (sp > 0) {
                        export.put(line.substring(0, sp), line.substring(sp + 1));
                    }
                }
                from = Instant.parse(export.get("from")).toEpochMilli();
                to = Instant.parse(export.get("to")).toEpochMilli();
                declared = Long.parseLong(export.get("records"));
            } catch (IOException | RuntimeException e) {
                fail(Bundle.EXPORT, "export range", "missing or malformed: " + e.getMessage());
            }
            int verified = 0;
            int lineNo = 0;
            Set<Long> seen = new HashSet<>();
            for (String line : text.split("\n")) {
                lineNo++;
                if (line.isEmpty()) {
                    continue;
                }
                String subject = Bundle.RECORDS + " line " + lineNo;
                try {
                    JsonNode node = RecordJson.MAPPER.readTree(line);
                    JsonNode indexNode = node.get("index");
                    if (indexNode == null || !indexNode.isIntegralNumber() || !indexNode.canConvertToLong()
                            || indexNode.longValue() < 0) {
                        fail(subject, "record", "missing or invalid \"index\"");
                        continue;
                    }
                    long index = indexNode.longValue();
                    TransferRecord record = RecordJson.fromJson(node.get("record"));
                    subject += " (record " + index + ", request " + record.requestId() + ")";
                    if (!seen.add(index)) {
                        fail(subject, "record", "index " + index + " appears twice");
                        continue;
                    }
                    if (record.arrivedAtMillis() < from || record.arrivedAtMillis() >= to) {
                        fail(subject, "export range", "arrived at " + Instant.ofEpochMilli(record.arrivedAtMillis())
                                + ", outside the exported range");
                    }
                    List<Digest> proof = new ArrayList<>();
                    JsonNode proofNode = node.get("inclusionProof");
                    if (proofNode == null || !proofNode.isArray()) {
                        fail(subject, "inclusion", "missing \"inclusionProof\" array");
                        continue;
                    }
                    String malformed = null;
                    for (JsonNode h : proofNode) {
                        try {
                            proof.add(Digest.fromBase64(h.isTextual() ? h.textValue() : "", "inclusion proof hash"));
                        } catch (IllegalArgumentException e) {
                            malformed = e.getMessage();
                        }
                    }
                    if (malformed != null) {
                        fail(subject, "inclusion", "malformed proof: " + malformed);
                        continue;
                    }
                    if (latest == null) {
                        fail(subject, "inclusion", "no valid checkpoint to prove it against");
                        continue;
                    }
                    MerkleProofs.verifyInclusion(index, latest.size(), record.leafHash(), proof, latest.root());
                    verified++;
                } catch (IOException e) {
                    fail(subject, "record", "not valid JSON: " + e.getMessage());
                } catch (InvalidProofException e) {
                    fail(subject, "inclusion", "not proven in checkpoint " + latest.size() + ": " + e.getMessage());
                } catch (AuditException | IllegalArgumentException e) {
                    fail(subject, "record", e.getMessage());
                }
            }
            if (declared >= 0 && declared != seen.size()) {
                fail(Bundle.RECORDS, "export range", "holds " + seen.size() + " records, " + Bundle.EXPORT
                        + " says " + declared);
            }
            return verified;
        }

        private String read(String relative) throws IOException {
            return Files.readString(dir.resolve(relative), StandardCharsets.UTF_8);
        }
    }
}
