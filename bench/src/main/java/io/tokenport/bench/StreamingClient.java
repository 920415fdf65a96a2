package io.tokenport.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * One streamed chat or completions request against a zone, timed as a customer would time it: the JDK's
 * {@link HttpClient} (HTTP/1.1, as the SDKs use), server-sent events read line by line as they arrive, each
 * {@code data:} event parsed for its text and, at the end, the usage chunk ({@code stream_options.include_usage}).
 */
final class StreamingClient {
    private final HttpClient http;
    private final URI uri;
    private final String key;
    private final ObjectMapper json = new ObjectMapper();
    private final boolean chat;

    StreamingClient(HttpClient http, URI baseUrl, String key, boolean chat) {
        this.http = http;
        this.uri = URI.create(baseUrl + (chat ? "/chat/completions" : "/completions"));
        this.key = key;
        this.chat = chat;
    }

    /** The request body: a fixed number of tokens, as vLLM's {@code ignore_eos} would give, by banning the end tokens. */
    String body(String model, String prompt, int maxTokens, int[] endTokenIds) {
        var root = json.createObjectNode();
        root.put("model", model);
        if (chat) {
            root.putArray("messages").addObject().put("role", "user").put("content", prompt);
        } else {
            root.put("prompt", prompt);
        }
        root.put("max_tokens", maxTokens);
        root.put("temperature", 0.0);
        root.put("stream", true);
        root.putObject("stream_options").put("include_usage", true);
        var bias = root.putObject("logit_bias");
        for (int id : endTokenIds) {
            bias.put(Integer.toString(id), -100);
        }
        return root.toString();
    }

    /** Sends {@code body} and reads its stream to the end; never throws for a failed request, it is reported. */
    StreamTiming run(String body) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(10))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        long start = System.nanoTime();
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            return StreamTiming.failed("connection: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return StreamTiming.failed("interrupted");
        }
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                return StreamTiming.failed("HTTP " + response.statusCode() + ": " + String.join(" ", lines.toList()));
            }
            return read(lines.iterator(), start);
        } catch (IOException | RuntimeException e) {
            return StreamTiming.failed("stream: " + e);
        }
    }

    private StreamTiming read(Iterator<String> lines, long start) throws IOException {
        long first = -1;
        long last = -1;
        long[] gaps = new long[64];
        int nGaps = 0;
        int completion = -1;
        int prompt = -1;
        while (lines.hasNext()) {
            String line = lines.next();
            long now = System.nanoTime();
            if (!line.startsWith("data: ")) {
                continue; // blank separators and ": keep-alive" comments
            }
            String data = line.substring(6);
            if (data.equals("[DONE]")) {
                if (first < 0 || completion < 0) {
                    return StreamTiming.failed("the stream ended without " + (first < 0 ? "text" : "a usage chunk"));
                }
                StreamTiming done = new StreamTiming(first - start, now - start, Arrays.copyOf(gaps, nGaps),
                        completion, prompt, null);
                // Read the body to its end, so the connection goes back to the pool as an SDK's would.
                while (lines.hasNext()) {
                    lines.next();
                }
                return done;
            }
            JsonNode event = json.readTree(data);
            if (event.has("error")) {
                return StreamTiming.failed("error event: " + event.path("error").path("message").asText());
            }
            JsonNode usage = event.get("usage");
            if (usage != null && !usage.isNull()) {
                completion = usage.path("completion_tokens").asInt();
                prompt = usage.path("prompt_tokens").asInt();
            }
            JsonNode choice = event.path("choices").path(0);
            String text = chat ? choice.path("delta").path("content").asText("") : choice.path("text").asText("");
            if (!text.isEmpty()) {
                if (first < 0) {
                    first = now;
                } else {
                    if (nGaps == gaps.length) {
                        gaps = Arrays.copyOf(gaps, nGaps * 2);
                    }
                    gaps[nGaps++] = now - last;
                }
                last = now;
            }
        }
        return StreamTiming.failed("the stream ended without data: [DONE]");
    }
}
