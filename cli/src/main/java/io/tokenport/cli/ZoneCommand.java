package io.tokenport.cli;

import io.tokenport.zone.ZoneConfig;
import io.tokenport.zone.ZoneServer;
import io.tokenport.zone.ingress.LinkListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code tokenport zone}: the zone of a real deployment. It serves only its link: mutual TLS with certificates of
 * the link CA, and only requests whose origin an edge attested (overseas, fresh, unused, matching the body). No
 * plain API listener is opened. Tenants and keys are managed with {@code tokenport tenants} and {@code keys}.
 */
@Command(name = "zone",
        mixinStandardHelpOptions = true,
        description = {"Run the zone of a real deployment: the embedded engine behind the link",
                "listener only (mutual TLS from edges certified by the link CA, attested",
                "overseas origins only), the admin listener, and the transfer log under",
                "--data-dir. Prints 'link_url: ...' on stdout for the edges' --zone. Stop it",
                "with Ctrl-C or SIGTERM. Needs --link-port, --link-cert, --link-key and",
                "--link-ca (files from tokenport pki)."},
        footerHeading = "%nSettings:%n",
        footer = {"  Every option can also be set by an environment variable (TOKENPORT_ and the",
                "  option's name in capitals, dashes as underscores) or by a key of the",
                "  configuration file named by --config or TOKENPORT_CONFIG; see",
                "  'tokenport up --help'."})
final class ZoneCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ZoneOptions zoneOptions;

    @Mixin
    LinkOptions link;

    /** Where defaults and prices come from; set by {@link TokenPort#commandLine}. */
    Settings settings = Settings.none();

    /** Stops a running zone (tests); Ctrl-C and SIGTERM stop it too. */
    final RunUntilStopped running = new RunUntilStopped();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LinkListener listener = link.listener();
        if (listener == null) {
            throw new IllegalArgumentException("a zone serves only its link: give --link-port, --link-cert, --link-key"
                    + " and --link-ca (files from 'tokenport pki init-ca' and 'tokenport pki zone-cert'); to try"
                    + " TokenPort on one machine, run 'tokenport up'");
        }
        ZoneConfig.Builder config = zoneOptions.configure(err, settings).plainApi(false).link(listener);
        try (ZoneServer zone = ZoneServer.start(config.build())) {
            out.println("link_url: " + link.url(zone.linkPort()));
            out.flush();
            err.printf("model: %s; link listener on %s:%d (mutual TLS, attested origins only); admin:"
                            + " http://127.0.0.1:%d/metrics (token in %s); database: %s; %s%n", zone.model().id(),
                    link.host, zone.linkPort(), zone.adminPort(), zoneOptions.adminTokenPath(),
                    zoneOptions.store.location(), settings.describe());
            err.flush();
            running.await();
            err.println("stopping");
            err.flush();
        } finally {
            running.closed();
        }
        return 0;
    }
}
