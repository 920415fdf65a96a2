package io.tokenport.bench;

import io.tokenport.engine.gguf.GGMLType;
import io.tokenport.engine.tensor.ComputePool;
import io.tokenport.engine.tensor.FloatTensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Matmul throughput per weight type, without JMH: {@code y = W x} for a few layer shapes, one input row (decoding)
 * and 16 (prefill, batched decoding), through {@link ComputePool} as the model calls it.
 *
 * <pre>java @scripts/jvm.args -cp bench/target/tokenport-bench.jar \
 *     io.tokenport.bench.KernelBench [threads=2] [seconds per case=1] [types=Q4_0,Q8_0,...] [batches=1,16] \
 *     [shapes=2048x2048,5632x2048]</pre>
 *
 * (shapes are ROWSxCOLS: the 100M bench model's layers are 768x768, 2048x768, 768x2048 and its output 32000x768).
 *
 * <p>Prints milliseconds per matmul, GFLOP/s (2 flops per weight per input row) and the weight bytes streamed
 * per second. Weights are random but well formed (finite, normal scales), in native memory as a mapped model
 * would be; speed does not depend on their values.
 *
 * <p>The reference is llama.cpp itself: the ggml library inside the {@code de.kherud:llama} jar is loaded through
 * FFM and given the same weight bytes; {@code ggml_mul_mat} runs with the same thread count, timed in rounds
 * interleaved with ours (the machine may be shared, so only side-by-side numbers mean anything), and its result
 * is compared with ours as a cross-check of the kernels.
 */
public final class KernelBench {
    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private KernelBench() {
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        List<GGMLType> types = new ArrayList<>();
        if (args.length > 2) {
            for (String t : args[2].split(",")) {
                types.add(GGMLType.valueOf(t.trim().toUpperCase(Locale.ROOT)));
            }
        } else {
            types.addAll(List.of(GGMLType.Q4_0, GGMLType.Q8_0, GGMLType.Q4_K, GGMLType.Q5_K, GGMLType.Q6_K,
                    GGMLType.Q5_0, GGMLType.F16, GGMLType.BF16, GGMLType.F32));
        }
        int[][] shapes = args.length > 4
                ? java.util.Arrays.stream(args[4].split(",")).map(r -> r.split("x"))
                        .map(r -> new int[] {Integer.parseInt(r[0]), Integer.parseInt(r[1])}).toArray(int[][]::new)
                : new int[][] {{2048, 2048}, {5632, 2048}};
        int[] batches = args.length > 3
                ? java.util.Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 16};
        System.out.printf(Locale.ROOT, "threads=%d, Java %s, %s%n", threads, System.getProperty("java.vm.version"),
                Machine.cpuName());
        GgmlReference llama = GgmlReference.load();
        System.out.println(llama == null ? "llama.cpp reference: not found on the class path"
                : "llama.cpp reference: ggml from the de.kherud:llama jar, same weights, same threads");
        System.out.printf(Locale.ROOT, "%-5s %11s %3s %10s %9s %9s %9s | %10s %9s %7s %9s%n", "type", "rows x cols",
                "n", "ms/matmul", "GFLOP/s", "GB/s(W)", "alloc(B)", "llama ms", "GFLOP/s", "ratio", "max diff");
        Random random = new Random(42);
        try (ComputePool pool = new ComputePool(threads)) {
            for (GGMLType type : types) {
                for (int[] shape : shapes) {
                    int rows = shape[0];
                    int cols = shape[1];
                    MemorySegment weights = randomWeights(type, rows, cols, random);
                    FloatTensor w = FloatTensor.of(type, weights, rows, cols);
                    for (int n : batches) {
                        float[] x = new float[n * cols];
                        for (int i = 0; i < x.length; i++) {
                            x[i] = (float) random.nextGaussian();
                        }
                        float[] out = new float[n * rows];
                        GgmlReference.MatMul reference = llama == null ? null
                                : llama.matmul(type, weights, rows, cols, x, n, threads);
                        double ms = Double.MAX_VALUE;
                        double llamaMs = Double.MAX_VALUE;
                        for (int round = 0; round < 3; round++) { // interleaved: both see the same machine load
                            ms = Math.min(ms, time(pool, w, x, n, out, seconds / 3));
                            if (reference != null) {
                                llamaMs = Math.min(llamaMs, reference.time(seconds / 3));
                            }
                        }
                        long bytes = type.bytesFor((long) rows * cols);
                        long allocated = allocatedBytes();
                        pool.matmul(w, x, n, out);
                        allocated = allocatedBytes() - allocated;
                        double flops = 2.0 * rows * cols * n;
                        System.out.printf(Locale.ROOT, "%-5s %5dx%-5d %3d %10.3f %9.1f %9.1f %9d", type, rows, cols,
                                n, ms, flops / (ms * 1e6), bytes / (ms * 1e6), allocated);
                        if (reference != null) {
                            System.out.printf(Locale.ROOT, " | %10.3f %9.1f %6.2fx %9.2e", llamaMs,
                                    flops / (llamaMs * 1e6), llamaMs / ms, reference.maxRelativeDifference(out));
                            reference.close();
                        }
                        System.out.println();
                    }
                }
            }
        }
    }

    /** Best of 5 rounds of milliseconds per matmul, wall clock. */
    private static double time(ComputePool pool, FloatTensor w, float[] x, int n, float[] out, double seconds) {
        long warmupEnd = System.nanoTime() + (long) (seconds * 0.5e9);
        while (System.nanoTime() < warmupEnd) {
            pool.matmul(w, x, n, out);
        }
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long start = System.nanoTime();
            long end = start + (long) (seconds * 0.2e9);
            int iterations = 0;
            long now;
            do {
                pool.matmul(w, x, n, out);
                iterations++;
                now = System.nanoTime();
            } while (now < end);
            best = Math.min(best, (now - start) / 1e6 / iterations);
        }
        return best;
    }

    /** Bytes this thread allocated so far (HotSpot), to check that a matmul allocates nothing. */
    private static long allocatedBytes() {
        return THREADS instanceof com.sun.management.ThreadMXBean hotspot
                ? hotspot.getCurrentThreadAllocatedBytes() : -1;
    }

    /** Random bytes with every scale field replaced by a finite, normal half, and float types filled with floats. */
    private static MemorySegment randomWeights(GGMLType type, int rows, int cols, Random random) {
        long size = type.bytesFor((long) rows * cols);
        MemorySegment seg = Arena.global().allocate(size, 64);
        byte[] bytes = new byte[(int) size];
        random.nextBytes(bytes);
        MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, bytes.length);
        long elements = (long) rows * cols;
        switch (type) {
            case F32 -> {
                for (long i = 0; i < elements; i++) {
                    seg.set(FLOAT_LE, 4 * i, (float) random.nextGaussian());
                }
            }
            case F16 -> {
                for (long i = 0; i < elements; i++) {
                    seg.set(SHORT_LE, 2 * i, Float.floatToFloat16((float) random.nextGaussian()));
                }
            }
            case BF16 -> {
                for (long i = 0; i < elements; i++) {
                    seg.set(SHORT_LE, 2 * i, (short) (Float.floatToRawIntBits((float) random.nextGaussian()) >>> 16));
                }
            }
            default -> {
                int[] halfFields = switch (type) {
                    case Q4_K, Q5_K -> new int[] {0, 2};
                    case Q6_K -> new int[] {208};
                    default -> new int[] {0};
                };
                for (long o = 0; o < size; o += type.blockBytes()) {
                    for (int f : halfFields) {
                        seg.set(SHORT_LE, o + f, Float.floatToFloat16(0.001f + random.nextFloat() * 0.01f));
                    }
                }
            }
        }
        return seg;
    }

    /** llama.cpp's ggml, called through FFM: the reference the kernels are measured against. */
    static final class GgmlReference {
        private static final String LIBRARY = "de/kherud/llama/Linux/x86_64/libjllama.so";
        /** Matmuls per graph, so that starting a graph computation is not what gets measured. */
        private static final int NODES = 16;
        private static final StructLayout INIT_PARAMS = MemoryLayout.structLayout(ValueLayout.JAVA_LONG,
                ValueLayout.ADDRESS, ValueLayout.JAVA_BOOLEAN, MemoryLayout.paddingLayout(7));

        private final MethodHandle init;
        private final MethodHandle free;
        private final MethodHandle newTensor2d;
        private final MethodHandle getData;
        private final MethodHandle mulMat;
        private final MethodHandle newGraph;
        private final MethodHandle buildForwardExpand;
        private final MethodHandle computeWithCtx;

        private GgmlReference(SymbolLookup lib) throws Throwable {
            Linker linker = Linker.nativeLinker();
            ValueLayout a = ValueLayout.ADDRESS;
            init = linker.downcallHandle(lib.find("ggml_init").orElseThrow(), FunctionDescriptor.of(a, INIT_PARAMS));
            free = linker.downcallHandle(lib.find("ggml_free").orElseThrow(), FunctionDescriptor.ofVoid(a));
            newTensor2d = linker.downcallHandle(lib.find("ggml_new_tensor_2d").orElseThrow(),
                    FunctionDescriptor.of(a, a, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
            getData = linker.downcallHandle(lib.find("ggml_get_data").orElseThrow(), FunctionDescriptor.of(a, a));
            mulMat = linker.downcallHandle(lib.find("ggml_mul_mat").orElseThrow(), FunctionDescriptor.of(a, a, a, a));
            newGraph = linker.downcallHandle(lib.find("ggml_new_graph").orElseThrow(), FunctionDescriptor.of(a, a));
            buildForwardExpand = linker.downcallHandle(lib.find("ggml_build_forward_expand").orElseThrow(),
                    FunctionDescriptor.ofVoid(a, a));
            computeWithCtx = linker.downcallHandle(lib.find("ggml_graph_compute_with_ctx").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, a, a, ValueLayout.JAVA_INT));
            linker.downcallHandle(lib.find("ggml_cpu_init").orElseThrow(), FunctionDescriptor.ofVoid()).invokeExact();
        }

        /** The library from the class path, or null when the jar or its Linux x86-64 build is absent. */
        static GgmlReference load() {
            try (InputStream in = KernelBench.class.getClassLoader().getResourceAsStream(LIBRARY)) {
                if (in == null) {
                    return null;
                }
                Path file = Files.createTempFile("ggml-reference", ".so");
                file.toFile().deleteOnExit();
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                return new GgmlReference(SymbolLookup.libraryLookup(file, Arena.global()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Throwable t) {
                System.out.println("llama.cpp reference unavailable: " + t);
                return null;
            }
        }

        /** A graph of {@link #NODES} copies of {@code W x} on the given weights, ready to run. */
        MatMul matmul(GGMLType type, MemorySegment weights, int rows, int cols, float[] x, int n, int threads) {
            try (Arena arena = Arena.ofConfined()) {
                long bytes = type.bytesFor((long) rows * cols);
                MemorySegment params = arena.allocate(INIT_PARAMS);
                // generous: ggml_graph_compute_with_ctx takes a new work buffer from ctx on every call
                long margin = 512L * 1024 * 1024;
                params.set(ValueLayout.JAVA_LONG, 0, bytes + 4L * n * cols + (long) NODES * 4 * n * rows + margin);
                MemorySegment ctx = (MemorySegment) init.invokeExact(params);
                MemorySegment w = (MemorySegment) newTensor2d.invokeExact(ctx, type.id(), (long) cols, (long) rows);
                MemorySegment.copy(weights, 0, data(w, bytes), 0, bytes);
                MemorySegment in = (MemorySegment) newTensor2d.invokeExact(ctx, GGMLType.F32.id(), (long) cols,
                        (long) n);
                MemorySegment.copy(x, 0, data(in, 4L * n * cols), ValueLayout.JAVA_FLOAT, 0, n * cols);
                MemorySegment graph = (MemorySegment) newGraph.invokeExact(ctx);
                MemorySegment result = MemorySegment.NULL;
                for (int i = 0; i < NODES; i++) {
                    result = (MemorySegment) mulMat.invokeExact(ctx, w, in);
                    buildForwardExpand.invokeExact(graph, result);
                }
                return new MatMul(ctx, graph, data(result, 4L * n * rows), threads);
            } catch (Throwable t) {
                throw new IllegalStateException("ggml reference failed", t);
            }
        }

        private MemorySegment data(MemorySegment tensor, long bytes) throws Throwable {
            return ((MemorySegment) getData.invokeExact(tensor)).reinterpret(bytes);
        }

        final class MatMul implements AutoCloseable {
            private final MemorySegment ctx;
            private final MemorySegment graph;
            private final MemorySegment result;
            private final int threads;

            MatMul(MemorySegment ctx, MemorySegment graph, MemorySegment result, int threads) {
                this.ctx = ctx;
                this.graph = graph;
                this.result = result;
                this.threads = threads;
            }

            private void run() {
                try {
                    int status = (int) computeWithCtx.invokeExact(ctx, graph, threads);
                    if (status != 0) {
                        throw new IllegalStateException("ggml_graph_compute returned " + status);
                    }
                } catch (Throwable t) {
                    throw new IllegalStateException(t);
                }
            }

            /** Milliseconds per matmul, best of a few rounds, wall clock. */
            double time(double seconds) {
                long warmupEnd = System.nanoTime() + (long) (seconds * 0.3e9);
                do {
                    run();
                } while (System.nanoTime() < warmupEnd);
                double best = Double.MAX_VALUE;
                for (int round = 0; round < 5; round++) {
                    long start = System.nanoTime();
                    long end = start + (long) (seconds * 0.14e9);
                    int iterations = 0;
                    long now;
                    do {
                        run();
                        iterations++;
                        now = System.nanoTime();
                    } while (now < end);
                    best = Math.min(best, (now - start) / 1e6 / iterations / NODES);
                }
                return best;
            }

            /** Largest {@code |ours - ggml|} over the outputs, relative to the largest ggml output. */
            double maxRelativeDifference(float[] ours) {
                double maxDiff = 0;
                double maxAbs = 0;
                for (int i = 0; i < ours.length; i++) {
                    float theirs = result.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                    maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs));
                    maxAbs = Math.max(maxAbs, Math.abs(theirs));
                }
                return maxDiff / Math.max(maxAbs, Float.MIN_NORMAL);
            }

            @Override
            public void close() {
                try {
                    free.invokeExact(ctx);
                } catch (Throwable t) {
                    throw new IllegalStateException(t);
                }
            }
        }
    }
}
