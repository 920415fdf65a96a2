package io.tokenport.cli;

import io.tokenport.audit.AuditExporter;
import io.tokenport.audit.AuditVerifier;
import io.tokenport.audit.SigningKey;
import io.tokenport.audit.TransferLog;
import io.tokenport.audit.VerificationReport;
import io.tokenport.audit.VerifierKey;
import io.tokenport.zone.evidence.TransferEvidence;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code tokenport audit key|export|verify}: the transfer log's evidence, for the operator and a regulator. */
@Command(name = "audit",
        mixinStandardHelpOptions = true,
        description = {"The zone's transfer log: every request that crossed the boundary, served or refused, as a leaf",
                "of a Merkle tree with signed checkpoints. Export a bundle for a time range; verify one offline."},
        subcommands = {AuditCommand.Key.class, AuditCommand.Export.class, AuditCommand.Verify.class})
final class AuditCommand {

    static VerifierKey zoneKey(Path evidence) throws Exception {
        Path file = evidence.resolve(TransferEvidence.VERIFIER_KEY_FILE);
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no transfer log here yet: start the zone with this"
                    + " --data-dir first");
        }
        return VerifierKey.parse(Files.readString(file, StandardCharsets.UTF_8).strip());
    }

    @Command(name = "key", mixinStandardHelpOptions = true,
            description = "Print the zone's verifier key: what a regulator needs to check receipts and bundles.")
    static final class Key implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() throws Exception {
            spec.commandLine().getOut().println(zoneKey(store.evidenceDir()).format());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Write the bundle of the records that arrived in [--from, --to): records with inclusion",
                    "proofs, every checkpoint, consistency proofs and a manifest. The same range gives the same",
                    "bytes. Works while the zone runs (records after its latest checkpoint wait for the next one)."})
    static final class Export implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Mixin
        ConfigOption config;

        @Option(names = "--from", required = true, paramLabel = "WHEN",
                description = "First day (YYYY-MM-DD, UTC) or instant (2026-11-01T08:00:00Z).")
        String from;

        @Option(names = "--to", required = true, paramLabel = "WHEN",
                description = "Last day, included (YYYY-MM-DD, UTC), or an instant, excluded.")
        String to;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new or empty directory for the bundle.")
        Path out;

        @Override
        public Integer call() throws Exception {
            Instant start = Times.parse("--from", from, false);
            Instant end = Times.parse("--to", to, true);
            if (!end.isAfter(start)) {
                throw new IllegalArgumentException("--to (" + end + ") must be after --from (" + start + ")");
            }
            Path evidence = store.evidenceDir();
            VerifierKey key = zoneKey(evidence);
            Path signingKey = evidence.resolve(TransferEvidence.SIGNING_KEY_FILE);
            boolean canSign = Files.isReadable(signingKey);
            try (TransferLog log = TransferLog.openReadOnly(evidence.resolve(TransferEvidence.LOG_DIR))) {
                // With the zone's own key (the operator's, on the zone's host) the manifest is signed: the bundle
                // then states that it holds every record of the range.
                AuditExporter exporter = canSign
                        ? new AuditExporter(log, SigningKey.read(signingKey)) : new AuditExporter(log, key);
                if (!canSign) {
                    spec.commandLine().getErr().println("the zone's signing key is not readable here: the bundle's"
                            + " manifest is not signed (it proves its records, not that none was left out)");
                }
                AuditExporter.Summary s = exporter.export(start, end, out);
                spec.commandLine().getErr().printf("exported %d records into %s, proven against the checkpoint of"
                                + " size %d (%d checkpoints)%s%n", s.records(), out, s.checkpointSize(), s.checkpoints(),
                        s.uncovered() == 0 ? "" : "; " + s.uncovered() + " newer records wait for the next checkpoint");
            }
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check a bundle offline: the manifest, every checkpoint's signature, consistency between",
                    "checkpoints, and each record's inclusion. Prints VERIFIED, or FAILED and every failed check.",
                    "Exit code 0 when verified, 1 when not."})
    static final class Verify implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "BUNDLE", description = "The bundle directory.")
        Path bundle;

        @Option(names = "--key", paramLabel = "FILE",
                description = "The zone's verifier key file, obtained from the zone operator beforehand (without it,"
                        + " the bundle's own key is used, which proves consistency but not whose log it is).")
        Path key;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(bundle)) {
                throw new NoSuchFileException(bundle.toString());
            }
            VerificationReport report = key == null ? AuditVerifier.verify(bundle)
                    : AuditVerifier.verify(bundle, VerifierKey.parse(Files.readString(key, StandardCharsets.UTF_8).strip()));
            spec.commandLine().getOut().print(report);
            spec.commandLine().getOut().flush();
            return report.ok() ? 0 : 1;
        }
    }
}
