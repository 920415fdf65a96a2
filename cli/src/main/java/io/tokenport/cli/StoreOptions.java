package io.tokenport.cli;

import io.tokenport.zone.storage.DatabaseLocation;
import io.tokenport.zone.storage.ZoneDatabase;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where the zone's state lives: {@code --data-dir} and {@code --database}, shared by every command that uses it. */
final class StoreOptions {

    @Option(names = "--data-dir", defaultValue = ".tokenport", paramLabel = "DIR",
            description = "The zone's data directory: the SQLite database (unless --database says otherwise) and"
                    + " other state (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--database", paramLabel = "URL",
            description = "postgresql://USER:PASSWORD@HOST:5432/DATABASE to share one database between zone replicas,"
                    + " or sqlite:FILE (default: sqlite:DATA-DIR/zone.db).")
    String database;

    /** The database location these options name. */
    DatabaseLocation location() {
        return database == null ? new DatabaseLocation.Sqlite(dataDir.resolve("zone.db")) : DatabaseLocation.parse(database);
    }

    /** Where the zone keeps its transfer log, signing key and checkpoints. */
    Path evidenceDir() {
        return dataDir.resolve("evidence");
    }

    /** Opens (and migrates) the database. */
    ZoneDatabase open() {
        return ZoneDatabase.open(location());
    }
}
