package io.tokenport.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One authenticated POST to a zone's admin listener from inside a namespace (the listener binds to the zone's
 * loopback, so only a process in the zone's namespace reaches it): prints the status code on the first line and
 * the body after it. The bearer token is read from a file, as the zone wrote it, so it never appears on a command
 * line.
 *
 * <p>Run as a main: {@code AdminPost URL TOKEN_FILE}.
 */
public final class AdminPost {
    private AdminPost() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: AdminPost URL TOKEN_FILE");
            System.exit(2);
        }
        String token = Files.readString(Path.of(args[1])).strip();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(args[0]))
                            .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println(answer.statusCode());
            System.out.print(answer.body());
        }
    }
}
