package io.tokenport.link.pki;

import java.net.InetAddress;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one certificate says: its subject, key, purpose, names and validity.
 *
 * @param commonName  the subject's CN
 * @param publicKey   the subject's key
 * @param profile     what the certificate is for (its extensions)
 * @param dnsNames    subjectAltName DNS names (server certificates)
 * @param ipAddresses subjectAltName IP addresses (server certificates)
 * @param notBefore   start of validity
 * @param notAfter    end of validity
 */
public record CertificateSpec(String commonName, PublicKey publicKey, CertificateProfile profile,
                              List<String> dnsNames, List<InetAddress> ipAddresses, Instant notBefore,
                              Instant notAfter) {

    public CertificateSpec {
        Objects.requireNonNull(commonName, "commonName");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(profile, "profile");
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
        if (commonName.isBlank()) {
            throw new IllegalArgumentException("a certificate needs a non-blank common name");
        }
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("a certificate's validity must end after it starts: " + notBefore
                    + " .. " + notAfter);
        }
        if (profile == CertificateProfile.ZONE_SERVER && dnsNames.isEmpty() && ipAddresses.isEmpty()) {
            throw new IllegalArgumentException("a zone certificate needs at least one DNS name or IP address, "
                    + "the names edges will connect to");
        }
        for (String name : dnsNames) {
            checkDnsName(name);
        }
    }

    /** Letters, digits and hyphens in dot-separated labels of up to 63 characters; a leading {@code *.} allowed. */
    static void checkDnsName(String name) {
        String rest = name.startsWith("*.") ? name.substring(2) : name;
        if (rest.isEmpty() || rest.length() > 253) {
            throw new IllegalArgumentException("not a DNS name: '" + name + "'");
        }
        for (String label : rest.split("\\.", -1)) {
            if (!label.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")) {
                throw new IllegalArgumentException("not a DNS name: '" + name + "' (each dot-separated label is "
                        + "1 to 63 letters, digits or inner hyphens)");
            }
        }
    }
}
