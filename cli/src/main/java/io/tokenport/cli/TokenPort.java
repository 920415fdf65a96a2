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
        subcommands = {UpCommand.class, GenerateCommand.class, SynthCommand.class, CommandLine.HelpCommand.class})
public final class TokenPort {

    public static void main(String[] args) {
        // HikariCP logs through SLF4J, which has no backend here; its "no providers" notice is noise.
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TokenPort());
        cl.setExecutionExceptionHandler(new UserErrors());
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
