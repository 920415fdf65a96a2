package io.tokenport.audit;

/** What the zone's screening said about a request before any token was produced. */
public enum ScreeningVerdict {
    /** Screened and found free of domestic personal information and important data. */
    PASSED(1),
    /** Screened and refused. */
    BLOCKED(2),
    /** Not screened, because the request was refused earlier (for example, a domestic origin). */
    NOT_SCREENED(3);

    final int code;

    ScreeningVerdict(int code) {
        this.code = code;
    }

    static ScreeningVerdict ofCode(int code) {
        for (ScreeningVerdict v : values()) {
            if (v.code == code) {
                return v;
            }
        }
        throw new AuditException("transfer record: unknown screening verdict code " + code
                + " (known: 1 passed, 2 blocked, 3 not screened)");
    }
}
