package io.tokenport.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * The zone's log key: an Ed25519 private key with a name (the log origin). It signs checkpoints and receipts.
 *
 * <p>Key file format, one line (compatible with Go's {@code sumdb/note} signer keys):
 * {@code PRIVATE+KEY+<name>+<key ID hex>+<base64(0x01 || 32-byte seed)>}. The file is created with mode 0600
 * and refused when group or others can read it, like an SSH key. The key never appears in logs or messages.
 */
public final class SigningKey {

    private static final String PREFIX = "PRIVATE+KEY+";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final VerifierKey verifierKey;
    private final PrivateKey privateKey;
    private final byte[] seed;

    private SigningKey(String name, byte[] seed) {
        this.seed = seed.clone();
        this.verifierKey = new VerifierKey(name, Ed25519.publicKeyOf(seed));
        this.privateKey = Ed25519.privateKey(seed);
    }

    /** A new random key named {@code name} (for example {@code zone-sh.example/audit}). */
    public static SigningKey generate(String name) {
        VerifierKey.checkName(name);
        return new SigningKey(name, Ed25519.newSeed());
    }

    /** Parses the key file text. */
    public static SigningKey parse(String text) {
        String s = text.strip();
        if (!s.startsWith(PREFIX)) {
            throw new AuditException("signing key: expected a line starting with PRIVATE+KEY+");
        }
        String rest = s.substring(PREFIX.length());
        int first = rest.indexOf('+');
        int second = first < 0 ? -1 : rest.indexOf('+', first + 1);
        if (first <= 0 || second < 0) {
            throw new AuditException("signing key: expected PRIVATE+KEY+<name>+<8 hex digits>+<base64 key>");
        }
        String name = rest.substring(0, first);
        String idHex = rest.substring(first + 1, second);
        byte[] typeAndSeed;
        try {
            typeAndSeed = CanonicalBase64.decode(rest.substring(second + 1));
        } catch (IllegalArgumentException e) {
            throw new AuditException("signing key: the key part is not canonical base64");
        }
        if (typeAndSeed.length != 1 + Ed25519.KEY_SIZE || typeAndSeed[0] != VerifierKey.ED25519_TYPE) {
            throw new AuditException("signing key: only Ed25519 keys (type 0x01, 33 bytes) are supported");
        }
        SigningKey key = new SigningKey(name, Arrays.copyOfRange(typeAndSeed, 1, typeAndSeed.length));
        if (!key.verifierKey.keyIdHex().equals(idHex)) {
            throw new AuditException("signing key: key ID " + idHex + " does not match the key (expected "
                    + key.verifierKey.keyIdHex() + "); the key file was altered");
        }
        return key;
    }

    /**
     * Reads a key file, refusing one that group or others may read.
     *
     * @throws AuditException if the file is missing, too open, or malformed
     */
    public static SigningKey read(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            for (PosixFilePermission p : perms) {
                if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
                    throw new AuditException("signing key " + file + " is accessible by others (mode "
                            + PosixFilePermissions.toString(perms) + "); run: chmod 600 " + file);
                }
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (UnsupportedOperationException e) {
            throw new AuditException("signing key " + file + " is on a file system without POSIX permissions;"
                    + " keep it on one where it can be mode 0600", e);
        } catch (IOException e) {
            throw new AuditException("cannot read signing key " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the key file with mode 0600; never overwrites an existing file. */
    public void write(Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(file, format() + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new AuditException("signing key " + file + " already exists; it is never overwritten");
        } catch (IOException e) {
            throw new AuditException("cannot write signing key " + file + ": " + e.getMessage(), e);
        }
    }

    String format() {
        byte[] typeAndSeed = new byte[1 + Ed25519.KEY_SIZE];
        typeAndSeed[0] = VerifierKey.ED25519_TYPE;
        System.arraycopy(seed, 0, typeAndSeed, 1, Ed25519.KEY_SIZE);
        return PREFIX + verifierKey.name() + "+" + HexFormat.of().toHexDigits(verifierKey.keyId()) + "+"
                + Base64.getEncoder().encodeToString(typeAndSeed);
    }

    /** The key name (the log origin). */
    public String name() {
        return verifierKey.name();
    }

    /** The public half, to hand to verifiers. */
    public VerifierKey verifierKey() {
        return verifierKey;
    }

    /** The raw Ed25519 signature of {@code message}. */
    byte[] sign(byte[] message) {
        return Ed25519.sign(privateKey, message);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "SigningKey[" + verifierKey.name() + "+" + verifierKey.keyIdHex() + "]";
    }
}
