package io.tokenport.engine.model;

import io.tokenport.engine.gguf.GGUFFile;
import io.tokenport.engine.gguf.GGUFFormatException;
import io.tokenport.engine.gguf.TensorInfo;
import io.tokenport.engine.tensor.FloatTensor;

import java.util.Arrays;

/**
 * The weights of a model, checked against its {@link ModelConfig}.
 *
 * <p>Matrices stay in the memory-mapped file as {@link FloatTensor}s in whatever type they were stored;
 * the small vectors (norm weights, biases, rotary frequency factors) are copied to float arrays, because the
 * hot loops read them for every token. Every tensor's shape is checked here, once, so that a wrong file is a
 * clear error at load time instead of an index error in the middle of a forward pass.
 */
final class Weights {
    final FloatTensor tokenEmbedding;
    final float[] outputNorm;
    /** The output projection; the token embedding itself when the model ties them. */
    final FloatTensor output;
    /** Llama 3.1 style rotary frequency divisors ({@code rope_freqs.weight}), or {@code null}. */
    final float[] ropeFrequencyFactors;
    final Layer[] layers;

    /** One transformer block. Biases and q/k norms are {@code null} where the architecture has none. */
    record Layer(float[] attentionNorm, FloatTensor wq, FloatTensor wk, FloatTensor wv, FloatTensor wo,
                 float[] qBias, float[] kBias, float[] vBias, float[] qNorm, float[] kNorm,
                 float[] ffnNorm, FloatTensor wGate, FloatTensor wUp, FloatTensor wDown) {
    }

    private Weights(FloatTensor tokenEmbedding, float[] outputNorm, FloatTensor output, float[] ropeFrequencyFactors,
                    Layer[] layers) {
        this.tokenEmbedding = tokenEmbedding;
        this.outputNorm = outputNorm;
        this.output = output;
        this.ropeFrequencyFactors = ropeFrequencyFactors;
        this.layers = layers;
    }

    static Weights load(GGUFFile file, ModelConfig c) {
        Loader l = new Loader(file);
        int dim = c.embeddingLength();
        FloatTensor embedding = l.matrix("token_embd.weight", dim, c.vocabularySize(),
                "[embedding_length, vocabulary]");
        float[] outputNorm = l.vector("output_norm.weight", dim, "[embedding_length]");
        FloatTensor output = file.tensor("output.weight") == null ? embedding
                : l.matrix("output.weight", dim, c.vocabularySize(), "[embedding_length, vocabulary]");
        float[] freqFactors = file.tensor("rope_freqs.weight") == null ? null
                : l.vector("rope_freqs.weight", c.ropeDimensions() / 2, "[rope.dimension_count / 2]");

        Layer[] layers = new Layer[c.blockCount()];
        for (int i = 0; i < layers.length; i++) {
            String b = "blk." + i + ".";
            boolean qkNorm = c.architecture().hasQkNorm();
            layers[i] = new Layer(
                    l.vector(b + "attn_norm.weight", dim, "[embedding_length]"),
                    l.matrix(b + "attn_q.weight", dim, c.queryDim(), "[embedding_length, head_count * key_length]"),
                    l.matrix(b + "attn_k.weight", dim, c.keyDim(), "[embedding_length, head_count_kv * key_length]"),
                    l.matrix(b + "attn_v.weight", dim, c.valueDim(),
                            "[embedding_length, head_count_kv * value_length]"),
                    l.matrix(b + "attn_output.weight", c.attentionOutputDim(), dim,
                            "[head_count * value_length, embedding_length]"),
                    l.optionalVector(b + "attn_q.bias", c.queryDim(), "[head_count * key_length]"),
                    l.optionalVector(b + "attn_k.bias", c.keyDim(), "[head_count_kv * key_length]"),
                    l.optionalVector(b + "attn_v.bias", c.valueDim(), "[head_count_kv * value_length]"),
                    qkNorm ? l.vector(b + "attn_q_norm.weight", c.keyLength(), "[key_length]") : null,
                    qkNorm ? l.vector(b + "attn_k_norm.weight", c.keyLength(), "[key_length]") : null,
                    l.vector(b + "ffn_norm.weight", dim, "[embedding_length]"),
                    l.matrix(b + "ffn_gate.weight", dim, c.feedForwardLength(),
                            "[embedding_length, feed_forward_length]"),
                    l.matrix(b + "ffn_up.weight", dim, c.feedForwardLength(),
                            "[embedding_length, feed_forward_length]"),
                    l.matrix(b + "ffn_down.weight", c.feedForwardLength(), dim,
                            "[feed_forward_length, embedding_length]"));
        }
        return new Weights(embedding, outputNorm, output, freqFactors, layers);
    }

    /** Looks tensors up and checks their shapes (GGUF order: row length first). */
    private record Loader(GGUFFile file) {

        FloatTensor matrix(String name, long rowLength, long rows, String meaning) {
            TensorInfo info = file.requireTensor(name);
            checkShape(info, new long[]{rowLength, rows}, meaning);
            return FloatTensor.of(info, file.tensorData(info));
        }

        float[] vector(String name, long length, String meaning) {
            TensorInfo info = file.requireTensor(name);
            checkShape(info, new long[]{length}, meaning);
            return FloatTensor.of(info, file.tensorData(info)).toFloatArray();
        }

        float[] optionalVector(String name, long length, String meaning) {
            return file.tensor(name) == null ? null : vector(name, length, meaning);
        }

        private void checkShape(TensorInfo info, long[] expected, String meaning) {
            long[] dims = info.dims();
            // Trailing dimensions of 1 carry no information; some writers add them to vectors.
            int n = dims.length;
            while (n > expected.length && dims[n - 1] == 1) {
                n--;
            }
            if (!Arrays.equals(Arrays.copyOf(dims, n), expected)) {
                throw new GGUFFormatException(file.path() + ": tensor '" + info.name() + "' has shape "
                        + info.shape() + ", expected " + Arrays.toString(expected) + " = " + meaning
                        + " from the model's metadata");
            }
        }
    }
}
