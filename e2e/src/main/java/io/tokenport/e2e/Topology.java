package io.tokenport.e2e;

import java.util.List;

/**
 * The addresses and wires of the test network, the same in every run (each run has its own namespaces, so runs
 * never see each other's addresses).
 *
 * <pre>
 *  client ──10.77.1.0/30── edge ──10.77.2.0/30── link ──10.77.3.0/30── zone ──10.77.4.0/30── domestic
 *   .2                   .1    .1              .2    .1              .2    .1                .2
 *                                              └ DelayRelay: 10.77.2.2:P → 10.77.3.2:P
 * </pre>
 *
 * <p>No namespace forwards IP packets, and the only route beyond a namespace's own wires is the domestic host's
 * route to the zone's address. So:
 * <ul>
 *   <li>the client reaches the edge and nothing else (the zone is "Network is unreachable" from there);</li>
 *   <li>the edge reaches the zone only by dialing the cable's end, {@link #CABLE_EDGE_END}, where the relay runs;</li>
 *   <li>the domestic host can open TCP to {@link #ZONE_ADDRESS}, so refusing it is the zone's ingress guard's job,
 *       and the zone can open TCP to {@link #DOMESTIC_ADDRESS}, so stopping that is its egress guard's job.</li>
 * </ul>
 */
public final class Topology {
    public static final String CLIENT_ADDRESS = "10.77.1.2";
    /** The edge as the overseas client sees it: the base URL's host. */
    public static final String EDGE_ADDRESS = "10.77.1.1";
    public static final String EDGE_CABLE_ADDRESS = "10.77.2.1";
    /** The cable's end at the edge, where the edge dials the zone; the zone's link certificate must name it. */
    public static final String CABLE_EDGE_END = "10.77.2.2";
    public static final String CABLE_ZONE_END = "10.77.3.1";
    /** The zone's address on the cable, where its link listener binds. */
    public static final String ZONE_ADDRESS = "10.77.3.2";
    public static final String ZONE_DOMESTIC_ADDRESS = "10.77.4.1";
    public static final String DOMESTIC_ADDRESS = "10.77.4.2";

    /** Interface names inside the link namespace, where netem (when the kernel has it) delays the cable. */
    static final String CABLE_TOWARD_EDGE = "to-edge";
    static final String CABLE_TOWARD_ZONE = "to-zone";

    /** One veth pair: a wire between two hosts, each end with its own interface name and address. */
    record Wire(Host a, String aInterface, String aAddress, Host b, String bInterface, String bAddress) {
        static final int PREFIX_LENGTH = 30;
    }

    /** A static route inside one host. */
    record Route(Host host, String destination, String via) {
    }

    static final List<Wire> WIRES = List.of(
            new Wire(Host.CLIENT, "to-edge", CLIENT_ADDRESS, Host.EDGE, "to-client", EDGE_ADDRESS),
            new Wire(Host.EDGE, "to-link", EDGE_CABLE_ADDRESS, Host.LINK, CABLE_TOWARD_EDGE, CABLE_EDGE_END),
            new Wire(Host.LINK, CABLE_TOWARD_ZONE, CABLE_ZONE_END, Host.ZONE, "to-link", ZONE_ADDRESS),
            new Wire(Host.ZONE, "to-domestic", ZONE_DOMESTIC_ADDRESS, Host.DOMESTIC, "to-zone", DOMESTIC_ADDRESS));

    static final List<Route> ROUTES = List.of(
            new Route(Host.DOMESTIC, ZONE_ADDRESS + "/32", ZONE_DOMESTIC_ADDRESS));

    private Topology() {
    }
}
