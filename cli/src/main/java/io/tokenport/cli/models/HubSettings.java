package io.tokenport.cli.models;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where models come from and where they are kept, settled once from options and the environment.
 *
 * <ul>
 *   <li>{@code HF_ENDPOINT}: the Hugging Face base URL (default {@value #DEFAULT_ENDPOINT}); a mirror, or a local
 *       server in tests.</li>
 *   <li>{@code --model-cache}, else {@code TOKENPORT_MODEL_CACHE}, else {@code ~/.cache/tokenport/models}: the
 *       cache directory.</li>
 *   <li>{@code HF_TOKEN}: an access token for gated or private repositories, sent as a Bearer token to the
 *       endpoint's host only, never to the CDN it redirects to, and never printed.</li>
 * </ul>
 *
 * @param endpoint base URL, without a trailing slash
 * @param cacheDir the cache directory
 * @param token    the access token, or null
 */
public record HubSettings(URI endpoint, Path cacheDir, String token) {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    /** Settings from the environment {@code env}; {@code cacheOverride} (from {@code --model-cache}) may be null. */
    public static HubSettings fromEnvironment(Map<String, String> env, Path cacheOverride) {
        String endpoint = nonBlank(env.get("HF_ENDPOINT"));
        String cache = nonBlank(env.get("TOKENPORT_MODEL_CACHE"));
        Path cacheDir = cacheOverride != null ? cacheOverride
                : cache != null ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "tokenport", "models");
        return new HubSettings(parseEndpoint(endpoint == null ? DEFAULT_ENDPOINT : endpoint), cacheDir,
                nonBlank(env.get("HF_TOKEN")));
    }

    static URI parseEndpoint(String text) {
        URI uri;
        try {
            uri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("HF_ENDPOINT is not a URL: '" + text + "'");
        }
        if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("HF_ENDPOINT must be an http(s) base URL such as "
                    + DEFAULT_ENDPOINT + ", got '" + text + "'");
        }
        return uri;
    }

    @Override
    public String toString() {
        // Keeps the token out of any log line that prints the settings.
        return "HubSettings[endpoint=" + endpoint + ", cacheDir=" + cacheDir + ", token="
                + (token == null ? "none" : "set") + "]";
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
