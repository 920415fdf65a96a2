package io.tokenport.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * The framing of {@code records.log}: an 8-byte magic, then one frame per record:
 *
 * <pre>
 *   u32 payload length (1..65536), u32 CRC-32C of the payload, payload (the record's canonical bytes)
 * </pre>
 *
 * All integers are big-endian. A frame that is cut short or whose checksum does not match marks where an
 * interrupted append stopped.
 */
final class RecordFile {

    static final byte[] MAGIC = {'T', 'P', 'A', 'U', 'D', 'I', 'T', 1};
    static final int HEADER = MAGIC.length;
    static final int FRAME_OVERHEAD = 8;
    static final int MAX_PAYLOAD = 1 << 16;

    private RecordFile() {
    }

    static void writeFrame(ByteBuffer out, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        out.putInt(payload.length);
        out.putInt((int) crc.getValue());
        out.put(payload);
    }

    /** Receives each valid frame of a scan. */
    interface FrameVisitor {
        void frame(long index, long offset, byte[] payload);
    }

    /** Where a scan stopped: at the end of the file, or at a frame that is not whole and valid. */
    record ScanEnd(long frames, long validEnd, String problem) {
    }

    /** Reads frames from {@link #HEADER} on, until the end of the file or the first bad frame. */
    static ScanEnd scan(FileChannel channel, FrameVisitor visitor) throws IOException {
        long fileSize = channel.size();
        ByteBuffer header = ByteBuffer.allocate(FRAME_OVERHEAD);
        long offset = HEADER;
        long index = 0;
        CRC32C crc = new CRC32C();
        while (offset < fileSize) {
            if (fileSize - offset < FRAME_OVERHEAD) {
                return new ScanEnd(index, offset, "frame header cut short (" + (fileSize - offset) + " of 8 bytes)");
            }
            header.clear();
            readFully(channel, header, offset);
            header.flip();
            int length = header.getInt();
            int expectedCrc = header.getInt();
            if (length <= 0 || length > MAX_PAYLOAD) {
                return new ScanEnd(index, offset, "frame length " + Integer.toUnsignedString(length)
                        + " is outside 1.." + MAX_PAYLOAD);
            }
            if (fileSize - offset - FRAME_OVERHEAD < length) {
                return new ScanEnd(index, offset, "payload cut short (" + (fileSize - offset - FRAME_OVERHEAD)
                        + " of " + length + " bytes)");
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(channel, payload, offset + FRAME_OVERHEAD);
            crc.reset();
            crc.update(payload.array());
            if ((int) crc.getValue() != expectedCrc) {
                return new ScanEnd(index, offset, "checksum mismatch");
            }
            visitor.frame(index, offset, payload.array());
            offset += FRAME_OVERHEAD + length;
            index++;
        }
        return new ScanEnd(index, offset, null);
    }

    /** Reads the payload of the frame at {@code offset}, checking its checksum. */
    static byte[] readPayload(FileChannel channel, long offset) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(FRAME_OVERHEAD);
        readFully(channel, header, offset);
        header.flip();
        int length = header.getInt();
        int expectedCrc = header.getInt();
        if (length <= 0 || length > MAX_PAYLOAD) {
            throw new AuditException("records.log: frame at byte " + offset + " has length "
                    + Integer.toUnsignedString(length) + ", the file is damaged");
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(channel, payload, offset + FRAME_OVERHEAD);
        CRC32C crc = new CRC32C();
        crc.update(payload.array());
        if ((int) crc.getValue() != expectedCrc) {
            throw new AuditException("records.log: frame at byte " + offset + " fails its checksum, the file is"
                    + " damaged");
        }
        return payload.array();
    }

    static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long p = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, p);
            if (n < 0) {
                throw new AuditException("records.log: unexpected end of file at byte " + p);
            }
            p += n;
        }
    }

    static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long p = position;
        while (buffer.hasRemaining()) {
            p += channel.write(buffer, p);
        }
    }
}
