package io.tokenport.engine.gguf;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The GGUF reader against damaged and hostile files: truncation at every header offset, thousands of seeded
 * mutations of counts, lengths, dimensions, types and offsets, and hand-made hostile headers. Every case must
 * end in a {@link GGUFFormatException} with a message that says where (or parse into tensors that all lie
 * inside the file): never an out-of-memory error, an index or size exception, or a hang.
 */
class GGUFReaderRobustnessTest {
    private static final Path STORIES = Path.of("../shared/models/stories260K.gguf");

    private static byte[] stories;
    private static byte[] small;

    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws IOException {
        stories = Files.readAllBytes(STORIES);
        // A small file with a value of every type and tensors of several types.
        Path f = dir.resolve("small.gguf");
        new GGUFWriter()
                .putString("general.architecture", "llama")
                .put("u8", GGUFValueType.UINT8, 1).put("i8", GGUFValueType.INT8, -1)
                .put("u16", GGUFValueType.UINT16, 2).put("i16", GGUFValueType.INT16, -2)
                .putUInt32("u32", 3).putInt32("i32", -3).putUInt64("u64", 4)
                .put("i64", GGUFValueType.INT64, -4L).putFloat32("f32", 0.5f)
                .put("f64", GGUFValueType.FLOAT64, 0.25).putBool("bool", true)
                .putArray("tokens", GGUFValueType.STRING, new String[] {"<unk>", "a", "▁b"})
                .putArray("scores", GGUFValueType.FLOAT32, new float[] {0, -1, -2})
                .putArray("types", GGUFValueType.INT32, new int[] {2, 1, 1})
                .putArray("flags", GGUFValueType.BOOL, new boolean[] {true, false})
                .putArray("nested", GGUFValueType.ARRAY, new GGUFWriter.ArrayValue[] {
                        new GGUFWriter.ArrayValue(GGUFValueType.UINT16, new int[] {1, 2})})
                .tensorF32("norm.weight", new long[] {8}, new float[8])
                .tensor("q8.weight", GGMLType.Q8_0, new long[] {64, 2}, new byte[4 * 34])
                .tensor("q4k.weight", GGMLType.Q4_K, new long[] {256, 2}, new byte[2 * 144])
                .tensor("f16.weight", GGMLType.F16, new long[] {4, 3, 2}, new byte[48])
                .write(f);
        small = Files.readAllBytes(f);
    }

    // ---- (a) truncation ----

