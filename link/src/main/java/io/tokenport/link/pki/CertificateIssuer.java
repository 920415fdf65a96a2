package io.tokenport.link.pki;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds X.509 v3 certificates (RFC 5280) with the JDK's {@link Signature} and {@link Der}: the TBSCertificate
 * is encoded here, signed by the issuer's key, and the result is parsed back with the JDK's
 * {@link CertificateFactory}, so every certificate leaving this class is one the JDK's TLS will read.
 *
 * <p>Key identifiers are the leftmost 160 bits of the SHA-256 of the whole SubjectPublicKeyInfo (RFC 7093,
 * section 2, method 4 with the truncation of method 1): stable per key, no SHA-1.
 */
public final class CertificateIssuer {
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String SUBJECT_KEY_ID = "2.5.29.14";
    private static final String AUTHORITY_KEY_ID = "2.5.29.35";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    // keyUsage bit numbers (RFC 5280, 4.2.1.3).
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_CERT_SIGN = 5;
    private static final int CRL_SIGN = 6;

    private final byte[] issuerName;
    private final PublicKey issuerKey;
    private final PrivateKey signingKey;
    private final SecureRandom random;

    private CertificateIssuer(byte[] issuerName, PublicKey issuerKey, PrivateKey signingKey, SecureRandom random) {
        this.issuerName = issuerName;
        this.issuerKey = issuerKey;
        this.signingKey = signingKey;
        this.random = random;
    }

    /** An issuer signing as the CA {@code authority}, whose private key is {@code key}. */
    public static CertificateIssuer of(X509Certificate authority, PrivateKey key, SecureRandom random) {
        return new CertificateIssuer(authority.getSubjectX500Principal().getEncoded(), authority.getPublicKey(), key,
                random);
    }

    /** A self-signed CA certificate for {@code spec}, whose key pair is {@code spec.publicKey()} and {@code key}. */
    public static X509Certificate selfSigned(CertificateSpec spec, PrivateKey key, SecureRandom random) {
        if (spec.profile() != CertificateProfile.AUTHORITY) {
            throw new IllegalArgumentException("only the link CA signs its own certificate");
        }
        return new CertificateIssuer(name(spec.commonName()), spec.publicKey(), key, random).issue(spec);
    }

    /** Signs a certificate for {@code spec}. */
    public X509Certificate issue(CertificateSpec spec) {
        byte[] algorithm = KeyAlgorithm.of(signingKey).signatureAlgorithmIdentifier();
        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(2)),                // version: v3
                Der.integer(serialNumber()),
                algorithm,
                issuerName,
                Der.sequence(Der.time(spec.notBefore()), Der.time(spec.notAfter())),
                name(spec.commonName()),
                spec.publicKey().getEncoded(),                  // SubjectPublicKeyInfo, DER already
                Der.explicit(3, Der.sequence(extensions(spec).toArray(byte[][]::new))));
        byte[] certificate = Der.sequence(tbs, algorithm, Der.bitString(sign(tbs)));
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificate));
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK cannot read a certificate built here: a bug", e);
        }
    }

    private List<byte[]> extensions(CertificateSpec spec) {
        List<byte[]> extensions = new ArrayList<>();
        switch (spec.profile()) {
            case AUTHORITY -> {
                extensions.add(extension(BASIC_CONSTRAINTS, true, Der.sequence(Der.bool(true), Der.integer(0))));
                extensions.add(extension(KEY_USAGE, true, Der.namedBits(KEY_CERT_SIGN, CRL_SIGN)));
            }
            case ZONE_SERVER, EDGE_CLIENT -> {
                extensions.add(extension(BASIC_CONSTRAINTS, true, Der.sequence()));
                extensions.add(extension(KEY_USAGE, true, Der.namedBits(DIGITAL_SIGNATURE)));
                String purpose = spec.profile() == CertificateProfile.ZONE_SERVER ? SERVER_AUTH : CLIENT_AUTH;
                extensions.add(extension(EXTENDED_KEY_USAGE, false, Der.sequence(Der.oid(purpose))));
            }
        }
        if (!spec.dnsNames().isEmpty() || !spec.ipAddresses().isEmpty()) {
            List<byte[]> names = new ArrayList<>();
            for (String dns : spec.dnsNames()) {
                names.add(Der.implicitPrimitive(2, dns.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            }
            for (InetAddress ip : spec.ipAddresses()) {
                names.add(Der.implicitPrimitive(7, ip.getAddress()));
            }
            extensions.add(extension(SUBJECT_ALT_NAME, false, Der.sequence(names.toArray(byte[][]::new))));
        }
        extensions.add(extension(SUBJECT_KEY_ID, false, Der.octetString(keyIdentifier(spec.publicKey()))));
        extensions.add(extension(AUTHORITY_KEY_ID, false,
                Der.sequence(Der.implicitPrimitive(0, keyIdentifier(issuerKey)))));
        return extensions;
    }

    /** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }. */
    private static byte[] extension(String oid, boolean critical, byte[] value) {
        // DER leaves out a BOOLEAN equal to its DEFAULT.
        return critical ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value));
    }

    /** A Name with just a common name: SEQUENCE { SET { SEQUENCE { CN, UTF8String } } }. */
    static byte[] name(String commonName) {
        return Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8String(commonName))));
    }

    /** 20 bytes, leftmost 160 bits of SHA-256 over the SubjectPublicKeyInfo. */
    static byte[] keyIdentifier(PublicKey key) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), 20);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** 127 random bits, positive and non-zero, as RFC 5280 asks (at most 20 octets). */
    private BigInteger serialNumber() {
        BigInteger serial;
        do {
            serial = new BigInteger(127, random);
        } while (serial.signum() == 0);
        return serial;
    }

    private byte[] sign(byte[] tbs) {
        try {
            Signature signature = Signature.getInstance(KeyAlgorithm.of(signingKey).signatureName());
            signature.initSign(signingKey, random);
            signature.update(tbs);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the CA key: " + e.getMessage(), e);
        }
    }
}
