package io.tokenport.engine.synth;

import java.util.Locale;

/**
 * The shape of a decoder-only transformer to generate: architecture and sizes, as GGUF metadata states them.
 *
 * @param architecture {@code llama}, {@code qwen2} (q/k/v biases) or {@code qwen3} (per-head q/k norms)
 * @param dim          embedding length
 * @param layers       block count
 * @param heads        query heads
 * @param kvHeads      key/value heads (grouped-query attention when fewer than {@code heads})
 * @param headDim      length of one head ({@code dim / heads} for llama and qwen2)
 * @param ffn          feed-forward (SwiGLU) hidden length
 * @param vocab        vocabulary size
 * @param context      training context length
 * @param ropeBase     rotary frequency base
 * @param normEps      RMS norm epsilon
 * @param tiedOutput   whether the output projection reuses {@code token_embd.weight} (no {@code output.weight})
 */
public record ModelShape(String architecture, int dim, int layers, int heads, int kvHeads, int headDim, int ffn,
                         int vocab, int context, float ropeBase, float normEps, boolean tiedOutput) {

    public ModelShape {
        architecture = architecture.toLowerCase(Locale.ROOT);
        if (!architecture.equals("llama") && !architecture.equals("qwen2") && !architecture.equals("qwen3")) {
            throw new IllegalArgumentException("architecture must be llama, qwen2 or qwen3, got " + architecture);
        }
        positive("dim", dim);
        positive("layers", layers);
        positive("heads", heads);
        positive("kv heads", kvHeads);
        positive("head dim", headDim);
        positive("ffn", ffn);
        positive("context", context);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " heads cannot share " + kvHeads + " kv heads evenly");
        }
        if (!architecture.equals("qwen3") && headDim * heads != dim) {
            throw new IllegalArgumentException(architecture + " needs head dim * heads == dim, got " + headDim
                    + " * " + heads + " != " + dim);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head dim must be even for rotary embeddings, got " + headDim);
        }
        if (vocab < SpmVocabulary.MIN_SIZE) {
            throw new IllegalArgumentException("vocab must be at least " + SpmVocabulary.MIN_SIZE + ", got " + vocab);
        }
    }

    /** A shape with the conventional defaults: head dim {@code dim / heads}, rope base per architecture. */
    public static ModelShape of(String architecture, int dim, int layers, int heads, int kvHeads, int ffn,
                                int vocab, int context) {
        float base = architecture.equalsIgnoreCase("llama") ? 10000f : 1000000f;
        float eps = architecture.equalsIgnoreCase("llama") ? 1e-5f : 1e-6f;
        return new ModelShape(architecture, dim, layers, heads, kvHeads, dim / heads, ffn, vocab, context, base, eps,
                false);
    }

    /**
     * Named sizes: {@code 100m} (dim 768, 12 layers, 12 heads, ffn 2048, vocab 32000, tied output: about 110M
     * parameters) and {@code 1b} (TinyLlama's shape: dim 2048, 22 layers, 32 heads sharing 4 kv heads, ffn
     * 5632, vocab 32000: about 1.1B parameters). {@code tiny} (dim 64, 2 layers) is for tests.
     */
    public static ModelShape preset(String name, String architecture) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "tiny" -> of(architecture, 64, 2, 4, 2, 256, 512, 256);
            case "100m" -> of(architecture, 768, 12, 12, 12, 2048, 32000, 2048).withTiedOutput(true);
            case "1b" -> of(architecture, 2048, 22, 32, 4, 5632, 32000, 2048);
            default -> throw new IllegalArgumentException("unknown preset '" + name + "' (tiny, 100m, 1b)");
        };
    }

    public ModelShape withTiedOutput(boolean tied) {
        return new ModelShape(architecture, dim, layers, heads, kvHeads, headDim, ffn, vocab, context, ropeBase,
                normEps, tied);
    }

    public ModelShape withVocab(int newVocab) {
        return new ModelShape(architecture, dim, layers, heads, kvHeads, headDim, ffn, newVocab, context, ropeBase,
                normEps, tiedOutput);
    }

    public ModelShape withContext(int newContext) {
        return new ModelShape(architecture, dim, layers, heads, kvHeads, headDim, ffn, vocab, newContext, ropeBase,
                normEps, tiedOutput);
    }

    /** Length of the query projection's output. */
    public int qDim() {
        return heads * headDim;
    }

    /** Length of the key and value projections' output. */
    public int kvDim() {
        return kvHeads * headDim;
    }

    /** Number of weights, norms and biases included. */
    public long parameterCount() {
        long perLayer = 2L * dim                                  // attention and ffn norms
                + (long) dim * qDim() + 2L * dim * kvDim()          // q, k, v
                + (long) qDim() * dim                               // attention output
                + 3L * dim * ffn;                                   // gate, up, down
        if (architecture.equals("qwen2")) {
            perLayer += qDim() + 2L * kvDim();
        } else if (architecture.equals("qwen3")) {
            perLayer += 2L * headDim;
        }
        return (long) vocab * dim * (tiedOutput ? 1 : 2) + dim + layers * perLayer;
    }

    private static void positive(String what, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + v);
        }
    }
}
