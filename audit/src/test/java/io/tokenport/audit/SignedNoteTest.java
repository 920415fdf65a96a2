package io.tokenport.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys and signed notes against the published Go sumdb/note vector (see signed-note-vector.txt). */
class SignedNoteTest {

    private static String signer;
    private static String verifier;
    private static String text = "";
    private static String signatureLine;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readVector() throws IOException {
        try (InputStream in = SignedNoteTest.class.getResourceAsStream("signed-note-vector.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int space = line.indexOf(' ');
                String value = line.substring(space + 1);
                switch (line.startsWith("#") ? "#" : line.substring(0, space)) {
                    case "signer" -> signer = value;
                    case "verifier" -> verifier = value;
                    case "text" -> text += value + "\n";
                    case "signature" -> signatureLine = value;
                    default -> { }
                }
            }
        }
    }

    @Test
    void theJdkKeyDerivesThePublishedVerifierKeyAndKeyId() {
        SigningKey key = SigningKey.parse(signer);
        assertThat(key.verifierKey().format()).isEqualTo(verifier);
        assertThat(key.verifierKey().keyIdHex()).isEqualTo("c74f20a3");
        assertThat(VerifierKey.parse(verifier)).isEqualTo(key.verifierKey());
        assertThat(key.format()).isEqualTo(signer);
    }

    @Test
    void signingReproducesThePublishedNoteByteForByte() {
        String note = SignedNote.sign(text, SigningKey.parse(signer));
        assertThat(note).isEqualTo(text + "\n" + signatureLine + "\n");
        assertThat(SignedNote.open(note, VerifierKey.parse(verifier))).isEqualTo(text);
    }

    @Test
    void anAlteredTextOrSignatureIsRejected() {
        VerifierKey key = VerifierKey.parse(verifier);
        String note = text + "\n" + signatureLine + "\n";
        assertThatThrownBy(() -> SignedNote.open(note.replace("cryptography", "cryptographY"), key))
                .hasMessageContaining("does not verify");
        String badSig = note.replace("x08go/ZJ", "x08go/ZK");
        assertThatThrownBy(() -> SignedNote.open(badSig, key)).hasMessageContaining("does not verify");
    }

    @Test
    void signaturesFromUnknownKeysAreIgnoredButOneFromTheTrustedKeyIsNeeded() {
        VerifierKey trusted = VerifierKey.parse(verifier);
        SigningKey other = SigningKey.generate("witness.example/w1");
        String note = text + "\n" + signatureLine + "\n";
        String cosigned = note + SignedNote.sign(text, other).substring(text.length() + 1);
        assertThat(SignedNote.open(cosigned, trusted)).isEqualTo(text);
        String onlyOther = SignedNote.sign(text, other);
        assertThatThrownBy(() -> SignedNote.open(onlyOther, trusted)).hasMessageContaining("no signature by the"
                + " trusted key PeterNeumann+c74f20a3");
    }

    @Test
    void malformedVerifierKeysAreRejectedWithTheReason() {
        assertThatThrownBy(() -> VerifierKey.parse("PeterNeumann")).hasMessageContaining("expected <name>");
        assertThatThrownBy(() -> VerifierKey.parse(verifier.replace("c74f20a3", "c74f20a4")))
                .hasMessageContaining("does not match the key");
        assertThatThrownBy(() -> VerifierKey.parse(verifier.replace("+ARpc", "+AhRpc")))
                .isInstanceOf(AuditException.class);
        assertThatThrownBy(() -> SigningKey.generate("has space")).hasMessageContaining("must not contain spaces");
    }

    @Test
    void keyFilesAreOwnerOnlyAndNeverOverwritten() throws IOException {
        Path file = tmp.resolve("keys/audit.key");
        SigningKey key = SigningKey.generate("zone.example/audit");
        key.write(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(SigningKey.read(file).verifierKey()).isEqualTo(key.verifierKey());
        assertThatThrownBy(() -> SigningKey.generate("zone.example/audit").write(file))
                .hasMessageContaining("already exists");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> SigningKey.read(file)).hasMessageContaining("chmod 600");
        assertThat(key.toString()).doesNotContain(key.format().substring(12));
    }
}
