package io.tokenport.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The layout of an audit bundle, shared by {@link AuditExporter} and {@link AuditVerifier}:
 *
 * <pre>
 *   export.txt                        what was exported: time range, record count, checkpoint size
 *   verifier.key                      the zone's verifier key (C2SP vkey), one line
 *   checkpoints/&lt;size&gt;.note          every checkpoint the log published up to the latest (signed notes)
 *   consistency/&lt;m&gt;-&lt;n&gt;.txt         consistency proof between successive checkpoints, base64 hashes, one a line
 *   records.jsonl                     one JSON object a line: index, record, inclusion proof to the latest checkpoint
 *   manifest.sha256                   SHA-256 of every other file, in sha256sum format, sorted by path
 * </pre>
 *
 * Sizes in file names are zero-padded to 20 digits so names sort in size order.
 */
final class Bundle {

    static final String EXPORT = "export.txt";
    static final String KEY = "verifier.key";
    static final String CHECKPOINTS = "checkpoints";
    static final String CONSISTENCY = "consistency";
    static final String RECORDS = "records.jsonl";
    static final String MANIFEST = "manifest.sha256";
    /** The zone's signed note over the manifest: it states that the bundle holds exactly these files. */
    static final String MANIFEST_SIGNATURE = "manifest.sig";
    /** The first line of the signed manifest note (it has spaces, so it can never read as a checkpoint). */
    static final String MANIFEST_NOTE_HEADER = "tokenport audit manifest v1\n";

    private Bundle() {
    }

    static String consistencyName(long m, long n) {
        return String.format("%020d-%020d.txt", m, n);
    }

    static String proofText(List<Digest> proof) {
        StringBuilder sb = new StringBuilder();
        for (Digest d : proof) {
            sb.append(d.base64()).append('\n');
        }
        return sb.toString();
    }

    static List<Digest> parseProof(String text, String what) {
        List<Digest> out = new ArrayList<>();
        if (text.isEmpty()) {
            return out;
        }
        if (!text.endsWith("\n")) {
            throw new AuditException(what + ": does not end in a newline");
        }
        int line = 1;
        for (String s : text.substring(0, text.length() - 1).split("\n", -1)) {
            try {
                out.add(Digest.fromBase64(s, what + " line " + line));
            } catch (IllegalArgumentException e) {
                throw new AuditException(e.getMessage());
            }
            line++;
        }
        return out;
    }

    /** All regular files under {@code dir}, as '/'-separated relative paths, sorted. */
    static List<String> files(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                if (Files.isRegularFile(p)) {
                    out.add(dir.relativize(p).toString().replace('\\', '/'));
                }
            }
        }
        out.sort(null);
        return out;
    }

    static String manifest(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String f : files(dir)) {
            if (!f.equals(MANIFEST) && !f.equals(MANIFEST_SIGNATURE)) {
                sb.append(Digest.sha256(Files.readAllBytes(dir.resolve(f))).hex()).append("  ").append(f).append('\n');
            }
        }
        return sb.toString();
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
