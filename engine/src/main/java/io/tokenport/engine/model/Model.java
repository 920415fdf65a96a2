package io.tokenport.engine.model;

import io.tokenport.engine.gguf.GGUFFile;
import io.tokenport.engine.gguf.GGUFFormatException;
import io.tokenport.engine.tensor.ComputePool;

import java.util.List;
import java.util.function.IntConsumer;

/**
 * A loaded transformer and its forward pass, for many sequences at once.
 *
 * <p><b>One pass, many sequences.</b> {@link #forward(Batch)} runs the tokens of a {@link Batch} through the model
 * together: the rows of all tokens are stacked, so every linear layer is one {@link ComputePool#matmul} over the
 * whole batch and each weight is read from memory once per step however many sequences share it. Only attention
 * is per token, against that token's own sequence's KV cache up to its own position (causal), spread over the
 * pool as one task per (token, KV head) with the query heads that share it. Prefill is the same pass over chunks
 * of one prompt ({@link #prefill}); decoding is the same pass with one token per sequence ({@link #decode}); a
 * server may mix both in one batch.
 *
 * <p><b>Memory.</b> Weights stay in the mapped GGUF file, which must stay open while the model is used. The
 * activation buffers are sized for the largest batch seen so far and reused, so a steady stream of steps allocates
 * nothing; the KV cache of each {@link Sequence} grows by pages as it fills.
 *
 * <p><b>Threads.</b> A model is driven by one thread at a time (it owns its scratch buffers, and its sequences are
 * unsynchronised); the parallelism is inside each pass, on the {@link ComputePool}. A server runs one stepping loop
 * per model and queues work to it.
 */
public final class Model {
    /** Below this many multiply-adds, attention or SwiGLU runs on the calling thread: a hand-off costs more. */
    private static final long INLINE_WORK = 32_768;
    /** Prompt tokens per forward pass during {@link #prefill}, unless chosen at load time. */
    public static final int DEFAULT_PREFILL_CHUNK = 64;

    private final ModelConfig config;
    private final Weights weights;
    private final ComputePool pool;
    private final Rope rope;
    private final int prefillChunk;
    private final float attentionScale;

    // Activations, one row per batch token, grown by ensureScratch().
    private int rowCapacity;
    private float[] x;
    private float[] xb;
    private float[] q;
    private float[] k;
    private float[] v;
    private float[] att;
    private float[] proj;
    private float[] gate;
    private float[] up;
    private float[] cos;
    private float[] sin;
    private float[] outputIn;
    private float[] logits;

    private final Batch prefillBatch;
    private Batch decodeBatch = new Batch(1);
    private final float[] lastLogits;

    // State of the current pass for the parallel tasks, which are created once (no lambda per step).
    private Batch currentBatch;
    private int currentLayer;
    private long attentionWork;
    private int ffnChunks;
    private final IntConsumer attentionTask = this::attentionTask;
    private final IntConsumer swigluTask = this::swigluTask;
    private final ThreadLocal<float[]> scoreScratch = ThreadLocal.withInitial(() -> new float[0]);

    private Model(ModelConfig config, Weights weights, ComputePool pool, int prefillChunk) {
        this.config = config;
        this.weights = weights;
        this.pool = pool;
        this.rope = new Rope(config, weights.ropeFrequencyFactors);
        this.prefillChunk = prefillChunk;
        this.attentionScale = (float) (1.0 / Math.sqrt(config.keyLength()));
        this.prefillBatch = new Batch(prefillChunk);
        this.lastLogits = new float[config.vocabularySize()];
    }

    /** Loads the model in {@code file} with the default prefill chunk. */
    public static Model load(GGUFFile file, ComputePool pool) {
        return load(file, pool, DEFAULT_PREFILL_CHUNK);
    }

    /**
     * Loads the model in {@code file}: reads its configuration, checks every tensor's presence and shape.
     *
     * @param prefillChunk prompt tokens per forward pass in {@link #prefill}: larger chunks read the weights fewer
     *                     times, smaller ones need less activation memory
     * @throws GGUFFormatException naming the key or tensor when the file does not describe a usable model
     */
    public static Model load(GGUFFile file, ComputePool pool, int prefillChunk) {
        if (prefillChunk < 1) {
            throw new IllegalArgumentException("prefill chunk must be at least 1 token, got " + prefillChunk);
        }
        ModelConfig config = ModelConfig.read(file);
        return new Model(config, Weights.load(file, config), pool, prefillChunk);
    }

