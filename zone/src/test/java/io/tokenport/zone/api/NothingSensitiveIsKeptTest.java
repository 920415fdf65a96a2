package io.tokenport.zone.api;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.tokenport.zone.RunningZone;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Prompts, completions and keys reach neither the database files nor the logs: only counts and hashes. */
class NothingSensitiveIsKeptTest {

    @Test
    void promptCompletionAndKeyAreNotInTheDatabaseOrTheLogs() throws Exception {
        List<String> logged = java.util.Collections.synchronizedList(new ArrayList<>());
        io.tokenport.zone.operations.JsonLogFormatter json = new io.tokenport.zone.operations.JsonLogFormatter();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                // Each record as the zone writes it in production: one JSON line with its structured fields.
                logged.add(json.format(r));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        String prompt = "The secret recipe is purple tomato soup";
        try (RunningZone zone = RunningZone.start(RunningZone.STORIES)) {
            ChatCompletion chat = zone.client().chat().completions().create(ChatCompletionCreateParams.builder()
                    .model(zone.modelId())
                    .addUserMessage(prompt)
                    .maxCompletionTokens(40)
                    .temperature(0.0)
                    .build());
            String completion = chat.choices().getFirst().message().content().orElseThrow();
            assertThat(completion).hasSizeGreaterThan(10);
            // Also a refused request, whose body is echoed nowhere.
            zone.post("/chat/completions", "{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\""
                    + prompt + "\"}]}", zone.key);

            List<byte[]> files = new ArrayList<>();
            // Every file the zone wrote: the database and the transfer log, its checkpoints and keys.
            try (Stream<Path> all = Files.walk(zone.dir)) {
                for (Path p : all.filter(Files::isRegularFile).toList()) {
                    files.add(Files.readAllBytes(p));
                }
            }
            assertThat(files).isNotEmpty();
            for (byte[] file : files) {
                String content = new String(file, StandardCharsets.ISO_8859_1);
                assertThat(content).doesNotContain("purple tomato")
                        .doesNotContain(completion.substring(0, 10))
                        .doesNotContain(zone.key.substring(3));
            }
            // The access log has one structured event per request, with counts and ids only.
            List<String> access = logged.stream().filter(l -> l.contains("\"logger\":\"io.tokenport.zone.access\""))
                    .toList();
            assertThat(access).hasSizeGreaterThanOrEqualTo(2);
            assertThat(access).anySatisfy(l -> assertThat(l).contains("\"outcome\":\"served\"")
                    .contains("\"completion_tokens\":").contains("\"tenant\":\"" + zone.tenant.id() + "\""));
            assertThat(access).anySatisfy(l -> assertThat(l).contains("\"outcome\":\"refused:model_not_found\""));
            for (String line : logged) {
                assertThat(line).doesNotContain("purple tomato").doesNotContain(completion.substring(0, 10))
                        .doesNotContain(zone.key.substring(3));
            }
        } finally {
            root.removeHandler(capture);
        }
    }
}
