package io.tokenport.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Reading the {@code --from} / {@code --to} of reports and exports. */
final class Times {
    private Times() {
    }

    /**
     * A day (YYYY-MM-DD, UTC) or an instant (2026-11-01T08:00:00Z). A day means the whole day: as the end of a
     * range ({@code end}), up to the start of the next one.
     *
     * @throws IllegalArgumentException naming {@code option} and the accepted forms
     */
    static Instant parse(String option, String value, boolean end) {
        try {
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                return (end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be a day such as 2026-11-01 or an instant such as"
                    + " 2026-11-01T08:00:00Z, got \"" + value + "\"");
        }
    }
}
