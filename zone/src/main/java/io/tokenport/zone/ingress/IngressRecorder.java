package io.tokenport.zone.ingress;

/**
 * Told about every request the ingress guard refuses (DESIGN invariant 1: a domestic origin is refused <em>and
 * recorded</em>). The zone counts refusals in {@code tokenport_ingress_refusals_total{reason}} itself; a recorder
 * adds a durable record, such as an audit log entry. Called on the request's thread; it should not block long.
 */
@FunctionalInterface
public interface IngressRecorder {
    /** Records nothing. */
    IngressRecorder NONE = refusal -> null;

    /**
     * Records {@code refusal}.
     *
     * @return the signed receipt of the durable record, for the refusal's {@code TokenPort-Receipt} header, or null
     */
    String refused(IngressRefusal refusal);
}
