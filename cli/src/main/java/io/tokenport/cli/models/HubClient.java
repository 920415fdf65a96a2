package io.tokenport.cli.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The HTTP side of a download: asks the hub for a file (from a byte offset), follows its redirects, and turns its
 * refusals into messages a user can act on.
 *
 * <p>Redirects (the hub sends file bodies from a CDN) are followed here rather than by the client so that the
 * {@code Authorization} header goes to the hub's own host only, so that {@code Range} survives every hop, and so that
 * the hub's {@code X-Linked-Etag} (the file's Git LFS SHA-256) stays visible. Connecting times out after a few
 * seconds: with no network the user learns at once to pass {@code --model PATH}.
 */
final class HubClient {
    private static final int MAX_REDIRECTS = 10;
    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(30);
    private static final String USER_AGENT = "tokenport";

    private final HubSettings settings;
    private final HttpClient http;

    HubClient(HubSettings settings, Duration connectTimeout) {
        this.settings = settings;
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A response with a body to read (200, 206 or 416), and the SHA-256 the hub announced on the way, if any. */
    record Opened(HttpResponse<InputStream> response, String announcedSha256) {
    }

    Opened open(ModelReference.HuggingFaceFile ref, long from) throws IOException {
        URI uri = resolveUrl(ref);
        String announced = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(HEADERS_TIMEOUT)
                    .header("User-Agent", USER_AGENT);
            if (from > 0) {
                request.header("Range", "bytes=" + from + "-");
            }
            if (settings.token() != null && sameOrigin(uri, settings.endpoint())) {
                request.header("Authorization", "Bearer " + settings.token());
            }
            HttpResponse<InputStream> response = send(request.build(), ref);
            if (announced == null) {
                announced = announcedSha256(response.headers());
            }
            int status = response.statusCode();
            if (status == 200 || status == 206 || status == 416) {
                return new Opened(response, announced);
            }
            response.body().close();
            if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                uri = redirectTarget(uri, response.headers(), ref);
                continue;
            }
            throw httpError(ref, status, response.headers());
        }
        throw new ModelDownloadException("more than " + MAX_REDIRECTS + " redirects while downloading " + ref);
    }

    private HttpResponse<InputStream> send(HttpRequest request, ModelReference.HuggingFaceFile ref)
            throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw unreachable(request.uri(), ref, "no answer within the connect timeout", e);
        } catch (HttpTimeoutException e) {
            throw new ModelDownloadException(request.uri().getHost() + " accepted the connection but sent no "
                    + "answer within " + HEADERS_TIMEOUT.toSeconds() + " s while downloading " + ref
                    + "; try again later, or pass a GGUF file you have with --model PATH", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while downloading " + ref);
        } catch (IOException e) {
            throw unreachable(request.uri(), ref, whyUnreachable(e), e);
        }
    }

    /** The JDK client's connect failures carry no messages; the causes tell a missing host from a refusal. */
    private static String whyUnreachable(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof UnknownHostException) {
                return "the host name does not resolve";
            }
        }
        return e instanceof ConnectException && e.getMessage() == null ? "the connection was refused or timed out"
                : ModelDownloader.reason(e);
    }

    private static ModelDownloadException unreachable(URI uri, ModelReference.HuggingFaceFile ref, String why,
                                                      IOException cause) {
        return new ModelDownloadException("cannot reach " + uri.getScheme() + "://" + uri.getAuthority()
                + " to download " + ref + " (" + why + "). Without network access, pass a GGUF file you have: "
                + "--model PATH (or set HF_ENDPOINT to a reachable mirror)", cause);
    }

    private URI resolveUrl(ModelReference.HuggingFaceFile ref) {
        StringBuilder path = new StringBuilder(settings.endpoint().toString())
                .append('/').append(ref.owner()).append('/').append(ref.repo())
                .append("/resolve/").append(ref.revision());
        for (String segment : ref.file().split("/")) {
            path.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(path.toString());
    }

    private static URI redirectTarget(URI from, HttpHeaders headers, ModelReference.HuggingFaceFile ref)
            throws ModelDownloadException {
        String location = headers.firstValue("Location").orElseThrow(() -> new ModelDownloadException(
                from.getHost() + " redirected without a Location while downloading " + ref));
        URI to;
        try {
            to = from.resolve(location);
        } catch (IllegalArgumentException e) {
            throw new ModelDownloadException(from.getHost() + " redirected to a malformed URL while downloading "
                    + ref, e);
        }
        boolean http = "http".equals(to.getScheme());
        if (!(http || "https".equals(to.getScheme())) || http && "https".equals(from.getScheme())) {
            throw new ModelDownloadException(from.getHost() + " redirected " + ref + " to a non-https URL ("
                    + to.getScheme() + "://" + to.getHost() + "); refusing it");
        }
        return to;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    private ModelDownloadException httpError(ModelReference.HuggingFaceFile ref, int status, HttpHeaders headers) {
        String repoPage = settings.endpoint() + "/" + ref.owner() + "/" + ref.repo();
        String code = headers.firstValue("X-Error-Code").orElse("");
        String message = switch (status) {
            case 401 -> settings.token() == null
                    ? "the repository " + ref.owner() + "/" + ref.repo() + " does not exist, or it is private or "
                            + "gated (HTTP 401); if you have access, set HF_TOKEN to an access token"
                    : "HF_TOKEN was not accepted for " + ref.owner() + "/" + ref.repo() + " (HTTP 401): it is "
                            + "invalid or expired, or the repository does not exist";
            case 403 -> "access to " + ref.owner() + "/" + ref.repo() + " is refused (HTTP 403): it is gated; "
                    + "accept its conditions on " + repoPage + " and set HF_TOKEN to an access token of that account";
            case 404 -> switch (code) {
                case "RepoNotFound" -> "there is no repository " + ref.owner() + "/" + ref.repo() + " (HTTP 404)";
                case "RevisionNotFound" -> "there is no revision '" + ref.revision() + "' in " + ref.owner() + "/"
                        + ref.repo() + " (HTTP 404)";
                default -> "there is no file " + ref.file() + " in " + ref.owner() + "/" + ref.repo()
                        + " at revision " + ref.revision() + " (HTTP 404); the repository's files are listed at "
                        + repoPage + "/tree/" + ref.revision();
            };
            case 429 -> "too many requests (HTTP 429); wait a minute and start again";
            default -> status >= 500
                    ? "the server failed (HTTP " + status + "); try again later"
                    : "unexpected answer HTTP " + status;
        };
        return new ModelDownloadException("cannot download " + ref + ": " + message
                + (status == 401 || status == 403 || status == 404 ? "" : "; or pass a GGUF file you have with "
                + "--model PATH"));
    }

    /** The Git LFS SHA-256 the hub announces for a file ({@code X-Linked-Etag}), or null. */
    static String announcedSha256(HttpHeaders headers) {
        String etag = headers.firstValue("X-Linked-Etag").orElse(null);
        if (etag == null) {
            return null;
        }
        etag = etag.strip();
        if (etag.startsWith("W/")) {
            etag = etag.substring(2);
        }
        if (etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            etag = etag.substring(1, etag.length() - 1);
        }
        etag = etag.toLowerCase(Locale.ROOT);
        // Non-LFS files carry a Git blob id (40 hex digits) here, which is not a SHA-256.
        return etag.length() == 64 && etag.chars().allMatch(HexFormat::isHexDigit) ? etag : null;
    }

    /** The first byte a 206 answer covers ({@code Content-Range: bytes START-END/TOTAL}), or -1 if unreadable. */
    static long contentRangeStart(HttpHeaders headers) {
        String range = headers.firstValue("Content-Range").orElse("");
        if (!range.startsWith("bytes ") || range.indexOf('-') < 0) {
            return -1;
        }
        try {
            return Long.parseLong(range.substring(6, range.indexOf('-')).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The whole file's length as the answer tells it, or -1. */
    static long total(HttpResponse<?> response, long have) {
        if (response.statusCode() == 206) {
            String range = response.headers().firstValue("Content-Range").orElse("");
            int slash = range.lastIndexOf('/');
            if (slash >= 0) {
                try {
                    return Long.parseLong(range.substring(slash + 1).strip());
                } catch (NumberFormatException unknownTotal) {
                    // "bytes 0-99/*": fall back to the body's length.
                }
            }
        }
        OptionalLong length = response.headers().firstValueAsLong("Content-Length");
        return length.isPresent() ? length.getAsLong() + (response.statusCode() == 206 ? have : 0) : -1;
    }
}
