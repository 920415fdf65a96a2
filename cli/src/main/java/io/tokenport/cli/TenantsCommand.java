package io.tokenport.cli;

import io.tokenport.zone.auth.Tenant;
import io.tokenport.zone.auth.TenantDirectory;
import io.tokenport.zone.storage.ZoneDatabase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.InstantSource;
import java.util.List;

/** {@code tokenport tenants create|list}: the overseas organisations the zone serves. */
@Command(name = "tenants",
        mixinStandardHelpOptions = true,
        description = "Manage tenants: the overseas organisations whose keys call the zone.",
        subcommands = {TenantsCommand.Create.class, TenantsCommand.ListTenants.class})
final class TenantsCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Register a tenant. Prints its id on stdout.")
    static final class Create implements java.util.concurrent.Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "NAME", description = "A unique name, 1 to 200 characters.")
        String name;

        @Option(names = "--jurisdiction", required = true, paramLabel = "CC",
                description = "The tenant's country, an ISO 3166 two-letter code such as SG or DE.")
        String jurisdiction;

        @Override
        public Integer call() {
            try (ZoneDatabase db = store.open()) {
                Tenant t = new TenantDirectory(db.dataSource(), InstantSource.system()).createTenant(name, jurisdiction);
                PrintWriter out = spec.commandLine().getOut();
                out.println(t.id());
                out.flush();
                spec.commandLine().getErr().printf("created tenant %s (%s)%n", t.name(), t.jurisdiction());
                return 0;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the tenants as a table.")
    static final class ListTenants implements java.util.concurrent.Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() {
            try (ZoneDatabase db = store.open()) {
                List<Tenant> tenants = new TenantDirectory(db.dataSource(), InstantSource.system()).listTenants();
                Table table = new Table("name", "jurisdiction", "id", "created");
                for (Tenant t : tenants) {
                    table.row(t.name(), t.jurisdiction(), t.id(), t.createdAt().toString());
                }
                table.print(spec.commandLine().getOut());
                return 0;
            }
        }
    }
}
