package io.tokenport.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tokenport} command. Each role or tool is a subcommand; this class only wires them up and turns
 * errors into messages a user can act on (never a stack trace for bad input).
 */
@Command(name = "tokenport",
        mixinStandardHelpOptions = true,
        versionProvider = TokenPort.Version.class,
        description = "Exports AI tokens from a data-bonded zone.",
        subcommands = {UpCommand.class, ZoneCommand.class, EdgeCommand.class, PkiCommand.class, GenerateCommand.class, TenantsCommand.class,
                KeysCommand.class, ReportCommand.class, AuditCommand.class,
                SynthCommand.class, CommandLine.HelpCommand.class})
public final class TokenPort {

    public static void main(String[] args) {
        // HikariCP logs through SLF4J, which has no backend here; its "no providers" notice is noise.
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        CommandLine cl;
        try {
            cl = commandLine(Settings.load(args, System.getenv()));
        } catch (IllegalArgumentException e) {
            System.err.println("tokenport: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(cl.execute(args));
    }

    /** The command line with built-in defaults only, for tests. */
    public static CommandLine commandLine() {
        return commandLine(Settings.none());
    }

    /**
     * The command line whose option defaults come from {@code settings} (environment, configuration file).
     *
     * @throws IllegalArgumentException if the configuration file has a key no option knows, or a bad price
     */
    static CommandLine commandLine(Settings settings) {
        CommandLine cl = new CommandLine(new TokenPort());
        cl.setExecutionExceptionHandler(new UserErrors());
        settings.check(cl.getCommandSpec());
        cl.setDefaultValueProvider(settings);
        UpCommand up = cl.getSubcommands().get("up").getCommand();
        up.settings = settings;
        ZoneCommand zone = cl.getSubcommands().get("zone").getCommand();
        zone.settings = settings;
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = TokenPort.class.getPackage().getImplementationVersion();
            return new String[] {"tokenport " + (v == null ? "development build" : v)
                    + " (Java " + Runtime.version() + ")"};
        }
    }
}
