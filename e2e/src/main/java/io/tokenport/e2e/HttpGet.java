package io.tokenport.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One HTTP GET from inside a namespace: prints the status code on the first line and the body after it.
 *
 * <p>Run as a main: {@code HttpGet URL}.
 */
public final class HttpGet {
    private HttpGet() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: HttpGet URL");
            System.exit(2);
        }
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(args[0])).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println(answer.statusCode());
            System.out.print(answer.body());
        }
    }
}
