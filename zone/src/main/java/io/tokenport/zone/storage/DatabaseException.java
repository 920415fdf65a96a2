package io.tokenport.zone.storage;

/** The database could not be opened, migrated, read or written. */
public final class DatabaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
