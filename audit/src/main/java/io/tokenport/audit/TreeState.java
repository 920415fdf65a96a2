package io.tokenport.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * {@code tree.state}: the tree size and root the log last saved, with {@code leaves.bin} already synced up to
 * that size. On restart the leaf hashes of that prefix are taken from {@code leaves.bin} instead of re-hashing
 * every record, and the root recomputed from them must equal the saved root, so a damaged {@code leaves.bin}
 * is noticed and rebuilt. Layout: magic "TPSTATE1", u64 size, 32-byte root, u32 CRC-32C of the preceding
 * bytes. Replaced atomically (write, sync, rename, sync the directory).
 */
record TreeState(long size, Digest root) {

    static final String FILE = "tree.state";
    private static final byte[] MAGIC = {'T', 'P', 'S', 'T', 'A', 'T', 'E', '1'};
    private static final int LENGTH = 8 + 8 + Digest.SIZE + 4;

    /** The saved state, or {@code null} if there is none or it is unreadable (then everything is re-hashed). */
    static TreeState read(Path dir) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(dir.resolve(FILE));
        } catch (NoSuchFileException e) {
            return null;
        }
        if (bytes.length != LENGTH) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[8];
        b.get(magic);
        long size = b.getLong();
        byte[] root = new byte[Digest.SIZE];
        b.get(root);
        int storedCrc = b.getInt();
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, LENGTH - 4);
        if (!java.util.Arrays.equals(magic, MAGIC) || (int) crc.getValue() != storedCrc || size < 0) {
            return null;
        }
        return new TreeState(size, Digest.of(root));
    }

    void write(Path dir) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put(MAGIC).putLong(size).put(root.bytes());
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, LENGTH - 4);
        b.putInt((int) crc.getValue());
        Path tmp = dir.resolve(FILE + ".tmp");
        writeDurably(dir, tmp, dir.resolve(FILE), b.array());
    }

    /** Writes {@code bytes} to {@code target} so that after a crash it holds either the old or the new bytes. */
    static void writeDurably(Path dir, Path tmp, Path target, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            RecordFile.writeFully(ch, ByteBuffer.wrap(bytes), 0);
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new AuditException("the file system of " + dir + " cannot rename atomically; put the audit"
                    + " log on a local POSIX file system", e);
        }
        syncDirectory(dir);
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
