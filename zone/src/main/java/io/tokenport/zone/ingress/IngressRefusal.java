package io.tokenport.zone.ingress;

import io.tokenport.link.attestation.RefusalReason;

import java.time.Instant;

/**
 * A request the ingress guard refused, as the audit log records it: no body, no headers beyond what identifies
 * the origin.
 *
 * @param at            when
 * @param reason        why
 * @param peerEdge      the CN of the connection's edge certificate, or null if there was none
 * @param clientAddress the attested client address, or null if the attestation did not parse
 * @param jurisdiction  the attested jurisdiction, or null if the attestation did not parse
 * @param method        the HTTP method
 * @param path          the request path
 * @param detail        the verifier's message, for the operator
 */
public record IngressRefusal(Instant at, RefusalReason reason, String peerEdge, String clientAddress,
                             String jurisdiction, String method, String path, String detail) {
}