    @Test
    void truncationAtEveryHeaderOffsetIsReportedAsTruncation() {
        for (byte[] file : List.of(stories, small)) {
            int headerEnd = RawGGUF.headerEnd(file);
            long dataStart = GGUFParser.alignUp(headerEnd, 32);
            // Every offset of the small file, and of the real file's preamble and tensor infos; inside the real
            // file's 512-token vocabulary (where each cut runs the same few reads) every 5th offset.
            int denseUntil = Math.min(2048, headerEnd);
            int denseFrom = Math.max(denseUntil, headerEnd - 2048);
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                MemorySegment whole = MemorySegment.ofArray(file);
                for (int n = 0; n <= dataStart; n += (file == stories && n >= denseUntil && n < denseFrom) ? 5 : 1) {
                    GGUFFormatException e = parseFails(whole.asSlice(0, n), "truncated to " + n);
                    if (n < 4) {
                        assertThat(e).hasMessageContaining("not a GGUF file");
                    } else if (n < headerEnd) {
                        // Either a read ran off the end, or a count or length was checked against what is left.
                        assertThat(e.getMessage()).as("truncated to %d", n)
                                .containsAnyOf("truncated", "left in the file");
                    } else {
                        assertThat(e.getMessage()).as("truncated to %d", n)
                                .containsAnyOf("truncated", "ends before the tensor data");
                    }
                }
            });
        }
    }

    @Test
    void truncationInsideTensorDataNamesTheTensorCut() {
        Random random = new Random(1);
        for (byte[] file : List.of(stories, small)) {
            GGUFParser.Header h = parse(file);
            List<Integer> cuts = new ArrayList<>();
            for (TensorInfo t : h.tensors().values()) {
                long end = h.dataStart() + t.dataOffset() + t.byteSize();
                cuts.add((int) end - 1);
                cuts.add((int) (h.dataStart() + t.dataOffset()));
            }
            for (int i = 0; i < 300; i++) {
                cuts.add((int) h.dataStart() + random.nextInt((int) (file.length - h.dataStart())));
            }
            for (int n : cuts) {
                MemorySegment cut = MemorySegment.ofArray(file).asSlice(0, n);
                // The first tensor (in file order) that no longer fits is the one named.
                TensorInfo firstCut = h.tensors().values().stream()
                        .filter(t -> h.dataStart() + t.dataOffset() + t.byteSize() > n).findFirst().orElse(null);
                if (firstCut == null) {
                    assertThat(parse(cut).tensors()).hasSize(h.tensors().size());
                    continue;
                }
                GGUFFormatException e = parseFails(cut, "truncated to " + n);
                assertThat(e).hasMessageContaining("truncated").hasMessageContaining("'" + firstCut.name() + "'")
                        .hasMessageContaining("file has " + n + " bytes");
            }
        }
    }

    @Test
    void truncatedFilesOnDiskFailTheSameWayThroughOpen() throws IOException {
        Random random = new Random(2);
        Path f = dir.resolve("cut.gguf");
        for (int i = 0; i < 40; i++) {
            int n = random.nextInt(stories.length);
            Files.write(f, java.util.Arrays.copyOf(stories, n));
            assertThatThrownBy(() -> GGUFFile.open(f).close()).as("cut at %d", n)
                    .isInstanceOf(GGUFFormatException.class).hasMessageContaining(f.toString());
        }
    }

    // ---- (b) mutation ----

    @Test
    void thousandsOfMutatedFieldsNeverEscapeAsAnythingButAFormatError() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            mutateFields(stories, 1000, 11);
            mutateFields(small, 2500, 12);
        });
    }

    @Test
    void randomByteFlipsInTheHeaderNeverEscapeAsAnythingButAFormatError() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (byte[] file : List.of(stories, small)) {
                Random random = new Random(13);
                int headerEnd = RawGGUF.headerEnd(file);
                byte[] header = java.util.Arrays.copyOf(file, headerEnd);
                for (int i = 0; i < 800; i++) {
                    int flips = 1 + random.nextInt(4);
                    for (int k = 0; k < flips; k++) {
                        file[random.nextInt(headerEnd)] ^= (byte) (1 << random.nextInt(8));
                    }
                    try {
                        outcomeIsCleanOrFormatError(file, "flip case " + i);
                    } finally {
                        System.arraycopy(header, 0, file, 0, headerEnd);
                    }
                }
            }
        });
    }

    private static void mutateFields(byte[] file, int cases, long seed) {
        Random random = new Random(seed);
        // Pick a kind first, so that the hundreds of token strings do not crowd out the tensor fields.
        java.util.Map<RawGGUF.Kind, List<RawGGUF.Field>> byKind = RawGGUF.fields(file).stream()
                .collect(java.util.stream.Collectors.groupingBy(RawGGUF.Field::kind));
        List<RawGGUF.Kind> kinds = List.copyOf(new java.util.TreeSet<>(byKind.keySet()));
        for (int i = 0; i < cases; i++) {
            RawGGUF.Kind kind = kinds.get(random.nextInt(kinds.size()));
            List<RawGGUF.Field> ofKind = byKind.get(kind);
            RawGGUF.Field field = ofKind.get(random.nextInt(ofKind.size()));
            long value = hostileValue(random, file.length);
            // Mutate in place and restore afterwards: copying a megabyte per case would dominate the run time.
            byte[] saved = java.util.Arrays.copyOfRange(file, field.at(), field.at() + field.width());
            for (int k = 0; k < field.width(); k++) {
                file[field.at() + k] = (byte) (value >>> (8 * k));
            }
            String what = kind + " of " + field.owner() + " at " + field.at() + " := " + value;
            GGUFFormatException e;
            try {
                e = outcomeIsCleanOrFormatError(file, what);
            } finally {
                System.arraycopy(saved, 0, file, field.at(), saved.length);
            }
            if (e == null) {
                continue;
            }
            String m = e.getMessage();
            switch (kind) {
                // Fields read after the tensor's name: the error is about that tensor.
                case DIM, TENSOR_TYPE, OFFSET -> assertThat(m).as(what).contains("'" + field.owner() + "'");
                case VALUE_TYPE, ARRAY_TYPE -> {
                    if (GGUFValueType.byId((int) value) == null) {
                        assertThat(m).as(what).contains("'" + field.owner() + "'").contains("unknown");
                    }
                }
                case ARRAY_LENGTH, STRING_LENGTH -> {
                    if (value < 0 || value > file.length) {
                        assertThat(m).as(what).contains("'" + field.owner() + "'");
                    }
                }
                case TENSOR_COUNT, KV_COUNT -> {
                    if (value < 0 || value > file.length) {
                        assertThat(m).as(what).contains("count");
                    }
                }
                case VERSION -> assertThat(m).as(what).containsIgnoringCase("version");
                default -> assertThat(m).as(what).isNotBlank();
            }
        }
    }

    /** Values that break parsers: extremes, powers of two, the file size, sign bits, small numbers. */
    private static long hostileValue(Random r, long fileSize) {
        return switch (r.nextInt(12)) {
            case 0 -> r.nextLong();
            case 1 -> 0;
            case 2 -> -1;
            case 3 -> Long.MAX_VALUE;
            case 4 -> Long.MIN_VALUE;
            case 5 -> 1L << (31 + r.nextInt(3)); // 2^31, 2^32, 2^33
            case 6 -> 1L << 40;
            case 7 -> fileSize + r.nextInt(3) - 1;
            case 8 -> Integer.MAX_VALUE - r.nextInt(16);
            case 9 -> r.nextInt(64);
            case 10 -> 0x8000_0000L | r.nextInt(100);
            default -> r.nextInt(5);
        };
    }

    // ---- (c) hostile headers ----

    @Test
    void hugeArrayLengthIsRefusedBeforeAllocating() {
        byte[] b = RawGGUF.header(3, 0, 1).str("tokenizer.ggml.tokens").u32(9).u32(8).u64(1L << 62).bytes();
        assertThat(parseFails(b, "huge array")).hasMessageContaining("tokenizer.ggml.tokens")
                .hasMessageContaining("4611686018427387904");
        byte[] c = RawGGUF.header(3, 0, 1).str("a").u32(9).u32(0).u64(Integer.MAX_VALUE - 9).bytes();
        assertThat(parseFails(c, "2G bytes")).hasMessageContaining("'a'");
    }

    @Test
    void hugeStringLengthIsRefused() {
        byte[] key = RawGGUF.header(3, 0, 1).u64(1L << 50).u64(0).u64(0).bytes();
        assertThat(parseFails(key, "key length")).hasMessageContaining("metadata key #0");
        byte[] value = RawGGUF.header(3, 0, 1).str("general.name").u32(8).u64(-5).bytes();
        assertThat(parseFails(value, "value length")).hasMessageContaining("general.name");
        byte[] inArray = RawGGUF.header(3, 0, 1).str("t").u32(9).u32(8).u64(2).str("ok").u64(1L << 31).bytes();
        assertThat(parseFails(inArray, "element length")).hasMessageContaining("element 1 of array 't'");
    }

    @Test
    void absurdCountsAreRefused() {
        assertThat(parseFails(RawGGUF.header(3, 1L << 40, 0).bytes(), "2^40 tensors"))
                .hasMessageContaining("tensor count").hasMessageContaining("1099511627776");
        assertThat(parseFails(RawGGUF.header(3, 0, -1).bytes(), "-1 keys"))
                .hasMessageContaining("metadata key count").hasMessageContaining("18446744073709551615");
    }

    @Test
    void dimensionsWhoseProductOverflowsAreRefused() {
        byte[] b = RawGGUF.header(3, 1, 0).tensor("blk.0.ffn_up.weight", 0, 0, 1L << 32, 1L << 32, 1L << 32)
                .data(32, 64).bytes();
        assertThat(parseFails(b, "overflow")).hasMessageContaining("blk.0.ffn_up.weight")
                .hasMessageContaining("impossibly large");
        byte[] bytes = RawGGUF.header(3, 1, 0).tensor("q", GGMLType.Q4_K.id(), 0, 256, 1L << 62).data(32, 64).bytes();
        assertThat(parseFails(bytes, "byte size overflow")).hasMessageContaining("'q'");
        byte[] negative = RawGGUF.header(3, 1, 0).tensor("neg", 0, 0, 4, -4).data(32, 64).bytes();
        assertThat(parseFails(negative, "negative dim")).hasMessageContaining("'neg'").hasMessageContaining("dimension 1");
        byte[] zero = RawGGUF.header(3, 1, 0).tensor("zero", 0, 0, 0).data(32, 64).bytes();
        assertThat(parseFails(zero, "zero dim")).hasMessageContaining("'zero'");
        byte[] dims5 = RawGGUF.header(3, 1, 0).tensor("five", 0, 0, 1, 1, 1, 1, 1).data(32, 64).bytes();
        assertThat(parseFails(dims5, "5 dims")).hasMessageContaining("'five'").hasMessageContaining("5 dimensions");
        byte[] dims0 = RawGGUF.header(3, 1, 0).tensor("none", 0, 0).data(32, 64).bytes();
        assertThat(parseFails(dims0, "0 dims")).hasMessageContaining("'none'");
        byte[] rows = RawGGUF.header(3, 1, 0).tensor("odd", GGMLType.Q8_0.id(), 0, 33).data(32, 64).bytes();
        assertThat(parseFails(rows, "partial block")).hasMessageContaining("'odd'").hasMessageContaining("block size");
    }

    @Test
    void unknownTypesAreRefusedByName() {
        for (int t : new int[] {4, 5, 31, 99, -1}) {
            byte[] b = RawGGUF.header(3, 1, 0).tensor("w", t, 0, 32).data(32, 128).bytes();
            assertThat(parseFails(b, "ggml type " + t)).hasMessageContaining("'w'").hasMessageContaining("unknown ggml type");
        }
        byte[] value = RawGGUF.header(3, 0, 1).str("k").u32(13).u32(0).bytes();
        assertThat(parseFails(value, "value type 13")).hasMessageContaining("'k'").hasMessageContaining("unknown value type 13");
        byte[] element = RawGGUF.header(3, 0, 1).str("arr").u32(9).u32(-7).u64(0).bytes();
        assertThat(parseFails(element, "element type")).hasMessageContaining("'arr'").hasMessageContaining("-7");
        byte[] bool = RawGGUF.header(3, 0, 1).str("flag").u32(7).u8(2).bytes();
        assertThat(parseFails(bool, "bool 2")).hasMessageContaining("flag").hasMessageContaining("boolean");
    }

    @Test
    void offsetsPastTheEndOrOffTheAlignmentAreRefused() {
        byte[] past = RawGGUF.header(3, 1, 0).tensor("output.weight", 0, 1L << 40, 8).data(32, 32).bytes();
        assertThat(parseFails(past, "past EOF")).hasMessageContaining("'output.weight'").hasMessageContaining("truncated");
        byte[] negative = RawGGUF.header(3, 1, 0).tensor("neg", 0, -32, 8).data(32, 32).bytes();
        assertThat(parseFails(negative, "negative offset")).hasMessageContaining("'neg'");
        byte[] misaligned = RawGGUF.header(3, 1, 0).tensor("mis", 0, 4, 4).data(32, 64).bytes();
        assertThat(parseFails(misaligned, "misaligned")).hasMessageContaining("'mis'").hasMessageContaining("alignment 32");
        byte[] edge = RawGGUF.header(3, 1, 0).tensor("edge", 0, 32, 8).data(32, 63).bytes();
        assertThat(parseFails(edge, "one byte short")).hasMessageContaining("'edge'").hasMessageContaining("ends at byte");
    }

    @Test
    void badAlignmentsAreRefused() {
        for (int a : new int[] {0, 3, 1 << 30, -32}) {
            byte[] b = RawGGUF.header(3, 0, 1).kvU32("general.alignment", a).bytes();
            assertThat(parseFails(b, "alignment " + a)).hasMessageContaining("general.alignment");
        }
        byte[] s = RawGGUF.header(3, 0, 1).kvString("general.alignment", "32").bytes();
        assertThat(parseFails(s, "string alignment")).hasMessageContaining("general.alignment");
    }

    @Test
    void duplicatesAreRefused() {
        byte[] keys = RawGGUF.header(3, 0, 2).kvU32("llama.block_count", 1).kvU32("llama.block_count", 2).bytes();
        assertThat(parseFails(keys, "duplicate key")).hasMessageContaining("'llama.block_count' appears twice");
        byte[] tensors = RawGGUF.header(3, 2, 0).tensor("w", 0, 0, 8).tensor("w", 0, 32, 8).data(32, 64).bytes();
        assertThat(parseFails(tensors, "duplicate tensor")).hasMessageContaining("'w' appears twice");
    }

    @Test
    void arraysNestedTooDeepAreRefused() {
        RawGGUF r = RawGGUF.header(3, 0, 1).str("deep").u32(9);
        for (int i = 0; i < 20; i++) {
            r.u32(9).u64(1);
        }
        assertThat(parseFails(r.u32(0).u64(0).bytes(), "deep")).hasMessageContaining("'deep'").hasMessageContaining("nests");
    }

    @Test
    void otherVersionsAreRefusedWithTheVersionNamed() {
        assertThat(parseFails(RawGGUF.header(1, 0, 0).bytes(), "v1")).hasMessageContaining("version 1");
        assertThat(parseFails(RawGGUF.header(4, 0, 0).bytes(), "v4")).hasMessageContaining("version 4");
        assertThat(parseFails(RawGGUF.header(0x0300_0000, 0, 0).bytes(), "big-endian"))
                .hasMessageContaining("version 50331648");
        assertThat(parse(RawGGUF.header(2, 0, 0).bytes()).version()).isEqualTo(2);
    }

    @Test
    void emptyNonGgufAndDirectoryPathsGetClearErrors() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.gguf"));
        assertThatThrownBy(() -> GGUFFile.open(empty)).isInstanceOf(GGUFFormatException.class)
                .hasMessageContaining("not a GGUF file");
        Path text = Files.writeString(dir.resolve("readme.gguf"), "# not a model\n");
        assertThatThrownBy(() -> GGUFFile.open(text)).isInstanceOf(GGUFFormatException.class)
                .hasMessageContaining("not a GGUF file");
        Path vocab = Path.of("../shared/models/llama2_tokenizer.bin");
        assertThatThrownBy(() -> GGUFFile.open(vocab)).isInstanceOf(GGUFFormatException.class)
                .hasMessageContaining("not a GGUF file");
        assertThatThrownBy(() -> GGUFFile.open(dir)).isInstanceOf(GGUFFormatException.class)
                .hasMessageContaining("directory");
        assertThatThrownBy(() -> GGUFFile.open(dir.resolve("missing.gguf"))).isInstanceOf(IOException.class)
                .hasMessageContaining("missing.gguf");
    }

    @Test
    void theUntouchedFilesParse() {
        assertThat(parse(stories).tensors()).isNotEmpty();
        assertThat(parse(small).tensors()).hasSize(4);
    }

    // ---- helpers ----

    private static GGUFParser.Header parse(byte[] b) {
        return parse(MemorySegment.ofArray(b));
    }

    private static GGUFParser.Header parse(MemorySegment b) {
        return new GGUFParser("fuzz.gguf", b).parse();
    }

    private static GGUFFormatException parseFails(byte[] b, String what) {
        return parseFails(MemorySegment.ofArray(b), what);
    }

    private static GGUFFormatException parseFails(MemorySegment b, String what) {
        try {
            parse(b);
        } catch (GGUFFormatException e) {
            assertThat(e.getMessage()).as(what).startsWith("fuzz.gguf: ");
            return e;
        } catch (Throwable t) {
            throw new AssertionError(what + ": escaped as " + t, t);
        }
        return fail(what + ": parsed without error");
    }

    /**
     * Parses; a success must describe tensors that lie inside the file, a failure must be a format error.
     * Returns the error, or {@code null} when the mutation was harmless.
     */
    private static GGUFFormatException outcomeIsCleanOrFormatError(byte[] b, String what) {
        GGUFParser.Header h;
        try {
            h = parse(b);
        } catch (GGUFFormatException e) {
            assertThat(e.getMessage()).as(what).startsWith("fuzz.gguf: ").hasSizeGreaterThan(20);
            return e;
        } catch (Throwable t) {
            throw new AssertionError(what + ": escaped as " + t, t);
        }
        for (TensorInfo t : h.tensors().values()) {
            assertThat(h.dataStart() + t.dataOffset() + t.byteSize()).as(what + ": " + t).isLessThanOrEqualTo(b.length);
            assertThat(t.byteSize()).as(what).isEqualTo(t.type().bytesFor(t.elements()));
        }
        return null;
    }
}
