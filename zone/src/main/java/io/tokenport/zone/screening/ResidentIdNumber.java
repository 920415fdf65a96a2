package io.tokenport.zone.screening;

import java.time.LocalDate;

/**
 * The 18-character PRC resident identity number of GB 11643-1999: six digits of the place of household
 * registration, eight of the birth date (YYYYMMDD), three of a sequence number, and a check character computed
 * with ISO 7064 MOD 11-2 ({@code 0-9} or {@code X}). A number counts only if all four parts are plausible: a
 * random 18-digit run passes the check character alone one time in eleven, the check, date and province together
 * about one time in two thousand.
 */
public final class ResidentIdNumber {
    /** Length of an identity number. */
    public static final int LENGTH = 18;

    /** Weight of position i is 2^(17 - i) mod 11 (ISO 7064 MOD 11-2). */
    private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    /** The check character for each remainder of the weighted sum: (12 - sum mod 11) mod 11, 10 written X. */
    private static final char[] CHECK = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
    private static final int EARLIEST_BIRTH = 1900_01_01;

    private ResidentIdNumber() {
    }

    /**
     * The check character for the first 17 digits of {@code digits}.
     *
     * @throws IllegalArgumentException if one of them is not an ASCII digit
     */
    public static char checkCharacter(CharSequence digits) {
        if (digits.length() < LENGTH - 1) {
            throw new IllegalArgumentException("an identity number needs 17 digits before its check character, got "
                    + digits.length() + " characters");
        }
        int sum = 0;
        for (int i = 0; i < LENGTH - 1; i++) {
            int d = digits.charAt(i) - '0';
            if (d < 0 || d > 9) {
                throw new IllegalArgumentException("character " + (i + 1) + " of an identity number is not a digit");
            }
            sum += d * WEIGHTS[i];
        }
        return CHECK[sum % 11];
    }

    /** Whether {@code text} is exactly a plausible identity number for someone born no later than {@code today}. */
    public static boolean isValid(CharSequence text, LocalDate today) {
        if (text.length() != LENGTH) {
            return false;
        }
        char[] s = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            s[i] = text.charAt(i);
        }
        return isValid(s, 0, toYmd(today));
    }

    /** {@code today} as the integer YYYYMMDD, the form the scanner compares birth dates with. */
    static int toYmd(LocalDate today) {
        return today.getYear() * 10_000 + today.getMonthValue() * 100 + today.getDayOfMonth();
    }

    /** Whether the 18 ASCII characters at {@code s[off]} are a plausible identity number; X may be lower case. */
    static boolean isValid(char[] s, int off, int todayYmd) {
        int sum = 0;
        for (int i = 0; i < LENGTH - 1; i++) {
            int d = s[off + i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            sum += d * WEIGHTS[i];
        }
        char last = s[off + LENGTH - 1] == 'x' ? 'X' : s[off + LENGTH - 1];
        return last == CHECK[sum % 11]
                && AdministrativeDivisions.isPlausibleResidence(s, off)
                && isBirthDate(digits(s, off + 6, 8), todayYmd);
    }

    private static int digits(char[] s, int off, int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            v = v * 10 + (s[off + i] - '0');
        }
        return v;
    }

    private static boolean isBirthDate(int ymd, int todayYmd) {
        if (ymd < EARLIEST_BIRTH || ymd > todayYmd) {
            return false;
        }
        int year = ymd / 10_000;
        int month = ymd / 100 % 100;
        int day = ymd % 100;
        return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
    }

    private static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }
}
