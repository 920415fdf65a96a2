package io.tokenport.engine.model;

import io.tokenport.engine.gguf.GGUFFile;
import io.tokenport.engine.gguf.GGUFFormatException;
import io.tokenport.engine.gguf.GGUFMetadata;

/**
 * The hyper-parameters of a model, read from GGUF metadata under the architecture's prefix
 * ({@code llama.embedding_length}, {@code qwen2.block_count}, ...).
 *
 * @param architecture      the transformer family
 * @param embeddingLength   width of the residual stream
 * @param blockCount        number of transformer layers
 * @param feedForwardLength hidden width of the SwiGLU feed-forward network
 * @param headCount         query heads
 * @param headCountKv       key/value heads; each serves {@code headCount / headCountKv} query heads
 * @param keyLength         dimension of one query/key head
 * @param valueLength       dimension of one value head
 * @param contextLength     the longest context the model was built for
 * @param rmsEpsilon        epsilon of every RMSNorm
 * @param ropeFreqBase      rotary base frequency
 * @param ropeDimensions    how many leading dimensions of each head are rotated (usually all)
 * @param ropeScaling       context extension of the rotary positions
 * @param vocabularySize    rows of the token embedding
 */
public record ModelConfig(Architecture architecture, int embeddingLength, int blockCount, int feedForwardLength,
                          int headCount, int headCountKv, int keyLength, int valueLength, int contextLength,
                          float rmsEpsilon, float ropeFreqBase, int ropeDimensions, RopeScaling ropeScaling,
                          int vocabularySize) {

    public ModelConfig {
        require(embeddingLength > 0, "embedding_length must be positive, got " + embeddingLength);
        require(blockCount > 0, "block_count must be positive, got " + blockCount);
        require(feedForwardLength > 0, "feed_forward_length must be positive, got " + feedForwardLength);
        require(headCount > 0, "attention.head_count must be positive, got " + headCount);
        require(headCountKv > 0 && headCount % headCountKv == 0, "attention.head_count_kv (" + headCountKv
                + ") must divide attention.head_count (" + headCount + ")");
        require(keyLength > 0 && valueLength > 0,
                "head dimensions must be positive, got key " + keyLength + ", value " + valueLength);
        require(contextLength > 0, "context_length must be positive, got " + contextLength);
        require(rmsEpsilon >= 0 && Float.isFinite(rmsEpsilon), "layer_norm_rms_epsilon is " + rmsEpsilon);
        require(ropeFreqBase > 0 && Float.isFinite(ropeFreqBase), "rope.freq_base must be positive, got "
                + ropeFreqBase);
        require(ropeDimensions >= 0 && ropeDimensions <= keyLength && ropeDimensions % 2 == 0,
                "rope.dimension_count (" + ropeDimensions + ") must be even and at most the head dimension ("
                        + keyLength + ")");
        require(ropeScaling.factor() > 0 && Float.isFinite(ropeScaling.factor()),
                "rope.scaling.factor must be positive, got " + ropeScaling.factor());
        require(vocabularySize > 0, "vocabulary size must be positive, got " + vocabularySize);
    }

    /**
     * Reads the configuration of {@code file}; the vocabulary size comes from the rows of
     * {@code token_embd.weight}.
     *
     * @throws GGUFFormatException for an unsupported architecture or missing / inconsistent hyper-parameters
     */
    public static ModelConfig read(GGUFFile file) {
        GGUFMetadata m = file.metadata();
        try {
            Architecture arch = Architecture.fromGguf(m.getString("general.architecture"));
            long vocab = file.requireTensor("token_embd.weight").rows();
            if (vocab > Integer.MAX_VALUE) {
                throw new GGUFFormatException("token_embd.weight has " + vocab + " rows, too many");
            }
            return fromMetadata(m, arch, (int) vocab);
        } catch (GGUFFormatException e) {
            throw e.getMessage().startsWith(file.path().toString()) ? e
                    : new GGUFFormatException(file.path() + ": " + e.getMessage(), e);
        }
    }

    /** Reads the configuration from metadata, with the vocabulary size given. */
    public static ModelConfig fromMetadata(GGUFMetadata m, Architecture arch, int vocabularySize) {
        String p = arch.ggufName() + ".";
        int embedding = m.getInt(p + "embedding_length");
        int heads = m.getInt(p + "attention.head_count");
        int kvHeads = m.getInt(p + "attention.head_count_kv", heads);
        if (heads <= 0) {
            throw new GGUFFormatException(p + "attention.head_count must be positive, got " + heads);
        }
        int defaultHeadDim = embedding / heads;
        if (!m.has(p + "attention.key_length") && embedding % heads != 0) {
            throw new GGUFFormatException(p + "embedding_length (" + embedding + ") is not a multiple of "
                    + p + "attention.head_count (" + heads + ") and " + p + "attention.key_length is not set");
        }
        int keyLength = m.getInt(p + "attention.key_length", defaultHeadDim);
        int valueLength = m.getInt(p + "attention.value_length", keyLength);
        return new ModelConfig(arch, embedding, m.getInt(p + "block_count"), m.getInt(p + "feed_forward_length"),
                heads, kvHeads, keyLength, valueLength, m.getInt(p + "context_length"),
                m.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f), m.getFloat(p + "rope.freq_base", 10000f),
                m.getInt(p + "rope.dimension_count", keyLength), readRopeScaling(m, p), vocabularySize);
    }

    private static RopeScaling readRopeScaling(GGUFMetadata m, String p) {
        String type = m.getString(p + "rope.scaling.type", null);
        float factor = m.getFloat(p + "rope.scaling.factor", 0f);
        int original = m.getInt(p + "rope.scaling.original_context_length", 0);
        if (type == null) {
            // Older converters wrote only a linear factor.
            float linear = m.getFloat(p + "rope.scale_linear", 1f);
            return linear == 1f ? RopeScaling.NONE : new RopeScaling(RopeScaling.Type.LINEAR, linear, 0);
        }
        return switch (type) {
            case "none" -> RopeScaling.NONE;
            case "linear" -> factor == 0f || factor == 1f ? RopeScaling.NONE
                    : new RopeScaling(RopeScaling.Type.LINEAR, factor, original);
            case "yarn" -> {
                if (factor == 0f || factor == 1f) {
                    yield RopeScaling.NONE;
                }
                if (original <= 0) {
                    throw new GGUFFormatException("rope scaling 'yarn' needs " + p
                            + "rope.scaling.original_context_length");
                }
                yield new RopeScaling(RopeScaling.Type.YARN, factor, original);
            }
            default -> throw new GGUFFormatException("unsupported rope scaling type '" + type
                    + "' (supported: none, linear, yarn)");
        };
    }

    /** Width of all query heads together. */
    public int queryDim() {
        return headCount * keyLength;
    }

    /** Width of all key heads together: one cached key row. */
    public int keyDim() {
        return headCountKv * keyLength;
    }

    /** Width of all value heads together: one cached value row. */
    public int valueDim() {
        return headCountKv * valueLength;
    }

    /** Width of the attention output (input of {@code attn_output}). */
    public int attentionOutputDim() {
        return headCount * valueLength;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new GGUFFormatException(message);
        }
    }
}
