package io.tokenport.engine.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes GGUF version 3 files: metadata, tensor infos, then tensor data streamed tensor by tensor.
 *
 * <p>Metadata and tensor infos are collected first; {@link #write(Path)} then emits the header and asks each
 * tensor's {@link TensorData} callback for its bytes in file order, so a multi-gigabyte model never sits in
 * memory: the callback produces a row or a block at a time into a {@link TensorOutput}, which goes through one
 * buffer to the file channel. The writer checks that each callback wrote exactly the tensor's size and pads
 * every tensor to the alignment. The file is written under a temporary name and moved into place at the end,
 * so an interrupted write never leaves a truncated model under the final name.
 *
 * <p>Metadata values use the reader's Java types (see {@link GGUFMetadata}): {@code Integer} for the 8-, 16- and
 * signed 32-bit types, {@code Long} for {@code UINT32}, {@code INT64}, {@code UINT64}, {@code Float},
 * {@code Double}, {@code Boolean}, {@code String}. Arrays are given as an {@link ArrayValue}: an element type
 * and a Java array ({@code int[]}, {@code long[]}, {@code float[]}, {@code double[]}, {@code boolean[]},
 * {@code String[]}, or {@code ArrayValue[]} for arrays of arrays). Values are range-checked against their type.
 *
 * <pre>{@code
 * new GGUFWriter()
 *     .putString("general.architecture", "llama")
 *     .putUInt32("llama.block_count", 12)
 *     .tensor("output_norm.weight", GGMLType.F32, new long[] {768}, out -> out.write(normBytes))
 *     .write(path);
 * }</pre>
 */
public final class GGUFWriter {
    /** An array value: its element type and a Java array holding the elements. */
    public record ArrayValue(GGUFValueType elementType, Object values) {
        public ArrayValue {
            Objects.requireNonNull(elementType, "elementType");
            Objects.requireNonNull(values, "values");
        }

        /** Number of elements. */
        public int length() {
            return java.lang.reflect.Array.getLength(values);
        }
    }

    /** Produces one tensor's bytes; called once, during {@link #write(Path)}, in file order. */
    @FunctionalInterface
    public interface TensorData {
        void writeTo(TensorOutput out) throws IOException;
    }

    private record PendingTensor(String name, GGMLType type, long[] dims, long byteSize, long offset,
                                 TensorData data) {
    }

    private static final int BUFFER_BYTES = 1 << 20;

    private final LinkedHashMap<String, Object> values = new LinkedHashMap<>();
    private final LinkedHashMap<String, GGUFValueType> types = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();
    private final Set<String> tensorNames = new HashSet<>();
    private int alignment = GGUFParser.DEFAULT_ALIGNMENT;
    private long nextOffset;

    /**
     * Sets the data alignment (a power of two up to 1 MiB, as readers accept) and records it as
     * {@code general.alignment}. Must be called before any tensor is added.
     */
    public GGUFWriter alignment(int alignment) {
        return put("general.alignment", GGUFValueType.UINT32, (long) alignment);
    }

    // ---- metadata ----

    /**
     * Adds a metadata key with an explicit type; see the class comment for the Java type each GGUF type takes.
     *
     * @throws IllegalArgumentException if the key is already present, or the value does not fit the type
     */
    public GGUFWriter put(String key, GGUFValueType type, Object value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type of " + key);
        checkValue(key, type, value);
        if (values.containsKey(key)) {
            throw new IllegalArgumentException("metadata key '" + key + "' is already set");
        }
        if (key.equals("general.alignment")) {
            useAlignment(value);
        }
        values.put(key, value);
        types.put(key, type);
        return this;
    }

    /** {@code general.alignment} decides where tensor data goes, so it is taken in as well as recorded. */
    private void useAlignment(Object value) {
        long a = value instanceof Integer i ? i : value instanceof Long l ? l : -1;
        if (a <= 0 || a > (1 << 20) || Long.bitCount(a) != 1) {
            throw new IllegalArgumentException("general.alignment must be a power of two up to 1 MiB, got " + value);
        }
        if (!tensors.isEmpty()) {
            throw new IllegalStateException("set general.alignment before adding tensors");
        }
        this.alignment = (int) a;
    }

    public GGUFWriter putString(String key, String value) {
        return put(key, GGUFValueType.STRING, value);
    }

    public GGUFWriter putBool(String key, boolean value) {
        return put(key, GGUFValueType.BOOL, value);
    }

    public GGUFWriter putInt32(String key, int value) {
        return put(key, GGUFValueType.INT32, value);
    }

    public GGUFWriter putUInt32(String key, long value) {
        return put(key, GGUFValueType.UINT32, value);
    }

    public GGUFWriter putUInt64(String key, long value) {
        return put(key, GGUFValueType.UINT64, value);
    }

    public GGUFWriter putFloat32(String key, float value) {
        return put(key, GGUFValueType.FLOAT32, value);
    }

    /** Adds an array; {@code javaArray} as described in {@link ArrayValue}. */
    public GGUFWriter putArray(String key, GGUFValueType elementType, Object javaArray) {
        return put(key, GGUFValueType.ARRAY, new ArrayValue(elementType, javaArray));
    }

    // ---- tensors ----

    /**
     * Adds a tensor whose bytes {@code data} writes later.
     *
     * @param dims dimensions innermost first, as in {@link TensorInfo}
     */
    public GGUFWriter tensor(String name, GGMLType type, long[] dims, TensorData data) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type of tensor " + name);
        Objects.requireNonNull(data, "data of tensor " + name);
        if (!tensorNames.add(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' is already added");
        }
        if (dims.length < 1 || dims.length > 4) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + dims.length + " dimensions (1 to 4)");
        }
        long elements = 1;
        for (long d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a non-positive dimension: "
                        + java.util.Arrays.toString(dims));
            }
            elements = Math.multiplyExact(elements, d);
        }
        if (dims[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': row length " + dims[0]
                    + " is not a multiple of the " + type + " block size " + type.blockSize());
        }
        long bytes = type.bytesFor(elements);
        tensors.add(new PendingTensor(name, type, dims.clone(), bytes, nextOffset, data));
        nextOffset = GGUFParser.alignUp(nextOffset + bytes, alignment);
        return this;
    }

    /** Adds a tensor from bytes already in memory (small tensors, tests). */
    public GGUFWriter tensor(String name, GGMLType type, long[] dims, byte[] bytes) {
        byte[] copy = bytes.clone();
        return tensor(name, type, dims, out -> out.write(copy, 0, copy.length));
    }

    /** Adds an F32 tensor from floats in memory. */
    public GGUFWriter tensorF32(String name, long[] dims, float[] floats) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(floats.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(floats);
        return tensor(name, GGMLType.F32, dims, b.array());
    }

    /** Bytes the tensor data section will take, padding included. */
    public long dataBytes() {
        return nextOffset;
    }

    // ---- output ----

    /**
     * Writes the file: header, then every tensor's data from its callback, in the order added.
     *
     * @throws IOException if writing fails or a callback wrote the wrong number of bytes (the file is then not
     *                     created)
     */
    public void write(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = (dir == null ? Path.of(".") : dir).resolve(path.getFileName() + ".partial");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            TensorOutput out = new TensorOutput(ch);
            writeHeader(out);
            long dataStart = GGUFParser.alignUp(out.position(), alignment);
            out.pad(dataStart - out.position());
            for (PendingTensor t : tensors) {
                out.pad(dataStart + t.offset() - out.position());
                out.begin(t.name(), t.byteSize());
                t.data().writeTo(out);
                out.end();
            }
            out.pad(dataStart + nextOffset - out.position());
            out.flush();
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void writeHeader(TensorOutput out) throws IOException {
        out.putInt(GGUFParser.MAGIC);
        out.putInt(3);
        out.putLong(tensors.size());
        out.putLong(values.size());
        for (Map.Entry<String, Object> e : values.entrySet()) {
            GGUFValueType type = types.get(e.getKey());
            out.putString(e.getKey());
            out.putInt(type.id());
            writeValue(out, type, e.getValue());
        }
        for (PendingTensor t : tensors) {
            out.putString(t.name());
            out.putInt(t.dims().length);
            for (long d : t.dims()) {
                out.putLong(d);
            }
            out.putInt(t.type().id());
            out.putLong(t.offset());
        }
    }

    private static void writeValue(TensorOutput out, GGUFValueType type, Object v) throws IOException {
        switch (type) {
            case UINT8, INT8 -> out.putByte((byte) (int) (Integer) v);
            case UINT16, INT16 -> out.putShort((short) (int) (Integer) v);
            case INT32 -> out.putInt((Integer) v);
            case UINT32 -> out.putInt((int) (long) (Long) v);
            case UINT64, INT64 -> out.putLong((Long) v);
            case FLOAT32 -> out.putInt(Float.floatToRawIntBits((Float) v));
            case FLOAT64 -> out.putLong(Double.doubleToRawLongBits((Double) v));
            case BOOL -> out.putByte((byte) ((Boolean) v ? 1 : 0));
            case STRING -> out.putString((String) v);
            case ARRAY -> {
                ArrayValue a = (ArrayValue) v;
                out.putInt(a.elementType().id());
                int n = a.length();
                out.putLong(n);
                for (int i = 0; i < n; i++) {
                    writeValue(out, a.elementType(), element(a, i));
                }
            }
        }
    }

    /** Element {@code i} of an array value, boxed as its scalar type expects. */
    private static Object element(ArrayValue a, int i) {
        return switch (a.values()) {
            case int[] x -> x[i];
            case long[] x -> x[i];
            case float[] x -> x[i];
            case double[] x -> x[i];
            case boolean[] x -> x[i];
            case Object[] x -> x[i];
            default -> throw new IllegalArgumentException("unsupported array " + a.values().getClass());
        };
    }

    private static void checkValue(String key, GGUFValueType type, Object v) {
        Objects.requireNonNull(v, () -> "value of metadata key '" + key + "'");
        String bad = switch (type) {
            case UINT8 -> v instanceof Integer i && i >= 0 && i <= 0xFF ? null : "an Integer in 0..255";
            case INT8 -> v instanceof Integer i && i >= Byte.MIN_VALUE && i <= Byte.MAX_VALUE ? null
                    : "an Integer in -128..127";
            case UINT16 -> v instanceof Integer i && i >= 0 && i <= 0xFFFF ? null : "an Integer in 0..65535";
            case INT16 -> v instanceof Integer i && i >= Short.MIN_VALUE && i <= Short.MAX_VALUE ? null
                    : "an Integer in -32768..32767";
            case INT32 -> v instanceof Integer ? null : "an Integer";
            case UINT32 -> v instanceof Long l && l >= 0 && l <= 0xFFFF_FFFFL ? null : "a Long in 0..2^32-1";
            case UINT64, INT64 -> v instanceof Long ? null : "a Long";
            case FLOAT32 -> v instanceof Float ? null : "a Float";
            case FLOAT64 -> v instanceof Double ? null : "a Double";
            case BOOL -> v instanceof Boolean ? null : "a Boolean";
            case STRING -> v instanceof String ? null : "a String";
            case ARRAY -> v instanceof ArrayValue ? null : "an ArrayValue";
        };
        if (bad != null) {
            throw new IllegalArgumentException("metadata key '" + key + "' of type " + type + " needs " + bad
                    + ", got " + v.getClass().getSimpleName() + " " + v);
        }
        if (v instanceof ArrayValue a) {
            Class<?> expected = switch (a.elementType()) {
                case UINT8, INT8, UINT16, INT16, INT32 -> int[].class;
                case UINT32, UINT64, INT64 -> long[].class;
                case FLOAT32 -> float[].class;
                case FLOAT64 -> double[].class;
                case BOOL -> boolean[].class;
                case STRING -> String[].class;
                case ARRAY -> ArrayValue[].class;
            };
            if (!expected.isInstance(a.values())) {
                throw new IllegalArgumentException("array '" + key + "' of " + a.elementType() + " needs a "
                        + expected.getSimpleName() + ", got " + a.values().getClass().getSimpleName());
            }
            int n = a.length();
            for (int i = 0; i < n; i++) {
                checkValue(key + "[" + i + "]", a.elementType(), element(a, i));
            }
        }
    }

    /**
     * Where tensor bytes go: one buffer in front of the file channel. Callbacks write exactly their tensor's
     * size; the writer checks the count.
     */
    public static final class TensorOutput {
        private final FileChannel channel;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        private long flushed;
        private String tensor;
        private long tensorStart;
        private long tensorBytes;

        private TensorOutput(FileChannel channel) {
            this.channel = channel;
        }

        /** Writes {@code len} bytes from {@code b[off..]}. */
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            while (len > 0) {
                if (!buf.hasRemaining()) {
                    drain();
                }
                int n = Math.min(len, buf.remaining());
                buf.put(b, off, n);
                off += n;
                len -= n;
            }
        }

        /** Writes the remaining bytes of {@code src}. */
        public void write(ByteBuffer src) throws IOException {
            while (src.hasRemaining()) {
                if (!buf.hasRemaining()) {
                    drain();
                }
                int n = Math.min(src.remaining(), buf.remaining());
                ByteBuffer slice = src.slice(src.position(), n);
                buf.put(slice);
                src.position(src.position() + n);
            }
        }

        /** Bytes written to the file so far (header included). */
        public long position() {
            return flushed + buf.position();
        }

        void begin(String name, long bytes) {
            tensor = name;
            tensorStart = position();
            tensorBytes = bytes;
        }

        void end() throws IOException {
            long written = position() - tensorStart;
            if (written != tensorBytes) {
                throw new IOException("tensor '" + tensor + "': its data callback wrote " + written
                        + " bytes, the tensor takes " + tensorBytes);
            }
            tensor = null;
        }

        void putByte(byte v) throws IOException {
            ensure(1);
            buf.put(v);
        }

        void putShort(short v) throws IOException {
            ensure(2);
            buf.putShort(v);
        }

        void putInt(int v) throws IOException {
            ensure(4);
            buf.putInt(v);
        }

        void putLong(long v) throws IOException {
            ensure(8);
            buf.putLong(v);
        }

        void putString(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            putLong(b.length);
            write(b, 0, b.length);
        }

        void pad(long n) throws IOException {
            if (n < 0) {
                throw new IllegalStateException("tensor data overran its slot by " + -n + " bytes");
            }
            for (long i = 0; i < n; i++) {
                putByte((byte) 0);
            }
        }

        void flush() throws IOException {
            drain();
        }

        private void ensure(int n) throws IOException {
            if (buf.remaining() < n) {
                drain();
            }
        }

        private void drain() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                flushed += channel.write(buf);
            }
            buf.clear();
        }
    }
}
