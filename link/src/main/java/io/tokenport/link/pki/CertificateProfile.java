package io.tokenport.link.pki;

/**
 * What a link certificate is for, which fixes its extensions: only the link CA may sign certificates, only the
 * zone may serve TLS, only edges may authenticate as TLS clients. A stolen edge key therefore cannot pose as the
 * zone, and the zone's key cannot pose as an edge.
 */
public enum CertificateProfile {
    /** The link CA: basicConstraints CA with path length 0, keyUsage keyCertSign and cRLSign. */
    AUTHORITY,
    /** The zone's link listener: keyUsage digitalSignature, extendedKeyUsage serverAuth, subjectAltName. */
    ZONE_SERVER,
    /** An edge: keyUsage digitalSignature, extendedKeyUsage clientAuth; the subject CN is the edge id. */
    EDGE_CLIENT
}
