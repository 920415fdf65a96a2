package io.tokenport.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenport.zone.auth.Tenant;
import io.tokenport.zone.auth.TenantDirectory;
import io.tokenport.zone.metering.PriceBook;
import io.tokenport.zone.metering.UsageMeter;
import io.tokenport.zone.metering.UsageSummary;
import io.tokenport.zone.storage.ZoneDatabase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tokenport report usage}: what a tenant used and what it costs. */
@Command(name = "report",
        mixinStandardHelpOptions = true,
        description = "Reports from the zone's records.",
        subcommands = {ReportCommand.Usage.class})
final class ReportCommand {

    enum Format { table, csv, json }

    @Command(name = "usage", mixinStandardHelpOptions = true,
            description = {"A tenant's usage per day (UTC) and model: requests, tokens counted by the zone, cancelled",
                    "requests and the price in US dollars, with totals."})
    static final class Usage implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Mixin
        ConfigOption config;

        @Option(names = "--tenant", required = true, paramLabel = "NAME", description = "The tenant.")
        String tenant;

        @Option(names = "--from", paramLabel = "WHEN",
                description = "First day (YYYY-MM-DD, UTC) or instant (2026-11-01T08:00:00Z); default: the first record.")
        String from;

        @Option(names = "--to", paramLabel = "WHEN",
                description = "Last day, included (YYYY-MM-DD, UTC), or an instant, excluded; default: now.")
        String to;

        @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
                description = "table, csv or json (default: ${DEFAULT-VALUE}).")
        Format format;

        @Override
        public Integer call() throws Exception {
            Instant start = from == null ? Instant.EPOCH : Times.parse("--from", from, false);
            Instant end = to == null ? Instant.now() : Times.parse("--to", to, true);
            if (!end.isAfter(start)) {
                throw new IllegalArgumentException("--to (" + end + ") must be after --from (" + start + ")");
            }
            try (ZoneDatabase db = store.open()) {
                Tenant t = new TenantDirectory(db.dataSource(), InstantSource.system()).findTenant(tenant)
                        .orElseThrow(() -> new IllegalArgumentException("no tenant named \"" + tenant + "\""));
                List<UsageSummary> rows = new UsageMeter(db.dataSource(), PriceBook.FREE, InstantSource.system())
                        .summary(t.id(), start, end);
                PrintWriter out = spec.commandLine().getOut();
                switch (format) {
                    case table -> table(rows).print(out);
                    case csv -> csv(rows, out);
                    case json -> json(t, start, end, rows, out);
                }
                out.flush();
                return 0;
            }
        }

        private static String usd(long microUsd) {
            return BigDecimal.valueOf(microUsd, 6).toPlainString();
        }

        private static Table table(List<UsageSummary> rows) {
            Table table = new Table("day", "model", "requests", "prompt_tokens", "completion_tokens", "cancelled", "usd");
            long requests = 0, prompt = 0, completion = 0, cancelled = 0, price = 0;
            for (UsageSummary r : rows) {
                table.row(r.day().toString(), r.model(), Long.toString(r.requests()), Long.toString(r.promptTokens()),
                        Long.toString(r.completionTokens()), Long.toString(r.cancelled()), usd(r.priceMicroUsd()));
                requests += r.requests();
                prompt += r.promptTokens();
                completion += r.completionTokens();
                cancelled += r.cancelled();
                price += r.priceMicroUsd();
            }
            return table.row("total", "", Long.toString(requests), Long.toString(prompt), Long.toString(completion),
                    Long.toString(cancelled), usd(price));
        }

        private static void csv(List<UsageSummary> rows, PrintWriter out) {
            out.println("day,model,requests,prompt_tokens,completion_tokens,cancelled,usd");
            for (UsageSummary r : rows) {
                String model = r.model().contains(",") || r.model().contains("\"")
                        ? "\"" + r.model().replace("\"", "\"\"") + "\"" : r.model();
                out.println(String.join(",", r.day().toString(), model, Long.toString(r.requests()),
                        Long.toString(r.promptTokens()), Long.toString(r.completionTokens()),
                        Long.toString(r.cancelled()), usd(r.priceMicroUsd())));
            }
        }

        private static void json(Tenant t, Instant start, Instant end, List<UsageSummary> rows, PrintWriter out)
                throws Exception {
            ObjectMapper json = new ObjectMapper();
            ObjectNode root = json.createObjectNode();
            root.put("tenant", t.name());
            root.put("from", start.toString());
            root.put("to", end.toString());
            ArrayNode days = root.putArray("rows");
            for (UsageSummary r : rows) {
                days.addObject().put("day", r.day().toString()).put("model", r.model()).put("requests", r.requests())
                        .put("prompt_tokens", r.promptTokens()).put("completion_tokens", r.completionTokens())
                        .put("cancelled", r.cancelled()).put("price_micro_usd", r.priceMicroUsd());
            }
            out.println(json.writeValueAsString(root));
        }
    }
}
