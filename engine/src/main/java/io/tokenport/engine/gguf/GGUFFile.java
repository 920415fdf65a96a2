package io.tokenport.engine.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An open GGUF model file (format versions 2 and 3): metadata, tensor infos, and tensor data mapped into
 * memory.
 *
 * <p>The whole file is memory-mapped once through the FFM API, so weights are never copied onto the heap and
 * files over 2 GB work. The mapping lives until {@link #close()}; tensor slices handed out before that must not
 * be used after it. The header is parsed by {@link GGUFParser}, which checks every count, size and offset
 * against the file before use.
 */
public final class GGUFFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final int version;
    private final GGUFMetadata metadata;
    private final Map<String, TensorInfo> tensors;
    private final long dataStart;
    private final int alignment;

    private GGUFFile(Path path, Arena arena, MemorySegment file, GGUFParser.Header header) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        this.version = header.version();
        this.metadata = header.metadata();
        this.tensors = Collections.unmodifiableMap(header.tensors());
        this.dataStart = header.dataStart();
        this.alignment = header.alignment();
    }

    /**
     * Opens and validates a GGUF file.
     *
     * @throws GGUFFormatException if the file is not a usable GGUF file (the message says why and where)
     * @throws IOException         if the file cannot be read
     */
    public static GGUFFile open(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "model file not found");
        }
        if (Files.isDirectory(path)) {
            throw new GGUFFormatException(path + ": is a directory, not a GGUF model file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            MemorySegment segment = size == 0 ? MemorySegment.NULL.reinterpret(0)
                    : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            GGUFParser.Header header = new GGUFParser(path.toString(), segment).parse();
            return new GGUFFile(path, arena, segment, header);
        } catch (RuntimeException | IOException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** The file's path. */
    public Path path() {
        return path;
    }

    /** GGUF format version (2 or 3). */
    public int version() {
        return version;
    }

    /** The key-value metadata. */
    public GGUFMetadata metadata() {
        return metadata;
    }

    /** Tensor infos by name, in file order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** Tensor infos in file order. */
    public List<TensorInfo> tensorList() {
        return List.copyOf(tensors.values());
    }

    /** The named tensor's info, or {@code null}. */
    public TensorInfo tensor(String name) {
        return tensors.get(name);
    }

    /** The named tensor's info; a {@link GGUFFormatException} naming the tensor when it is absent. */
    public TensorInfo requireTensor(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new GGUFFormatException(path + ": tensor '" + name + "' is missing");
        }
        return t;
    }

    /** A read-only view of the tensor's bytes in the mapped file. */
    public MemorySegment tensorData(TensorInfo tensor) {
        return file.asSlice(dataStart + tensor.dataOffset(), tensor.byteSize());
    }

    /** Offset in the file where tensor data begins. */
    public long dataStart() {
        return dataStart;
    }

    /** Alignment of tensor data ({@code general.alignment}, 32 by default). */
    public int alignment() {
        return alignment;
    }

    /** Size of the file in bytes. */
    public long fileSize() {
        return file.byteSize();
    }

    /** Unmaps the file. Tensor views obtained earlier become invalid. */
    @Override
    public void close() {
        arena.close();
    }

}
