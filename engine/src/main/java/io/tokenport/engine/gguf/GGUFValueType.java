package io.tokenport.engine.gguf;

/** Metadata value types of the GGUF format, with their on-disk ids. */
public enum GGUFValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, 8),
    ARRAY(9, 12),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private final int id;
    private final int minBytes;

    GGUFValueType(int id, int minBytes) {
        this.id = id;
        this.minBytes = minBytes;
    }

    /** The id written in the file. */
    public int id() {
        return id;
    }

    /** The fewest bytes one value of this type can take; bounds element counts before anything is allocated. */
    int minBytes() {
        return minBytes;
    }

    /** The type with this id, or {@code null}. */
    public static GGUFValueType byId(int id) {
        for (GGUFValueType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }
}