    public ModelConfig config() {
        return config;
    }

    /**
     * A new, empty sequence whose KV cache holds up to {@code contextLength} tokens (memory is taken as it
     * fills).
     */
    public Sequence newSequence(int contextLength) {
        if (contextLength < 1 || contextLength > config.contextLength()) {
            throw new IllegalArgumentException("context length must be between 1 and the model's "
                    + config.contextLength() + " tokens, got " + contextLength);
        }
        return new Sequence(this, new KVCache(config.blockCount(), contextLength, config.headCountKv(),
                config.keyLength(), config.valueDim()));
    }

    /**
     * Feeds a prompt (or any run of tokens) to {@code seq}, in passes of up to the prefill chunk, and returns the
     * logits that follow its last token.
     *
     * @return a buffer of {@code vocabularySize} logits owned by the model, overwritten by the next call
     * @throws ContextOverflowException if the tokens do not fit in the sequence; nothing is processed then
     */
    public float[] prefill(Sequence seq, int[] tokens) {
        checkOwned(seq);
        if (tokens.length == 0) {
            throw new IllegalArgumentException("prefill needs at least one token");
        }
        if ((long) seq.position + tokens.length > seq.cache.capacity) {
            throw ContextOverflowException.appending(seq.position, tokens.length, seq.cache.capacity);
        }
        for (int start = 0; start < tokens.length; start += prefillChunk) {
            int end = Math.min(tokens.length, start + prefillChunk);
            prefillBatch.clear();
            for (int i = start; i < end; i++) {
                prefillBatch.add(seq, tokens[i], i == tokens.length - 1 ? lastLogits : null);
            }
            forward(prefillBatch);
        }
        prefillBatch.clear();
        return lastLogits;
    }

    /**
     * Advances each sequence by one token in a single forward pass: {@code tokens[i]} is appended to
     * {@code seqs.get(i)} and the logits that follow it are written to {@code logitsOut[i]}.
     *
     * @throws ContextOverflowException if a sequence is full; no sequence advances then
     */
    public void decode(List<Sequence> seqs, int[] tokens, float[][] logitsOut) {
        int n = seqs.size();
        if (tokens.length != n || logitsOut.length != n) {
            throw new IllegalArgumentException("decode needs one token and one logits array per sequence: "
                    + n + " sequences, " + tokens.length + " tokens, " + logitsOut.length + " logits arrays");
        }
        if (decodeBatch.capacity() < n) {
            decodeBatch = new Batch(Math.max(n, 2 * decodeBatch.capacity()));
        }
        decodeBatch.clear();
        for (int i = 0; i < n; i++) {
            decodeBatch.add(seqs.get(i), tokens[i], logitsOut[i]);
        }
        try {
            forward(decodeBatch);
        } finally {
            decodeBatch.clear();
        }
    }

