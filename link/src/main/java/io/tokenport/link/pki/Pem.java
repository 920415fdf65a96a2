package io.tokenport.link.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * PEM files (RFC 7468): certificates and PKCS#8 private keys, the form {@code openssl} and every TLS stack read.
 * Private keys are created with owner-only permissions (0600) before a byte is written, and no file is ever
 * overwritten: replacing a key is a decision for a person, not a side effect.
 */
public final class Pem {
    private static final String CERTIFICATE = "CERTIFICATE";
    private static final String PRIVATE_KEY = "PRIVATE KEY";

    private Pem() {
    }

    /** Writes {@code certificate} to a new file {@code file}. */
    public static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
        try {
            write(file, encode(CERTIFICATE, certificate.getEncoded()), false);
        } catch (CertificateException e) {
            throw new IllegalStateException("cannot encode a certificate: " + e.getMessage(), e);
        }
    }

    /** Writes {@code key} as an unencrypted PKCS#8 key to a new file {@code file} readable by its owner only. */
    public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        write(file, encode(PRIVATE_KEY, key.getEncoded()), true);
    }

    private static void write(Path file, String text, boolean secret) throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null,
                    "refusing to overwrite it; move it away first if it should be replaced");
        }
        if (secret) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        } else {
            Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
        }
    }

    static String encode(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** Every certificate in {@code file}, in order (a chain file holds several). */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        List<byte[]> blocks = blocks(file, CERTIFICATE);
        List<X509Certificate> certificates = new ArrayList<>(blocks.size());
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks) {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException e) {
            throw new IOException(file + " holds a CERTIFICATE block that is not an X.509 certificate: "
                    + e.getMessage(), e);
        }
        return certificates;
    }

    /** The one certificate in {@code file}. */
    public static X509Certificate readCertificate(Path file) throws IOException {
        List<X509Certificate> all = readCertificates(file);
        if (all.size() != 1) {
            throw new IOException(file + " holds " + all.size() + " certificates, expected exactly one");
        }
        return all.getFirst();
    }

    /** The PKCS#8 private key in {@code file}: Ed25519 or EC (the link), or RSA (an edge's public HTTPS certificate). */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        List<byte[]> blocks = blocks(file, PRIVATE_KEY);
        if (blocks.size() != 1) {
            throw new IOException(file + " holds " + blocks.size() + " PRIVATE KEY blocks, expected exactly one "
                    + "(an unencrypted PKCS#8 key, as 'tokenport pki' writes)");
        }
        for (String algorithm : new String[] {"Ed25519", "EC", "RSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(blocks.getFirst()));
            } catch (GeneralSecurityException e) {
                // Not this type: try the next one.
            }
        }
        throw new IOException(file + " holds a private key that is not Ed25519, EC or RSA");
    }

    private static List<byte[]> blocks(Path file, String label) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        List<byte[]> blocks = new ArrayList<>();
        int from = 0;
        while (true) {
            int start = text.indexOf(begin, from);
            if (start < 0) {
                break;
            }
            int stop = text.indexOf(end, start);
            if (stop < 0) {
                throw new IOException(file + ": '" + begin + "' without its '" + end + "'");
            }
            String body = text.substring(start + begin.length(), stop).replaceAll("\\s", "");
            try {
                blocks.add(Base64.getDecoder().decode(body));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": a " + label + " block is not valid base64", e);
            }
            from = stop + end.length();
        }
        if (blocks.isEmpty()) {
            throw new IOException(file + " holds no '" + begin + "' block");
        }
        return blocks;
    }
}
