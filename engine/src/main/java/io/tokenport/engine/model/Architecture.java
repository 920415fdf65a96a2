package io.tokenport.engine.model;

import io.tokenport.engine.gguf.GGUFFormatException;

/**
 * The transformer families this engine runs, as named by {@code general.architecture}.
 *
 * <p>All three are the same pre-norm decoder (RMSNorm, rotary attention with grouped KV heads, SwiGLU); they
 * differ only in the few details recorded here, so the forward pass is one piece of code with a few switches.
 */
public enum Architecture {
    /** Llama 1/2/3 and llama2.c models: rotary on interleaved pairs {@code (x[2i], x[2i+1])}. */
    LLAMA("llama", RopeStyle.INTERLEAVED, false),
    /** Qwen2 / Qwen2.5: biases on q, k and v; rotary on split halves. */
    QWEN2("qwen2", RopeStyle.SPLIT_HALVES, false),
    /** Qwen3: an RMSNorm over each head of q and k before rotary; rotary on split halves. */
    QWEN3("qwen3", RopeStyle.SPLIT_HALVES, true);

    /**
     * How rotary embedding pairs up the dimensions of a head. GGUF files converted from Hugging Face llama
     * checkpoints have their q/k rows permuted so that the interleaved form is the right one for {@code llama};
     * the Qwen converters leave the rows alone, so Qwen uses the "NEOX" form that rotates {@code x[i]} with
     * {@code x[i + d/2]}.
     */
    public enum RopeStyle { INTERLEAVED, SPLIT_HALVES }

    private final String ggufName;
    private final RopeStyle ropeStyle;
    private final boolean qkNorm;

    Architecture(String ggufName, RopeStyle ropeStyle, boolean qkNorm) {
        this.ggufName = ggufName;
        this.ropeStyle = ropeStyle;
        this.qkNorm = qkNorm;
    }

    /** The name used in {@code general.architecture} and as the prefix of the model's metadata keys. */
    public String ggufName() {
        return ggufName;
    }

    public RopeStyle ropeStyle() {
        return ropeStyle;
    }

    /** Whether each attention layer has {@code attn_q_norm} / {@code attn_k_norm} weights (per-head RMSNorm). */
    public boolean hasQkNorm() {
        return qkNorm;
    }

    /** The architecture named {@code name}; a {@link GGUFFormatException} listing the supported ones otherwise. */
    public static Architecture fromGguf(String name) {
        for (Architecture a : values()) {
            if (a.ggufName.equals(name)) {
                return a;
            }
        }
        StringBuilder supported = new StringBuilder();
        for (Architecture a : values()) {
            supported.append(supported.isEmpty() ? "" : ", ").append(a.ggufName);
        }
        throw new GGUFFormatException("unsupported architecture '" + name + "' (supported: " + supported + ")");
    }
}
