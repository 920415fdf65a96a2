package io.tokenport.cli;

import io.tokenport.zone.admission.KeyLimits;
import io.tokenport.zone.auth.ApiKeyInfo;
import io.tokenport.zone.auth.IssuedKey;
import io.tokenport.zone.auth.TenantDirectory;
import io.tokenport.zone.storage.ZoneDatabase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.InstantSource;
import java.util.concurrent.Callable;

/** {@code tokenport keys create|revoke|list}: tenants' API keys. */
@Command(name = "keys",
        mixinStandardHelpOptions = true,
        description = "Manage API keys. A key is shown once, when it is created; the zone keeps only its SHA-256.",
        subcommands = {KeysCommand.Create.class, KeysCommand.Revoke.class, KeysCommand.ListKeys.class})
final class KeysCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Issue a new API key for a tenant. Prints 'api_key: ...' and 'key_id: ...' on stdout;",
                    "the key cannot be shown again."})
    static final class Create implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Mixin
        ConfigOption config;

        @Option(names = "--tenant", required = true, paramLabel = "NAME", description = "The tenant the key belongs to.")
        String tenant;

        @Option(names = "--requests-per-minute", defaultValue = "0", paramLabel = "N",
                description = "Requests the key may start per minute; 0 is no limit (default: ${DEFAULT-VALUE}).")
        int requestsPerMinute;

        @Option(names = "--tokens-per-minute", defaultValue = "0", paramLabel = "N",
                description = "Prompt plus generated tokens per minute; 0 is no limit (default: ${DEFAULT-VALUE}).")
        int tokensPerMinute;

        @Override
        public Integer call() {
            KeyLimits limits = new KeyLimits(requestsPerMinute, tokensPerMinute);
            try (ZoneDatabase db = store.open()) {
                IssuedKey key = new TenantDirectory(db.dataSource(), InstantSource.system()).createKey(tenant, limits);
                PrintWriter out = spec.commandLine().getOut();
                out.println("api_key: " + key.secret());
                out.println("key_id: " + key.info().id());
                out.flush();
                spec.commandLine().getErr().println("the key is shown only now; revoke it with: tokenport keys revoke "
                        + key.info().id());
                return 0;
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a key at once: its next request gets a 401.")
    static final class Revoke implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "KEY_ID", description = "The key's id (key_...), as 'keys create' and 'keys list' show it.")
        String keyId;

        @Override
        public Integer call() {
            try (ZoneDatabase db = store.open()) {
                if (!new TenantDirectory(db.dataSource(), InstantSource.system()).revokeKey(keyId)) {
                    throw new IllegalArgumentException("no valid key with id " + keyId
                            + " (unknown or already revoked; 'tokenport keys list --tenant NAME' shows a tenant's keys)");
                }
                spec.commandLine().getErr().println("revoked " + keyId);
                return 0;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a tenant's keys (ids, never secrets).")
    static final class ListKeys implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Mixin
        ConfigOption config;

        @Option(names = "--tenant", required = true, paramLabel = "NAME", description = "The tenant whose keys to list.")
        String tenant;

        @Override
        public Integer call() {
            try (ZoneDatabase db = store.open()) {
                TenantDirectory directory = new TenantDirectory(db.dataSource(), InstantSource.system());
                if (directory.findTenant(tenant).isEmpty()) {
                    throw new IllegalArgumentException("no tenant named \"" + tenant + "\"");
                }
                Table table = new Table("key_id", "created", "revoked", "requests/min", "tokens/min");
                for (ApiKeyInfo k : directory.listKeys(tenant)) {
                    table.row(k.id(), k.createdAt().toString(), k.revokedAt() == null ? "-" : k.revokedAt().toString(),
                            limit(k.limits().requestsPerMinute()), limit(k.limits().tokensPerMinute()));
                }
                table.print(spec.commandLine().getOut());
                return 0;
            }
        }

        private static String limit(int perMinute) {
            return perMinute == 0 ? "-" : Integer.toString(perMinute);
        }
    }
}
