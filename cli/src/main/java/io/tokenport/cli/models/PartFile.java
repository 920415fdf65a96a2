package io.tokenport.cli.models;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The {@code .part} file with the running SHA-256 of its bytes: both always cover exactly the same bytes, also
 * when a read breaks off mid-way, so a resume continues the hash where the file ends.
 */
final class PartFile {
    private final FileChannel channel;
    private final MessageDigest digest = ModelDownloader.newSha256();
    private long length;

    PartFile(FileChannel channel) throws IOException {
        this.channel = channel;
        this.length = channel.size();
    }

    long length() {
        return length;
    }

    void hashExisting() throws IOException {
        ModelDownloader.hashPrefix(channel, length, digest);
    }

    void append(ByteBuffer bytes) throws IOException {
        int n = bytes.remaining();
        int start = bytes.position();
        while (bytes.hasRemaining()) {
            channel.write(bytes, length + bytes.position() - start);
        }
        digest.update(bytes.flip().position(start));
        length += n;
    }

    void restart() throws IOException {
        channel.truncate(0);
        digest.reset();
        length = 0;
    }

    String sha256() {
        return HexFormat.of().formatHex(digest.digest());
    }

    void force() throws IOException {
        channel.force(true);
    }
}
