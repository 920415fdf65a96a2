package io.tokenport.e2e;

/**
 * The hosts of the closed loop, one network namespace each.
 *
 * <p>{@link #LINK} is not a machine of the deployment but the cross-border cable between the edge and the zone:
 * it is a namespace of its own so that the cable's delay ({@link DelayRelay}) sits on the path, outside both the
 * edge and the zone, and neither of them can bypass it.
 */
public enum Host {
    /** The overseas customer (an OpenAI SDK). Reaches only the edge. */
    CLIENT("client"),
    /** The overseas access point. Reaches the client side and the cable's end, nothing else. */
    EDGE("edge"),
    /** The cross-border cable: a delaying TCP relay from its edge end to the zone. Forwards no packets. */
    LINK("link"),
    /** The data-bonded zone. Its neighbours are the cable and the domestic host. */
    ZONE("zone"),
    /** A host on the domestic internet, next to the zone; the loop must stay closed against it both ways. */
    DOMESTIC("domestic");

    private final String label;

    Host(String label) {
        this.label = label;
    }

    /** The short name used in namespace names ({@code tp1234-zone}) and logs. */
    public String label() {
        return label;
    }
}
