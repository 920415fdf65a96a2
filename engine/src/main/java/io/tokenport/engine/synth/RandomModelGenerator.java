package io.tokenport.engine.synth;

import io.tokenport.engine.gguf.GGMLType;
import io.tokenport.engine.gguf.GGUFValueType;
import io.tokenport.engine.gguf.GGUFWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Writes a GGUF model of any shape and weight type with random weights, for speed measurements: speed does not
 * depend on the values of the weights, and a 1B-parameter file can be made in seconds instead of downloaded.
 *
 * <p>The file is a complete llama.cpp-style model (architecture metadata, a real SentencePiece tokenizer,
 * tensors named as llama.cpp names them), so llama.cpp and this engine both load it and produce finite logits.
 * Weights are approximately normal with standard deviation 0.02 (a sum of four uniforms: cheap and bounded),
 * norms are 1, and quantized types are encoded by {@link BlockQuantizer}.
 *
 * <p>Determinism: the same request writes the same bytes. Each tensor is cut into chunks of whole rows of fixed
 * size, and each chunk draws from its own generator seeded by the seed, the tensor's name and the chunk index,
 * so chunks can be filled on several threads without the thread count showing in the output.
 *
 * <p>Vocabulary: the tokenizer is read from a llama2.c {@code tokenizer.bin} when one is given (its size then
 * sets the vocabulary size). With none given, {@link #DEFAULT_VOCABULARY} (the Llama 2 32k vocabulary in the
 * test-data checkout) is used when it exists and has the requested size; otherwise a synthetic byte-fallback
 * vocabulary of the requested size is made ({@link SpmVocabulary#synthetic}). Production code must not rely
 * on the default path: pass a file, or accept the synthetic vocabulary.
 */
public final class RandomModelGenerator {
    /** Where the Llama 2 vocabulary lies in a development checkout (relative to the repository root). */
    public static final Path DEFAULT_VOCABULARY = Path.of("../shared", "models", "llama2_tokenizer.bin");

    /** Standard deviation of generated weights. */
    public static final float WEIGHT_STD = 0.02f;

    private static final int CHUNK_ELEMENTS = 1 << 20;
    private static final float SQRT3 = (float) Math.sqrt(3);

    /**
     * What to generate.
     *
     * @param shape      architecture and sizes
     * @param format     weight types
     * @param seed       the same seed gives the same file
     * @param vocabulary a llama2.c tokenizer file, or {@code null} for the default described in the class comment
     */
    public record Request(ModelShape shape, WeightFormat format, long seed, Path vocabulary) {
    }

    /** What was written. */
    public record Result(Path file, long parameters, long bytes, String vocabularySource) {
    }

    private RandomModelGenerator() {
    }

    /**
     * Writes the model to {@code out} (through a temporary file, moved into place when complete).
     *
     * @param progress where to report progress for big files, or {@code null} for silence
     */
    public static Result generate(Request request, Path out, PrintStream progress) throws IOException {
        ModelShape shape = request.shape();
        WeightFormat format = request.format();
        String[] vocabSource = new String[1];
        SpmVocabulary vocab = vocabulary(request, vocabSource);
        if (vocab.size() != shape.vocab()) {
            shape = shape.withVocab(vocab.size());
        }
        String arch = shape.architecture();
        GGUFWriter w = new GGUFWriter();
        Progress meter = new Progress(progress, out);

        // Metadata: general, architecture hyperparameters, tokenizer.
        w.putString("general.architecture", arch);
        w.putString("general.name", String.format(Locale.ROOT, "tokenport-random-%s-%dM-%s", arch,
                Math.round(shape.parameterCount() / 1e6), format.name()));
        w.putUInt32("general.file_type", format.fileType());
        w.putUInt32("general.quantization_version", 2);
        w.putUInt64("tokenport.synth.seed", request.seed());
        w.putUInt32(arch + ".vocab_size", shape.vocab());
        w.putUInt32(arch + ".context_length", shape.context());
        w.putUInt32(arch + ".embedding_length", shape.dim());
        w.putUInt32(arch + ".block_count", shape.layers());
        w.putUInt32(arch + ".feed_forward_length", shape.ffn());
        w.putUInt32(arch + ".attention.head_count", shape.heads());
        w.putUInt32(arch + ".attention.head_count_kv", shape.kvHeads());
        w.putFloat32(arch + ".attention.layer_norm_rms_epsilon", shape.normEps());
        w.putFloat32(arch + ".rope.freq_base", shape.ropeBase());
        w.putUInt32(arch + ".rope.dimension_count", shape.headDim());
        if (arch.equals("qwen3")) {
            w.putUInt32(arch + ".attention.key_length", shape.headDim());
            w.putUInt32(arch + ".attention.value_length", shape.headDim());
        }
        w.putString("tokenizer.ggml.model", "llama");
        w.putArray("tokenizer.ggml.tokens", GGUFValueType.STRING, vocab.tokens());
        w.putArray("tokenizer.ggml.scores", GGUFValueType.FLOAT32, vocab.scores());
        w.putArray("tokenizer.ggml.token_type", GGUFValueType.INT32, vocab.types());
        w.putUInt32("tokenizer.ggml.bos_token_id", 1);
        w.putUInt32("tokenizer.ggml.eos_token_id", 2);
        w.putUInt32("tokenizer.ggml.unknown_token_id", 0);
        w.putBool("tokenizer.ggml.add_bos_token", true);
        w.putBool("tokenizer.ggml.add_eos_token", false);

        // Tensors, in llama.cpp's order.
        long seed = request.seed();
        matrix(w, meter, format, seed, "token_embd.weight", shape.dim(), shape.vocab());
        for (int l = 0; l < shape.layers(); l++) {
            String p = "blk." + l + ".";
            ones(w, p + "attn_norm.weight", shape.dim());
            matrix(w, meter, format, seed, p + "attn_q.weight", shape.dim(), shape.qDim());
            matrix(w, meter, format, seed, p + "attn_k.weight", shape.dim(), shape.kvDim());
            matrix(w, meter, format, seed, p + "attn_v.weight", shape.dim(), shape.kvDim());
            if (arch.equals("qwen2")) {
                vector(w, meter, seed, p + "attn_q.bias", shape.qDim());
                vector(w, meter, seed, p + "attn_k.bias", shape.kvDim());
                vector(w, meter, seed, p + "attn_v.bias", shape.kvDim());
            }
            if (arch.equals("qwen3")) {
                ones(w, p + "attn_q_norm.weight", shape.headDim());
                ones(w, p + "attn_k_norm.weight", shape.headDim());
            }
            matrix(w, meter, format, seed, p + "attn_output.weight", shape.qDim(), shape.dim());
            ones(w, p + "ffn_norm.weight", shape.dim());
            matrix(w, meter, format, seed, p + "ffn_gate.weight", shape.dim(), shape.ffn());
            matrix(w, meter, format, seed, p + "ffn_up.weight", shape.dim(), shape.ffn());
            matrix(w, meter, format, seed, p + "ffn_down.weight", shape.ffn(), shape.dim());
        }
        ones(w, "output_norm.weight", shape.dim());
        if (!shape.tiedOutput()) {
            matrix(w, meter, format, seed, "output.weight", shape.dim(), shape.vocab());
        }

        meter.start(w.dataBytes());
        w.write(out);
        meter.done();
        return new Result(out, shape.parameterCount(), Files.size(out), vocabSource[0]);
    }

    private static SpmVocabulary vocabulary(Request request, String[] source) throws IOException {
        int size = request.shape().vocab();
        if (request.vocabulary() != null) {
            source[0] = request.vocabulary().toString();
            return SpmVocabulary.readLlama2c(request.vocabulary());
        }
        if (size == 32000 && Files.isRegularFile(DEFAULT_VOCABULARY)) {
            SpmVocabulary v = SpmVocabulary.readLlama2c(DEFAULT_VOCABULARY);
            if (v.size() == size) {
                source[0] = DEFAULT_VOCABULARY.toString();
                return v;
            }
        }
        source[0] = "synthetic";
        return SpmVocabulary.synthetic(size, request.seed());
    }

    // ---- tensors ----

    /** A weight matrix of {@code rows} rows of {@code cols} elements (GGUF dims {@code [cols, rows]}). */
    private static void matrix(GGUFWriter w, Progress meter, WeightFormat format, long seed, String name, int cols,
                               int rows) {
        GGMLType type = format.typeFor(name, cols);
        long tensorSeed = mix(seed, name.hashCode());
        w.tensor(name, type, new long[] {cols, rows}, out -> fill(out, meter, type, tensorSeed, rows, cols,
                WEIGHT_STD));
    }

    private static void vector(GGUFWriter w, Progress meter, long seed, String name, int n) {
        long tensorSeed = mix(seed, name.hashCode());
        w.tensor(name, GGMLType.F32, new long[] {n}, out -> fill(out, meter, GGMLType.F32, tensorSeed, 1, n,
                WEIGHT_STD));
    }

    private static void ones(GGUFWriter w, String name, int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        w.tensorF32(name, new long[] {n}, v);
    }

    /** Fills a tensor chunk by chunk, a window of chunks at a time in parallel, writing them in order. */
    private static void fill(GGUFWriter.TensorOutput out, Progress meter, GGMLType type, long tensorSeed, int rows,
                             int cols, float std) throws IOException {
        int rowsPerChunk = Math.max(1, CHUNK_ELEMENTS / cols);
        int chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
        int window = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
        for (int first = 0; first < chunks; first += window) {
            int last = Math.min(chunks, first + window);
            byte[][] encoded = IntStream.range(first, last).parallel().mapToObj(c -> {
                int r0 = c * rowsPerChunk;
                int n = Math.min(rowsPerChunk, rows - r0) * cols;
                float[] values = new float[n];
                randomNormal(mix(tensorSeed, c), std, values);
                byte[] bytes = new byte[Math.toIntExact(type.bytesFor(n))];
                BlockQuantizer.encode(type, values, 0, n, bytes, 0);
                return bytes;
            }).toArray(byte[][]::new);
            for (byte[] b : encoded) {
                out.write(b, 0, b.length);
                meter.advance(b.length);
            }
        }
    }

    /**
     * Approximately normal values: the sum of four 16-bit uniforms from one 64-bit draw (xorshift64*), centred
     * and scaled to the standard deviation. Bounded at about 3.5 sigma, which suits weights well.
     */
    static void randomNormal(long seed, float std, float[] out) {
        long s = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        float scale = std * SQRT3 / 65536f;
        for (int i = 0; i < out.length; i++) {
            s ^= s >>> 12;
            s ^= s << 25;
            s ^= s >>> 27;
            long r = s * 0x2545F4914F6CDD1DL;
            int sum = (int) (r & 0xFFFF) + (int) ((r >>> 16) & 0xFFFF) + (int) ((r >>> 32) & 0xFFFF)
                    + (int) (r >>> 48);
            out[i] = (sum - 2 * 65536 + 2) * scale;
        }
    }

    /** SplitMix64 finaliser of the pair: decorrelates seeds that differ in a few bits. */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Reports progress in steps of 10% for files of 64 MiB and more. */
    private static final class Progress {
        private final PrintStream requested;
        private final Path file;
        private PrintStream sink;
        private long total = 1;
        private long started;
        private long done;
        private int lastStep;

        Progress(PrintStream requested, Path file) {
            this.requested = requested;
            this.file = file;
        }

        void start(long totalBytes) {
            sink = totalBytes >= (64L << 20) ? requested : null;
            total = Math.max(1, totalBytes);
            started = System.nanoTime();
        }

        void advance(long bytes) {
            done += bytes;
            int step = (int) (done * 10 / total);
            if (sink != null && step > lastStep) {
                lastStep = step;
                sink.printf(Locale.ROOT, "synth %s: %d%% (%d of %d MiB)%n", file.getFileName(), step * 10,
                        done >> 20, total >> 20);
            }
        }

        void done() {
            if (sink != null) {
                sink.printf(Locale.ROOT, "synth %s: written in %.1f s%n", file.getFileName(),
                        (System.nanoTime() - started) / 1e9);
            }
        }
    }

}
