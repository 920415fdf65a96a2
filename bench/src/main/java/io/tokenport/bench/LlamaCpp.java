package io.tokenport.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * llama.cpp's C API, called through FFM in the {@code libjllama.so} that {@code de.kherud:llama:4.2.0} bundles
 * (llama.cpp build b4916, March 2025).
 *
 * <p>The JNI half of that library is never used: the library is extracted from the jar, opened with
 * {@link SymbolLookup#libraryLookup}, and only plain {@code llama_*} functions are bound. Struct layouts are those
 * of {@code llama.h} at that build (checked against the defaults the library returns, see
 * {@link #checkDefaults}), so a different build fails loudly instead of misreading fields.
 */
final class LlamaCpp implements AutoCloseable {
    static final String RESOURCE = "de/kherud/llama/Linux/x86_64/libjllama.so";

    /** {@code struct llama_model_params} (b4916: no tensor buffer overrides yet). */
    static final StructLayout MODEL_PARAMS = MemoryLayout.structLayout(
            ADDRESS.withName("devices"),
            JAVA_INT.withName("n_gpu_layers"),
            JAVA_INT.withName("split_mode"),
            JAVA_INT.withName("main_gpu"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("tensor_split"),
            ADDRESS.withName("progress_callback"),
            ADDRESS.withName("progress_callback_user_data"),
            ADDRESS.withName("kv_overrides"),
            JAVA_BYTE.withName("vocab_only"),
            JAVA_BYTE.withName("use_mmap"),
            JAVA_BYTE.withName("use_mlock"),
            JAVA_BYTE.withName("check_tensors"),
            MemoryLayout.paddingLayout(4));

    /** {@code struct llama_context_params} at b4916. */
    static final StructLayout CONTEXT_PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("n_ctx"),
            JAVA_INT.withName("n_batch"),
            JAVA_INT.withName("n_ubatch"),
            JAVA_INT.withName("n_seq_max"),
            JAVA_INT.withName("n_threads"),
            JAVA_INT.withName("n_threads_batch"),
            JAVA_INT.withName("rope_scaling_type"),
            JAVA_INT.withName("pooling_type"),
            JAVA_INT.withName("attention_type"),
            JAVA_FLOAT.withName("rope_freq_base"),
            JAVA_FLOAT.withName("rope_freq_scale"),
            JAVA_FLOAT.withName("yarn_ext_factor"),
            JAVA_FLOAT.withName("yarn_attn_factor"),
            JAVA_FLOAT.withName("yarn_beta_fast"),
            JAVA_FLOAT.withName("yarn_beta_slow"),
            JAVA_INT.withName("yarn_orig_ctx"),
            JAVA_FLOAT.withName("defrag_thold"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("cb_eval"),
            ADDRESS.withName("cb_eval_user_data"),
            JAVA_INT.withName("type_k"),
            JAVA_INT.withName("type_v"),
            JAVA_BYTE.withName("logits_all"),
            JAVA_BYTE.withName("embeddings"),
            JAVA_BYTE.withName("offload_kqv"),
            JAVA_BYTE.withName("flash_attn"),
            JAVA_BYTE.withName("no_perf"),
            MemoryLayout.paddingLayout(3),
            ADDRESS.withName("abort_callback"),
            ADDRESS.withName("abort_callback_data"));

    /** {@code struct llama_batch}. */
    static final StructLayout BATCH = MemoryLayout.structLayout(
            JAVA_INT.withName("n_tokens"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("token"),
            ADDRESS.withName("embd"),
            ADDRESS.withName("pos"),
            ADDRESS.withName("n_seq_id"),
            ADDRESS.withName("seq_id"),
            ADDRESS.withName("logits"));

    private static final Linker LINKER = Linker.nativeLinker();
    /** What llama.cpp logs before the name and new layout of each weight it repacks at load. */
    private static final String REPACK = "repack tensor ";

    private final Arena arena = Arena.ofShared();
    private final Path libraryFile;
    private final MethodHandle backendInit;
    private final MethodHandle backendFree;
    private final MethodHandle logSet;
    private final MethodHandle modelDefaultParams;
    private final MethodHandle contextDefaultParams;
    private final MethodHandle modelLoad;
    private final MethodHandle modelFree;
    private final MethodHandle initFromModel;
    private final MethodHandle free;
    private final MethodHandle modelGetVocab;
    private final MethodHandle vocabNTokens;
    private final MethodHandle batchGetOne;
    private final MethodHandle decode;
    private final MethodHandle getLogits;
    private final MethodHandle getLogitsIth;
    private final MethodHandle batchInit;
    private final MethodHandle batchFree;
    private final MethodHandle kvClear;
    private final MethodHandle printSystemInfo;
    private final StringBuilder log = new StringBuilder();
    private final boolean echoLog;
    /** Layouts llama.cpp converted weights into while loading (its log's "repack tensor ... with FORMAT"). */
    private final Set<String> repacks = new TreeSet<>();

    /**
     * Extracts and opens the library, and routes llama.cpp's log into a buffer (echoed to stderr when
     * {@code verbose}).
     */
    LlamaCpp(boolean verbose) throws IOException {
        this.echoLog = verbose;
        libraryFile = extract();
        SymbolLookup lib = SymbolLookup.libraryLookup(libraryFile, arena);
        backendInit = bind(lib, "llama_backend_init", FunctionDescriptor.ofVoid());
        backendFree = bind(lib, "llama_backend_free", FunctionDescriptor.ofVoid());
        logSet = bind(lib, "llama_log_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        modelDefaultParams = bind(lib, "llama_model_default_params", FunctionDescriptor.of(MODEL_PARAMS));
        contextDefaultParams = bind(lib, "llama_context_default_params", FunctionDescriptor.of(CONTEXT_PARAMS));
        modelLoad = bind(lib, "llama_model_load_from_file", FunctionDescriptor.of(ADDRESS, ADDRESS, MODEL_PARAMS));
        modelFree = bind(lib, "llama_model_free", FunctionDescriptor.ofVoid(ADDRESS));
        initFromModel = bind(lib, "llama_init_from_model", FunctionDescriptor.of(ADDRESS, ADDRESS, CONTEXT_PARAMS));
        free = bind(lib, "llama_free", FunctionDescriptor.ofVoid(ADDRESS));
        modelGetVocab = bind(lib, "llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS));
        vocabNTokens = bind(lib, "llama_vocab_n_tokens", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        batchGetOne = bind(lib, "llama_batch_get_one", FunctionDescriptor.of(BATCH, ADDRESS, JAVA_INT));
        decode = bind(lib, "llama_decode", FunctionDescriptor.of(JAVA_INT, ADDRESS, BATCH));
        getLogits = bind(lib, "llama_get_logits", FunctionDescriptor.of(ADDRESS, ADDRESS));
        getLogitsIth = bind(lib, "llama_get_logits_ith", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        batchInit = bind(lib, "llama_batch_init", FunctionDescriptor.of(BATCH, JAVA_INT, JAVA_INT, JAVA_INT));
        batchFree = bind(lib, "llama_batch_free", FunctionDescriptor.ofVoid(BATCH));
        kvClear = bind(lib, "llama_kv_self_clear", FunctionDescriptor.ofVoid(ADDRESS));
        printSystemInfo = bind(lib, "llama_print_system_info", FunctionDescriptor.of(ADDRESS));
        try {
            MethodHandle sink = MethodHandles.lookup().bind(this, "onLog",
                    MethodType.methodType(void.class, int.class, MemorySegment.class, MemorySegment.class));
            MemorySegment stub = LINKER.upcallStub(sink, FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, ADDRESS), arena);
            logSet.invokeExact(stub, MemorySegment.NULL);
            backendInit.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
        checkDefaults();
    }

    /** A loaded model with one context; {@link #close()} frees both. */
    final class Session implements AutoCloseable {
        private final MemorySegment model;
        private final MemorySegment ctx;
        private final int vocab;
        private final MemorySegment tokenBuf;
        private final int capacity;
        // llama_batch_get_one returns its struct by value into this one reused segment: nothing allocated per token.
        private final SegmentAllocator batchStruct;
        // For decodes that name each token's sequence and position: one llama_batch_init'd batch, made on first use.
        private MemorySegment batch;
        private MemorySegment batchToken;
        private MemorySegment batchPos;
        private MemorySegment batchSeq;
        private MemorySegment batchLogits;

        private Session(MemorySegment model, MemorySegment ctx, int vocab, int capacity) {
            this.model = model;
            this.ctx = ctx;
            this.vocab = vocab;
            this.capacity = capacity;
            this.tokenBuf = arena.allocate(JAVA_INT, capacity);
            this.batchStruct = SegmentAllocator.prefixAllocator(arena.allocate(BATCH));
        }

        /**
         * One {@code llama_decode} of {@code n} tokens, token i at position {@code pos[i]} of sequence
         * {@code seq[i]}; logits are kept for every token when {@code allLogits}, else for the last one only (then
         * read with {@code argmax(n - 1)}).
         */
        void decode(int[] tokens, int[] pos, int[] seq, int n, boolean allLogits) {
            if (n > capacity) {
                throw new IllegalArgumentException(n + " tokens exceed the batch of " + capacity);
            }
            try {
                if (batch == null) {
                    batch = (MemorySegment) batchInit.invokeExact((SegmentAllocator) arena, capacity, 0, 1);
                    batchToken = pointer("token", 4L * capacity);
                    batchPos = pointer("pos", 4L * capacity);
                    batchSeq = pointer("seq_id", 8L * capacity);
                    batchLogits = pointer("logits", capacity);
                    MemorySegment nSeq = pointer("n_seq_id", 4L * capacity);
                    for (int i = 0; i < capacity; i++) {
                        nSeq.setAtIndex(JAVA_INT, i, 1);
                    }
                }
            } catch (Throwable t) {
                throw rethrow(t);
            }
            batch.set(JAVA_INT, BATCH.byteOffset(MemoryLayout.PathElement.groupElement("n_tokens")), n);
            for (int i = 0; i < n; i++) {
                batchToken.setAtIndex(JAVA_INT, i, tokens[i]);
                batchPos.setAtIndex(JAVA_INT, i, pos[i]);
                batchSeq.getAtIndex(ADDRESS, i).reinterpret(4).set(JAVA_INT, 0, seq[i]);
                batchLogits.set(JAVA_BYTE, i, (byte) (allLogits || i == n - 1 ? 1 : 0));
            }
            decode(batch);
        }

        /** One {@code llama_decode} of a prepared batch. */
        private void decode(MemorySegment prepared) {
            int rc;
            try {
                rc = (int) LlamaCpp.this.decode.invokeExact(ctx, prepared);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (rc != 0) {
                throw new IllegalStateException("llama_decode returned " + rc + lastLog());
            }
        }

        private MemorySegment pointer(String field, long bytes) {
            return batch.get(ADDRESS, BATCH.byteOffset(MemoryLayout.PathElement.groupElement(field)))
                    .reinterpret(bytes);
        }

        /** The token with the highest logit for the batch's token {@code i} after the last decode. */
        int argmax(int i) {
            try {
                return argmax(((MemorySegment) getLogitsIth.invokeExact(ctx, i)).reinterpret(4L * vocab));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int vocabularySize() {
            return vocab;
        }

        /** Appends {@code n} tokens from {@code tokens[off..]} to sequence 0 in one {@code llama_decode}. */
        void decode(int[] tokens, int off, int n) {
            if (n > capacity) {
                throw new IllegalArgumentException(n + " tokens exceed the batch of " + capacity);
            }
            MemorySegment.copy(tokens, off, tokenBuf, JAVA_INT, 0, n);
            MemorySegment one;
            try {
                one = (MemorySegment) batchGetOne.invokeExact(batchStruct, tokenBuf, n);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            decode(one);
        }

        /** The token with the highest logit after the last decode. */
        int argmax() {
            try {
                return argmax(((MemorySegment) getLogits.invokeExact(ctx)).reinterpret(4L * vocab));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        private int argmax(MemorySegment logits) {
            int best = 0;
            float bestValue = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < vocab; i++) {
                float v = logits.getAtIndex(JAVA_FLOAT, i);
                if (v > bestValue) {
                    bestValue = v;
                    best = i;
                }
            }
            if (!Float.isFinite(bestValue)) {
                throw new IllegalStateException("llama.cpp produced non-finite logits");
            }
            return best;
        }

        /** Empties the KV cache. */
        void clear() {
            try {
                kvClear.invokeExact(ctx);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        @Override
        public void close() {
            try {
                if (batch != null) {
                    batchFree.invokeExact(batch);
                }
                free.invokeExact(ctx);
                modelFree.invokeExact(model);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
    }

    /**
     * Loads a model on the CPU with {@code threads} threads for both decoding and batches, a context of
     * {@code contextLength} tokens and batches of up to {@code batch} tokens, for one sequence.
     */
    Session open(Path modelFile, int threads, int contextLength, int batch) {
        return open(modelFile, threads, contextLength, batch, 1);
    }

    /**
     * Like {@link #open(Path, int, int, int)}, for up to {@code sequences} sequences that share the context's
     * {@code contextLength} KV cells.
     */
    Session open(Path modelFile, int threads, int contextLength, int batch, int sequences) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment mp = (MemorySegment) modelDefaultParams.invokeExact((SegmentAllocator) call);
            mp.set(JAVA_INT, MODEL_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("n_gpu_layers")), 0);
            MemorySegment path = call.allocateFrom(modelFile.toAbsolutePath().toString());
            MemorySegment model = (MemorySegment) modelLoad.invokeExact(path, mp);
            if (model.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("llama.cpp could not load " + modelFile + lastLog());
            }
            MemorySegment cp = (MemorySegment) contextDefaultParams.invokeExact((SegmentAllocator) call);
            setInt(cp, "n_ctx", contextLength);
            setInt(cp, "n_batch", batch);
            setInt(cp, "n_ubatch", batch);
            setInt(cp, "n_seq_max", sequences);
            setInt(cp, "n_threads", threads);
            setInt(cp, "n_threads_batch", threads);
            MemorySegment ctx = (MemorySegment) initFromModel.invokeExact(model, cp);
            if (ctx.equals(MemorySegment.NULL)) {
                modelFree.invokeExact(model);
                throw new IllegalStateException("llama.cpp could not create a context for " + modelFile + lastLog());
            }
            MemorySegment vocab = (MemorySegment) modelGetVocab.invokeExact(model);
            int n = (int) vocabNTokens.invokeExact(vocab);
            return new Session(model, ctx, n, batch);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** llama.cpp's description of the CPU features it uses. */
    String systemInfo() {
        try {
            return ((MemorySegment) printSystemInfo.invokeExact()).reinterpret(4096).getString(0).trim();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void close() {
        try {
            backendFree.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Verifies the struct layouts against values llama.cpp's defaults are known to have, so that a library of
     * another build is refused rather than given misplaced fields.
     */
    private void checkDefaults() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment mp = (MemorySegment) modelDefaultParams.invokeExact((SegmentAllocator) call);
            MemorySegment cp = (MemorySegment) contextDefaultParams.invokeExact((SegmentAllocator) call);
            boolean ok = mp.get(JAVA_INT, offset(MODEL_PARAMS, "split_mode")) == 1       // LLAMA_SPLIT_MODE_LAYER
                    && mp.get(JAVA_BYTE, offset(MODEL_PARAMS, "use_mmap")) == 1
                    && mp.get(JAVA_BYTE, offset(MODEL_PARAMS, "vocab_only")) == 0
                    && getInt(cp, "n_ctx") == 512
                    && getInt(cp, "n_batch") == 2048
                    && getInt(cp, "n_ubatch") == 512
                    && getInt(cp, "n_seq_max") == 1
                    && cp.get(JAVA_FLOAT, offset(CONTEXT_PARAMS, "yarn_beta_fast")) == 32f
                    && getInt(cp, "type_k") == 1 && getInt(cp, "type_v") == 1            // GGML_TYPE_F16
                    && cp.get(JAVA_BYTE, offset(CONTEXT_PARAMS, "offload_kqv")) == 1;
            if (!ok) {
                throw new IllegalStateException("libjllama.so's default parameters do not match llama.h of build "
                        + "b4916; the struct layouts in " + LlamaCpp.class.getSimpleName() + " need updating");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @SuppressWarnings("unused") // called from native code through the upcall stub
    private void onLog(int level, MemorySegment text, MemorySegment userData) {
        String s = text.reinterpret(Integer.MAX_VALUE).getString(0);
        synchronized (log) {
            String layout = repackLayout(s);
            if (layout != null) {
                repacks.add(layout);
            }
            log.append(s);
            if (log.length() > 16_384) {
                log.delete(0, log.length() - 8_192);
            }
        }
        if (echoLog) {
            System.err.print(s);
        }
    }

    /**
     * The layouts llama.cpp repacked weights into since the last call (for example {@code q4_0_8x8}: Q4_0 rows
     * interleaved eight at a time for its 8-bit integer kernels), in name order; empty if it used the file's own.
     */
    List<String> takeRepacks() {
        synchronized (log) {
            List<String> seen = List.copyOf(repacks);
            repacks.clear();
            return seen;
        }
    }

    /**
     * The layout named by a line of llama.cpp's log such as {@code repack: repack tensor blk.0.attn_q.weight with
     * q4_0_8x8}, or {@code null} for any other line.
     */
    static String repackLayout(String line) {
        int at = line.indexOf(REPACK);
        if (at < 0) {
            return null;
        }
        String[] words = line.substring(at + REPACK.length()).strip().split("\\s+");
        return words.length == 3 && words[1].equals("with") && !words[2].isEmpty() ? words[2] : null;
    }

    private String lastLog() {
        synchronized (log) {
            String s = log.toString().strip();
            int cut = s.lastIndexOf('\n', Math.max(0, s.length() - 1500));
            return s.isEmpty() ? "" : "; llama.cpp said:\n" + (cut > 0 ? s.substring(cut + 1) : s);
        }
    }

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    private static int getInt(MemorySegment s, String field) {
        return s.get(JAVA_INT, offset(CONTEXT_PARAMS, field));
    }

    private static void setInt(MemorySegment s, String field, int v) {
        s.set(JAVA_INT, offset(CONTEXT_PARAMS, field), v);
    }

    private static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new IllegalStateException(
                "libjllama.so does not export " + name + " (is it llama.cpp build b4916?)"));
        return LINKER.downcallHandle(symbol, fd);
    }

    /** Copies the library out of the de.kherud jar on the classpath into a temporary directory. */
    private static Path extract() throws IOException {
        try (InputStream in = LlamaCpp.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is not on the classpath (de.kherud:llama:4.2.0 missing?)");
            }
            Path dir = Files.createTempDirectory("tokenport-llamacpp");
            Path so = dir.resolve("libjllama.so");
            Files.copy(in, so, StandardCopyOption.REPLACE_EXISTING);
            so.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return so;
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
