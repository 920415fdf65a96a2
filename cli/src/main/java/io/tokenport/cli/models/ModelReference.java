package io.tokenport.cli.models;

import java.nio.file.Path;

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

    /**
     * Parses what a user passed to {@code --model}.
     *
     * @throws InvalidModelReferenceException for a malformed {@code hf:} reference, saying what the right form is
     */
    static ModelReference parse(String spec) {
        return ModelReferenceParser.parse(spec);
    }
}
