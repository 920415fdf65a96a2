package io.tokenport.engine.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GGUFWriterTest {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    @Test
    void everyScalarTypeReadsBackAsTheReadersJavaType() throws IOException {
        Path f = dir.resolve("scalars.gguf");
        new GGUFWriter()
                .put("u8", GGUFValueType.UINT8, 255)
                .put("i8", GGUFValueType.INT8, -128)
                .put("u16", GGUFValueType.UINT16, 65535)
                .put("i16", GGUFValueType.INT16, -32768)
                .put("u32", GGUFValueType.UINT32, 0xFFFF_FFFFL)
                .put("i32", GGUFValueType.INT32, Integer.MIN_VALUE)
                .put("u64", GGUFValueType.UINT64, -1L)
                .put("i64", GGUFValueType.INT64, Long.MIN_VALUE)
                .put("f32", GGUFValueType.FLOAT32, 3.25f)
                .put("f64", GGUFValueType.FLOAT64, -1e300)
                .put("bool", GGUFValueType.BOOL, true)
                .put("str", GGUFValueType.STRING, "héllo ▁wörld 你好")
                .put("empty", GGUFValueType.STRING, "")
                .write(f);

        try (GGUFFile g = GGUFFile.open(f)) {
            GGUFMetadata m = g.metadata();
            assertThat(g.version()).isEqualTo(3);
            assertThat(m.keys()).containsExactly("u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64", "f32",
                    "f64", "bool", "str", "empty");
            assertThat(m.get("u8")).isEqualTo(255);
            assertThat(m.get("i8")).isEqualTo(-128);
            assertThat(m.get("u16")).isEqualTo(65535);
            assertThat(m.get("i16")).isEqualTo(-32768);
            assertThat(m.get("u32")).isEqualTo(0xFFFF_FFFFL);
            assertThat(m.get("i32")).isEqualTo(Integer.MIN_VALUE);
            assertThat(m.get("u64")).isEqualTo(-1L);
            assertThat(m.get("i64")).isEqualTo(Long.MIN_VALUE);
            assertThat(m.get("f32")).isEqualTo(3.25f);
            assertThat(m.get("f64")).isEqualTo(-1e300);
            assertThat(m.get("bool")).isEqualTo(true);
            assertThat(m.get("str")).isEqualTo("héllo ▁wörld 你好");
            assertThat(m.get("empty")).isEqualTo("");
            for (String k : m.keys()) {
                assertThat(m.typeOf(k).name().toLowerCase()).startsWith(k.equals("str") || k.equals("empty")
                        ? "string" : k.equals("bool") ? "bool" : k.startsWith("f") ? "float"
                        : k.startsWith("u") ? "uint" : "int");
            }
            assertThat(g.tensors()).isEmpty();
        }
    }

    @Test
    void everyArrayTypeReadsBack() throws IOException {
        Path f = dir.resolve("arrays.gguf");
        GGUFWriter.ArrayValue inner1 = new GGUFWriter.ArrayValue(GGUFValueType.INT16, new int[] {-1, 2});
        GGUFWriter.ArrayValue inner2 = new GGUFWriter.ArrayValue(GGUFValueType.STRING, new String[] {"x"});
        GGUFWriter.ArrayValue innermost = new GGUFWriter.ArrayValue(GGUFValueType.BOOL, new boolean[] {true});
        GGUFWriter.ArrayValue middle = new GGUFWriter.ArrayValue(GGUFValueType.ARRAY,
                new GGUFWriter.ArrayValue[] {innermost});
        new GGUFWriter()
                .putArray("u8", GGUFValueType.UINT8, new int[] {0, 7, 255})
                .putArray("i8", GGUFValueType.INT8, new int[] {-128, 127})
                .putArray("u16", GGUFValueType.UINT16, new int[] {65535})
                .putArray("i16", GGUFValueType.INT16, new int[] {-32768, 1})
                .putArray("u32", GGUFValueType.UINT32, new long[] {0, 0xFFFF_FFFFL})
                .putArray("i32", GGUFValueType.INT32, new int[] {Integer.MAX_VALUE, -5})
                .putArray("u64", GGUFValueType.UINT64, new long[] {-1L})
                .putArray("i64", GGUFValueType.INT64, new long[] {Long.MIN_VALUE, 3})
                .putArray("f32", GGUFValueType.FLOAT32, new float[] {1.5f, Float.NaN, -0f})
                .putArray("f64", GGUFValueType.FLOAT64, new double[] {Math.PI})
                .putArray("bool", GGUFValueType.BOOL, new boolean[] {true, false, true})
                .putArray("str", GGUFValueType.STRING, new String[] {"a", "", "▁b", "<0x0A>"})
                .putArray("empty", GGUFValueType.FLOAT32, new float[0])
                .putArray("nested", GGUFValueType.ARRAY, new GGUFWriter.ArrayValue[] {inner1, inner2, middle})
                .write(f);

        try (GGUFFile g = GGUFFile.open(f)) {
            GGUFMetadata m = g.metadata();
            assertThat((int[]) m.get("u8")).containsExactly(0, 7, 255);
            assertThat((int[]) m.get("i8")).containsExactly(-128, 127);
            assertThat((int[]) m.get("u16")).containsExactly(65535);
            assertThat((int[]) m.get("i16")).containsExactly(-32768, 1);
            assertThat((long[]) m.get("u32")).containsExactly(0, 0xFFFF_FFFFL);
            assertThat((int[]) m.get("i32")).containsExactly(Integer.MAX_VALUE, -5);
            assertThat((long[]) m.get("u64")).containsExactly(-1L);
            assertThat((long[]) m.get("i64")).containsExactly(Long.MIN_VALUE, 3);
            float[] f32 = (float[]) m.get("f32");
            assertThat(f32[0]).isEqualTo(1.5f);
            assertThat(f32[1]).isNaN();
            assertThat(Float.floatToRawIntBits(f32[2])).isEqualTo(Float.floatToRawIntBits(-0f));
            assertThat((double[]) m.get("f64")).containsExactly(Math.PI);
            assertThat((boolean[]) m.get("bool")).containsExactly(true, false, true);
            assertThat(m.getStringArray("str")).containsExactly("a", "", "▁b", "<0x0A>");
            assertThat((float[]) m.get("empty")).isEmpty();
            Object[] nested = (Object[]) m.get("nested");
            assertThat(nested).hasSize(3);
            assertThat((int[]) nested[0]).containsExactly(-1, 2);
            assertThat((String[]) nested[1]).containsExactly("x");
            assertThat((boolean[]) ((Object[]) nested[2])[0]).containsExactly(true);
            for (String k : m.keys()) {
                assertThat(m.typeOf(k)).isEqualTo(GGUFValueType.ARRAY);
            }
        }
    }

    @Test
    void tensorsOfSeveralTypesLandAtAlignedOffsetsWithTheirBytes() throws IOException {
        Path f = dir.resolve("tensors.gguf");
        Random r = new Random(7);
        float[] small = {1, 2, 3};
        byte[] q8 = randomBytes(r, GGMLType.Q8_0.bytesFor(64 * 3));
        byte[] q4k = randomBytes(r, GGMLType.Q4_K.bytesFor(256 * 2));
        byte[] f16 = randomBytes(r, GGMLType.F16.bytesFor(5 * 7));
        byte[] q6k = randomBytes(r, GGMLType.Q6_K.bytesFor(256));
        new GGUFWriter()
                .putString("general.architecture", "test")
                .tensorF32("small", new long[] {3}, small)
                .tensor("q8", GGMLType.Q8_0, new long[] {64, 3}, q8)
                .tensor("q4k", GGMLType.Q4_K, new long[] {256, 1, 2}, q4k)
                .tensor("f16", GGMLType.F16, new long[] {5, 7}, f16)
                .tensor("q6k", GGMLType.Q6_K, new long[] {256, 1, 1, 1}, out -> {
                    // Written in two pieces, as a streaming producer would.
                    out.write(q6k, 0, 100);
                    out.write(java.nio.ByteBuffer.wrap(q6k, 100, q6k.length - 100));
                })
                .write(f);

        try (GGUFFile g = GGUFFile.open(f)) {
            assertThat(g.alignment()).isEqualTo(32);
            assertThat(g.dataStart() % 32).isZero();
            assertThat(g.tensors().keySet()).containsExactly("small", "q8", "q4k", "f16", "q6k");
            for (TensorInfo t : g.tensorList()) {
                assertThat(t.dataOffset() % 32).as(t.name()).isZero();
            }
            assertThat(g.tensor("q4k").dims()).containsExactly(256, 1, 2);
            assertThat(g.tensor("q6k").dims()).containsExactly(256, 1, 1, 1);
            assertThat(g.tensor("f16").type()).isEqualTo(GGMLType.F16);
            assertThat(g.tensorData(g.tensor("small")).toArray(FLOAT)).containsExactly(small);
            assertThat(g.tensorData(g.tensor("q8")).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(q8);
            assertThat(g.tensorData(g.tensor("q4k")).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(q4k);
            assertThat(g.tensorData(g.tensor("f16")).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(f16);
            assertThat(g.tensorData(g.tensor("q6k")).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(q6k);
            assertThat(g.fileSize()).isEqualTo(g.dataStart() + g.tensor("q6k").dataOffset() + 224);
        }
    }

    @Test
    void customAlignmentIsRecordedAndHonoured() throws IOException {
        Path f = dir.resolve("aligned.gguf");
        new GGUFWriter().alignment(256)
                .tensorF32("a", new long[] {1}, new float[] {1})
                .tensorF32("b", new long[] {3}, new float[] {4, 5, 6})
                .write(f);
        try (GGUFFile g = GGUFFile.open(f)) {
            assertThat(g.alignment()).isEqualTo(256);
            assertThat(g.metadata().get("general.alignment")).isEqualTo(256L);
            assertThat(g.dataStart() % 256).isZero();
            assertThat(g.tensor("b").dataOffset()).isEqualTo(256);
            assertThat(g.tensorData(g.tensor("b")).toArray(FLOAT)).containsExactly(4, 5, 6);
        }
    }

    @Test
    void anAlignmentGivenAsPlainMetadataIsHonouredToo() throws IOException {
        Path f = dir.resolve("aligned64.gguf");
        new GGUFWriter().put("general.alignment", GGUFValueType.UINT32, 64L)
                .tensorF32("a", new long[] {1}, new float[] {1})
                .tensorF32("b", new long[] {1}, new float[] {2})
                .write(f);
        try (GGUFFile g = GGUFFile.open(f)) {
            assertThat(g.alignment()).isEqualTo(64);
            assertThat(g.tensor("b").dataOffset()).isEqualTo(64);
        }
        assertThatThrownBy(() -> new GGUFWriter().alignment(48)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> new GGUFWriter().tensorF32("a", new long[] {1}, new float[] {1}).alignment(64))
                .hasMessageContaining("before adding tensors");
    }

    @Test
    void aCallbackThatWritesTheWrongSizeFailsNamingTheTensorAndLeavesNoFile() {
        Path f = dir.resolve("short.gguf");
        GGUFWriter w = new GGUFWriter().tensor("blk.0.ffn_up.weight", GGMLType.F32, new long[] {4},
                out -> out.write(new byte[12], 0, 12));
        assertThatThrownBy(() -> w.write(f)).isInstanceOf(IOException.class)
                .hasMessageContaining("blk.0.ffn_up.weight").hasMessageContaining("12").hasMessageContaining("16");
        assertThat(f).doesNotExist();
        assertThat(dir.resolve("short.gguf.partial")).doesNotExist();
    }

    @Test
    void badValuesAndDuplicatesAreRefusedUpFront() {
        GGUFWriter w = new GGUFWriter().putString("k", "v");
        assertThatThrownBy(() -> w.putString("k", "again")).hasMessageContaining("'k'");
        assertThatThrownBy(() -> w.put("u8", GGUFValueType.UINT8, 256)).hasMessageContaining("u8");
        assertThatThrownBy(() -> w.put("u32", GGUFValueType.UINT32, 1)).hasMessageContaining("Long");
        assertThatThrownBy(() -> w.putArray("a", GGUFValueType.FLOAT32, new int[] {1}))
                .hasMessageContaining("float[]");
        assertThatThrownBy(() -> w.putArray("a", GGUFValueType.UINT8, new int[] {1, -1}))
                .hasMessageContaining("a[1]");
        w.tensorF32("t", new long[] {1}, new float[] {0});
        assertThatThrownBy(() -> w.tensorF32("t", new long[] {1}, new float[] {0})).hasMessageContaining("'t'");
        assertThatThrownBy(() -> w.tensor("q", GGMLType.Q8_0, new long[] {31}, new byte[0]))
                .hasMessageContaining("block size 32");
        assertThatThrownBy(() -> w.tensor("z", GGMLType.F32, new long[] {0}, new byte[0]))
                .hasMessageContaining("non-positive");
    }

    @Test
    void aLargeTensorStreamsThroughWithoutSittingInMemory() throws IOException {
        // 48 MiB written in 64 KiB pieces: the writer's buffer is 1 MiB, so this crosses many flushes.
        Path f = dir.resolve("big.gguf");
        long rows = 48 * 16;
        new GGUFWriter().tensor("big", GGMLType.I8, new long[] {65536, rows}, out -> {
            byte[] row = new byte[65536];
            for (long r = 0; r < rows; r++) {
                java.util.Arrays.fill(row, (byte) r);
                out.write(row, 0, row.length);
            }
        }).write(f);
        try (GGUFFile g = GGUFFile.open(f)) {
            var data = g.tensorData(g.tensor("big"));
            assertThat(data.byteSize()).isEqualTo(65536 * rows);
            assertThat(data.get(ValueLayout.JAVA_BYTE, 65536L * 300 + 5)).isEqualTo((byte) 300);
            assertThat(data.get(ValueLayout.JAVA_BYTE, 65536L * rows - 1)).isEqualTo((byte) (rows - 1));
        }
        assertThat(Files.size(f)).isLessThan(65536 * rows + 4096);
    }

    private static byte[] randomBytes(Random r, long n) {
        byte[] b = new byte[(int) n];
        r.nextBytes(b);
        return b;
    }
}