    /**
     * Runs one forward pass over all tokens of {@code batch}, appending them to their sequences' caches and
     * writing the requested logits. The batch is left as it was (clear it to reuse it).
     *
     * @throws ContextOverflowException if a sequence cannot hold its new tokens; nothing is processed then
     * @throws IllegalArgumentException for a token outside the vocabulary, a logits array that is too short, or
     *                                  a sequence of another model
     */
    public void forward(Batch batch) {
        int n = batch.size;
        if (n == 0) {
            return;
        }
        int vocab = config.vocabularySize();
        for (int b = 0; b < n; b++) {
            checkOwned(batch.sequences[b]);
            int token = batch.tokens[b];
            if (token < 0 || token >= vocab) {
                throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of "
                        + vocab + " tokens");
            }
            float[] out = batch.logitsOut[b];
            if (out != null && out.length < vocab) {
                throw new IllegalArgumentException("logits array of " + out.length + " floats is shorter than the "
                        + "vocabulary of " + vocab + " tokens");
            }
        }
        try {
            // Place each token after its sequence's cached ones and after its earlier tokens in this batch.
            long keys = 0;
            int withLogits = 0;
            for (int b = 0; b < n; b++) {
                Sequence s = batch.sequences[b];
                batch.positions[b] = s.position + s.pendingInStep++;
                keys += batch.positions[b] + 1;
                withLogits += batch.logitsOut[b] != null ? 1 : 0;
            }
            attentionWork = keys * config.headCount() * (config.keyLength() + config.valueLength());
            for (int b = 0; b < n; b++) {
                Sequence s = batch.sequences[b];
                if (s.position + s.pendingInStep > s.cache.capacity) {
                    throw ContextOverflowException.appending(s.position, s.pendingInStep, s.cache.capacity);
                }
            }
            ensureScratch(n, withLogits);
            currentBatch = batch;
            run(batch, n, withLogits);
            for (int b = 0; b < n; b++) {
                Sequence s = batch.sequences[b];
                s.position += s.pendingInStep;
                s.pendingInStep = 0;
            }
        } finally {
            for (int b = 0; b < n; b++) {
                batch.sequences[b].pendingInStep = 0;
            }
            currentBatch = null;
        }
    }

    private void run(Batch batch, int n, int withLogits) {
        ModelConfig c = config;
        int dim = c.embeddingLength();
        int qDim = c.queryDim();
        int kDim = c.keyDim();
        int vDim = c.valueDim();
        int headDim = c.keyLength();
        int pairs = rope.pairs();
        float eps = c.rmsEpsilon();

        for (int b = 0; b < n; b++) {
            weights.tokenEmbedding.dequantizeRow(batch.tokens[b], x, b * dim);
            rope.angles(batch.positions[b], cos, sin, b * pairs);
        }

        for (int l = 0; l < weights.layers.length; l++) {
            Weights.Layer layer = weights.layers[l];

            // Attention: projections for all tokens at once.
            for (int b = 0; b < n; b++) {
                VectorMath.rmsNorm(x, b * dim, layer.attentionNorm(), eps, xb, b * dim, dim);
            }
            pool.matmul(layer.wq(), xb, n, q);
            pool.matmul(layer.wk(), xb, n, k);
            pool.matmul(layer.wv(), xb, n, v);

            // Per token: biases, per-head q/k norms, rotary, then into its sequence's cache.
            for (int b = 0; b < n; b++) {
                if (layer.qBias() != null) {
                    VectorMath.add(layer.qBias(), 0, q, b * qDim, qDim);
                }
                if (layer.kBias() != null) {
                    VectorMath.add(layer.kBias(), 0, k, b * kDim, kDim);
                }
                if (layer.vBias() != null) {
                    VectorMath.add(layer.vBias(), 0, v, b * vDim, vDim);
                }
                if (layer.qNorm() != null) {
                    for (int h = 0; h < c.headCount(); h++) {
                        int o = b * qDim + h * headDim;
                        VectorMath.rmsNorm(q, o, layer.qNorm(), eps, q, o, headDim);
                    }
                    for (int h = 0; h < c.headCountKv(); h++) {
                        int o = b * kDim + h * headDim;
                        VectorMath.rmsNorm(k, o, layer.kNorm(), eps, k, o, headDim);
                    }
                }
                rope.rotate(q, b * qDim, c.headCount(), headDim, cos, sin, b * pairs);
                rope.rotate(k, b * kDim, c.headCountKv(), headDim, cos, sin, b * pairs);
                batch.sequences[b].cache.write(l, batch.positions[b], k, b * kDim, v, b * vDim);
            }

            currentLayer = l;
            int attentionTasks = n * c.headCountKv();
            if (attentionWork < INLINE_WORK) {
                for (int t = 0; t < attentionTasks; t++) {
                    attentionTask(t);
                }
            } else {
                pool.parallelFor(attentionTasks, attentionTask);
            }

            pool.matmul(layer.wo(), att, n, proj);
            VectorMath.add(proj, 0, x, 0, n * dim);

            // Feed-forward: SwiGLU.
            for (int b = 0; b < n; b++) {
                VectorMath.rmsNorm(x, b * dim, layer.ffnNorm(), eps, xb, b * dim, dim);
            }
            pool.matmul(layer.wGate(), xb, n, gate);
            pool.matmul(layer.wUp(), xb, n, up);
            long ffnValues = (long) n * c.feedForwardLength();
            ffnChunks = (int) Math.min(4L * pool.threads(), Math.max(1, ffnValues / INLINE_WORK));
            pool.parallelFor(ffnChunks, swigluTask);
            pool.matmul(layer.wDown(), gate, n, proj);
            VectorMath.add(proj, 0, x, 0, n * dim);
        }

        if (withLogits == 0) {
            return;
        }
        // Output: final norm and projection only for the tokens that asked for logits.
        int m = 0;
        for (int b = 0; b < n; b++) {
            if (batch.logitsOut[b] != null) {
                VectorMath.rmsNorm(x, b * dim, weights.outputNorm, eps, outputIn, m * dim, dim);
                m++;
            }
        }
        // One row per token that asked.
        pool.matmul(weights.output, outputIn, m, logits);
        int vocab = c.vocabularySize();
        m = 0;
        for (int b = 0; b < n; b++) {
            if (batch.logitsOut[b] != null) {
                System.arraycopy(logits, m * vocab, batch.logitsOut[b], 0, vocab);
                m++;
            }
        }
    }

    /**
     * Attention of batch token {@code task % n} for the query heads sharing KV head {@code task / n},
     * which read the same cache pages one after the other while they are hot. Scores go to a per-thread buffer that
     * only grows.
     */
    private void attentionTask(int task) {
        Batch batch = currentBatch;
        ModelConfig c = config;
        int kvHeads = c.headCountKv();
        int headDim = c.keyLength();
        int valueLength = c.valueLength();
        int group = c.headCount() / kvHeads;
        // Head-major order: consecutive tasks of a prefill chunk read the same head's cache while it is hot.
        int n = batch.size;
        int kvh = task / n;
        int b = task - kvh * n;
        KVCache cache = batch.sequences[b].cache;
        float[][] keyPages = cache.keys[currentLayer];
        float[][] valuePages = cache.values[currentLayer];
        int valueDim = cache.valueDim;
        int kOffset = kvh * headDim * KVCache.PAGE;
        int vOffset = kvh * valueLength;
        int qOffset = b * c.queryDim() + kvh * group * headDim;
        int outOffset = b * c.attentionOutputDim() + kvh * group * valueLength;
        int length = batch.positions[b] + 1;
        int pages = (length + KVCache.PAGE - 1) >>> KVCache.PAGE_SHIFT;

        float[] s = scoreScratch.get();
        if (s.length < group * length) {
            s = new float[Math.max(group * length, 2 * s.length)];
            scoreScratch.set(s);
        }
        for (int g = 0; g < group; g++) {
            int so = g * length;
            // Scores q·k / sqrt(d) for every cached position up to this token's own (causal), page by page.
            for (int p = 0; p < pages; p++) {
                int first = p << KVCache.PAGE_SHIFT;
                VectorMath.scores(q, qOffset + g * headDim, headDim, keyPages[p], kOffset, KVCache.PAGE,
                        Math.min(KVCache.PAGE, length - first), attentionScale, s, so + first);
            }
            // Softmax, its normalisation folded into the weights of the value sum.
            float inv = 1f / VectorMath.expAndSum(s, so, length, VectorMath.max(s, so, length));
            for (int t = 0; t < length; t++) {
                s[so + t] *= inv;
            }
            int out = outOffset + g * valueLength;
            java.util.Arrays.fill(att, out, out + valueLength, 0f);
            for (int p = 0; p < pages; p++) {
                int first = p << KVCache.PAGE_SHIFT;
                VectorMath.addWeightedRows(s, so + first, Math.min(KVCache.PAGE, length - first), valuePages[p],
                        vOffset, valueDim, att, out, valueLength);
            }
        }
    }

    /** SwiGLU over slice {@code chunk} of the {@code n * ffn} gate values. */
    private void swigluTask(int chunk) {
        int total = currentBatch.size * config.feedForwardLength();
        int from = (int) ((long) total * chunk / ffnChunks);
        int to = (int) ((long) total * (chunk + 1) / ffnChunks);
        VectorMath.swiglu(gate, up, from, to);
    }

    /** Grows the activation buffers to {@code rows} tokens and {@code logitRows} rows of logits. */
    private void ensureScratch(int rows, int logitRows) {
        ModelConfig c = config;
        if (rows > rowCapacity) {
            int r = rows;
            x = new float[r * c.embeddingLength()];
            xb = new float[r * c.embeddingLength()];
            proj = new float[r * c.embeddingLength()];
            q = new float[r * c.queryDim()];
            k = new float[r * c.keyDim()];
            v = new float[r * c.valueDim()];
            att = new float[r * c.attentionOutputDim()];
            gate = new float[r * c.feedForwardLength()];
            up = new float[r * c.feedForwardLength()];
            cos = new float[r * rope.pairs()];
            sin = new float[r * rope.pairs()];
            rowCapacity = r;
        }
        if (outputIn == null || outputIn.length < logitRows * c.embeddingLength()) {
            outputIn = new float[logitRows * c.embeddingLength()];
            logits = new float[Math.multiplyExact(logitRows, c.vocabularySize())];
        }
    }

    private void checkOwned(Sequence seq) {
        if (seq.model != this) {
            throw new IllegalArgumentException(seq + " belongs to another model");
        }
    }
}
