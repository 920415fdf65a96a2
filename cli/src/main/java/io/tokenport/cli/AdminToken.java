package io.tokenport.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The admin listener's bearer token, kept in a file only its owner can read. */
final class AdminToken {
    private AdminToken() {
    }

    /**
     * The token in {@code file}; when it does not exist and {@code create}, a new random one written there first
     * (mode 0600, created atomically so that no other user can ever read it).
     */
    static String readOrCreate(Path file, boolean create) throws IOException {
        if (Files.exists(file)) {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.length() < 16) {
                throw new IllegalArgumentException("the admin token in " + file + " is shorter than 16 characters");
            }
            return token;
        }
        if (!create) {
            throw new NoSuchFileException(file.toString(), null, "the admin token file given by --admin-token-file");
        }
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException raced) {
            return readOrCreate(file, false);
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        return token;
    }
}
