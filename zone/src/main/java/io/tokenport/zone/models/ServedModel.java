package io.tokenport.zone.models;

import io.tokenport.engine.chat.ChatTemplate;
import io.tokenport.engine.generate.LoadedModel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A model the zone serves: the loaded engine model, the id clients name it by, and the fingerprint of its file.
 *
 * <p>The fingerprint is the file's SHA-256, computed once at startup by streaming the file (a multi-gigabyte
 * model takes a few seconds). Responses carry its first hex digits as {@code system_fingerprint}, so a client
 * can tell when the weights behind a model id changed.
 *
 * @param id          the model id in requests and responses
 * @param model       the loaded model
 * @param template    the chat template used for chat requests
 * @param sha256      the model file's SHA-256, hex
 * @param createdAt   when the zone started serving it
 */
public record ServedModel(String id, LoadedModel model, ChatTemplate template, String sha256, Instant createdAt) {

    /** Loads {@code file} on {@code threads} compute threads and hashes it. */
    public static ServedModel load(Path file, String id, int threads, Instant now) throws IOException {
        String sha = sha256(file);
        LoadedModel model = LoadedModel.load(file, threads);
        try {
            return new ServedModel(id, model, model.chatTemplate(), sha, now);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The id a model file gets when none is configured: its file name without {@code .gguf}. */
    public static String defaultId(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
    }

    /** {@code fp_} and the first 12 hex digits of the file's SHA-256. */
    public String systemFingerprint() {
        return "fp_" + sha256.substring(0, 12);
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
