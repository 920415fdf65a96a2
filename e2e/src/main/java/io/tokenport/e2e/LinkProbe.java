package io.tokenport.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures a path to a {@link StandInServer} from inside a namespace: the round trip of small requests on one
 * kept-alive connection, and a bulk download checked byte for byte. Prints {@code key=value} lines for the test
 * that started it.
 *
 * <p>Run as a main: {@code LinkProbe BASE_URL ROUND_TRIPS BULK_BYTES}, e.g. {@code http://10.77.2.2:9443 20 8388608}.
 */
public final class LinkProbe {
    private LinkProbe() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: LinkProbe BASE_URL ROUND_TRIPS BULK_BYTES");
            System.exit(2);
        }
        String base = args[0];
        int roundTrips = Integer.parseInt(args[1]);
        long bulkBytes = Long.parseLong(args[2]);
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            var ping = HttpRequest.newBuilder(URI.create(base + "/ping")).build();
            http.send(ping, HttpResponse.BodyHandlers.ofString()); // opens the connection the timed requests reuse
            var rtts = new double[roundTrips];
            for (int i = 0; i < roundTrips; i++) {
                long start = System.nanoTime();
                HttpResponse<String> answer = http.send(ping, HttpResponse.BodyHandlers.ofString());
                rtts[i] = (System.nanoTime() - start) / 1e6;
                if (!"pong".equals(answer.body())) {
                    throw new IllegalStateException("unexpected /ping answer: " + answer.statusCode() + " " + answer.body());
                }
            }
            Arrays.sort(rtts);
            print("rtt_min_ms", rtts[0]);
            print("rtt_median_ms", rtts[roundTrips / 2]);
            print("rtt_max_ms", rtts[roundTrips - 1]);

            long start = System.nanoTime();
            HttpResponse<InputStream> bulk = http.send(HttpRequest.newBuilder(URI.create(base + "/bytes?n=" + bulkBytes)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            long received = 0;
            long firstWrong = -1;
            try (InputStream in = bulk.body()) {
                var buffer = new byte[64 << 10];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    for (int j = 0; j < n && firstWrong < 0; j++) {
                        if (buffer[j] != StandInServer.patternByte(received + j)) {
                            firstWrong = received + j;
                        }
                    }
                    received += n;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.println("bulk_bytes=" + received);
            System.out.println("bulk_first_wrong_byte=" + firstWrong);
            print("bulk_ms", seconds * 1e3);
            print("bulk_mib_per_s", received / seconds / (1 << 20));
        }
    }

    private static void print(String key, double value) {
        System.out.println(key + "=" + String.format(Locale.ROOT, "%.2f", value));
    }
}
