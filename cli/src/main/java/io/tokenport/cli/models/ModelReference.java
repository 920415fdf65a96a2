package io.tokenport.cli.models;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What {@code --model} names: a GGUF file on this machine, or one in a Hugging Face repository.
 *
 * <p>The Hugging Face form is {@code hf:OWNER/REPO/FILE.gguf}, optionally followed by {@code @REVISION} (a branch,
 * tag or commit; {@code main} when absent). FILE may sit in a folder of the repository ({@code hf:o/r/q4/m.gguf}).
 * Anything without the {@code hf:} prefix is a local path. Parsing checks only the shape; whether the file exists is
 * for the {@link ModelDownloader} (or the engine, for a local path) to find out.
 */
public sealed interface ModelReference {

    /** The prefix that marks a Hugging Face reference. */
    String HF_PREFIX = "hf:";

    /** A GGUF file on this machine. */
    record LocalFile(Path path) implements ModelReference {
    }

    /**
     * A file in a Hugging Face model repository at a revision.
     *
     * @param owner    the user or organisation, e.g. {@code Qwen}
     * @param repo     the repository name, e.g. {@code Qwen2.5-0.5B-Instruct-GGUF}
     * @param file     the file's path inside the repository, segments separated by {@code /}
     * @param revision a branch, tag or commit hash
     */
    record HuggingFaceFile(String owner, String repo, String file, String revision) implements ModelReference {

        /** The file's own name, without the folders it sits in. */
        public String fileName() {
            return file.substring(file.lastIndexOf('/') + 1);
        }

        /** The reference as a user writes it; {@code @main} is left out. */
        public String spec() {
            return HF_PREFIX + owner + "/" + repo + "/" + file + ("main".equals(revision) ? "" : "@" + revision);
        }

        @Override
        public String toString() {
            return spec();
        }
    }

    // Hugging Face's own rules for repository ids: letters, digits, '-', '_', '.'; no leading/trailing '.' or '-'.
    Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?");
    // Branches and tags may hold more, but a '/' would need escaping in the URL; commit hashes are plain hex.
    Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /**
     * Parses what a user passed to {@code --model}.
     *
     * @throws InvalidModelReferenceException for a malformed {@code hf:} reference, saying what the right form is
     */
    static ModelReference parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new InvalidModelReferenceException("--model is empty: pass a GGUF file path or "
                    + "hf:OWNER/REPO/FILE.gguf[@REVISION]");
        }
        if (!spec.startsWith(HF_PREFIX)) {
            return new LocalFile(Path.of(spec));
        }
        String rest = spec.substring(HF_PREFIX.length());
        String revision = "main";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            revision = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!REVISION.matcher(revision).matches() || revision.contains("..")) {
                throw invalid(spec, "the revision after '@' must be a branch, tag or commit made of letters, digits, "
                        + "'.', '_' and '-', got '" + revision + "'");
            }
        }
        List<String> parts = List.of(rest.split("/", -1));
        if (parts.size() < 3) {
            throw invalid(spec, "it needs an owner, a repository and a file");
        }
        String owner = parts.get(0);
        String repo = parts.get(1);
        checkName(spec, "owner", owner);
        checkName(spec, "repository", repo);
        List<String> fileParts = parts.subList(2, parts.size());
        for (String segment : fileParts) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw invalid(spec, "the file path inside the repository has an empty, '.' or '..' segment");
            }
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                if (c < 0x20 || c == 0x7f || c == '\\' || c == '?' || c == '#' || c == '%') {
                    throw invalid(spec, "the file name has a character that cannot be part of a file path: '"
                            + (c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c)) + "'");
                }
            }
        }
        String file = String.join("/", fileParts);
        if (!file.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")) {
            throw invalid(spec, "only .gguf files can be served, got '" + file + "'");
        }
        return new HuggingFaceFile(owner, repo, file, revision);
    }

    private static void checkName(String spec, String what, String name) {
        if (!NAME.matcher(name).matches() || name.contains("..") || name.length() > 96) {
            throw invalid(spec, "the " + what + " '" + name + "' is not a valid Hugging Face name (letters, digits, "
                    + "'-', '_', '.', at most 96 characters)");
        }
    }

    private static InvalidModelReferenceException invalid(String spec, String why) {
        return new InvalidModelReferenceException("bad model reference '" + spec + "': " + why
                + "; the form is hf:OWNER/REPO/FILE.gguf or hf:OWNER/REPO/FILE.gguf@REVISION");
    }
}
