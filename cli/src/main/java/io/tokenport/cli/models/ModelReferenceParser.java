package io.tokenport.cli.models;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** The rules behind {@link ModelReference#parse}: what an {@code hf:} reference may contain, and why not. */
final class ModelReferenceParser {
    private ModelReferenceParser() {
    }

    // Hugging Face's own rules for repository ids: letters, digits, '-', '_', '.'; no leading/trailing '.' or '-'.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?");
    // Branches and tags may hold more, but a '/' would need escaping in the URL; commit hashes are plain hex.
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    static ModelReference parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new InvalidModelReferenceException("--model is empty: pass a GGUF file path or "
                    + "hf:OWNER/REPO/FILE.gguf[@REVISION]");
        }
        if (!spec.startsWith(ModelReference.HF_PREFIX)) {
            return new ModelReference.LocalFile(Path.of(spec));
        }
        String rest = spec.substring(ModelReference.HF_PREFIX.length());
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
        return new ModelReference.HuggingFaceFile(owner, repo, file, revision);
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
