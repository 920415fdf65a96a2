package io.tokenport.cli.models;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * A Hugging Face file whose exact bytes are known in advance: its SHA-256 and size.
 *
 * <p>{@link #DEFAULT} is what {@code tokenport up} serves when no {@code --model} is given. It is pinned to a commit
 * as well as a hash, so the download is reproducible and a changed or tampered file is refused rather than served.
 *
 * @param file   where it lives
 * @param sha256 the SHA-256 of the whole file, lower-case hex
 * @param size   the file's length in bytes
 */
public record PinnedModel(ModelReference.HuggingFaceFile file, String sha256, long size) {

    /**
     * Qwen2.5-0.5B-Instruct, Qwen's own Q4_K_M GGUF (qwen2 architecture; its tensors are Q4_K, Q6_K, Q5_0, Q8_0 and
     * F32, all of which the engine reads): a real instruct model small enough (469 MiB) to download on first start
     * and to run on any laptop's CPU. Hash and size are those of the Git LFS object at this commit.
     */
    public static final PinnedModel DEFAULT = new PinnedModel(
            new ModelReference.HuggingFaceFile("Qwen", "Qwen2.5-0.5B-Instruct-GGUF",
                    "qwen2.5-0.5b-instruct-q4_k_m.gguf", "9217f5db79a29953eb74d5343926648285ec7e67"),
            "74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db",
            491_400_032L);

    public PinnedModel {
        if (sha256.length() != 64 || !sha256.chars().allMatch(HexFormat::isHexDigit)) {
            throw new IllegalArgumentException("a SHA-256 is 64 hex digits, got '" + sha256 + "'");
        }
        sha256 = sha256.toLowerCase(Locale.ROOT);
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + size);
        }
    }

    /** The pin for {@code file} if it is a file this build knows the bytes of. */
    public static Optional<PinnedModel> forFile(ModelReference.HuggingFaceFile file) {
        return DEFAULT.file.equals(file) ? Optional.of(DEFAULT) : Optional.empty();
    }
}
