package io.tokenport.zone.screening;

/**
 * The 18-character unified social credit code of GB 32100-2015: a registration authority, an organisation type,
 * the six-digit administrative division, the nine-character organisation code (GB 11714, with its own check
 * character) and a final check character. The alphabet is {@code 0-9A-HJ-NPQRTUWXY} (no I, O, S, V, Z); the final
 * character is {@code (31 - sum mod 31) mod 31} where position i weighs 3^i mod 31.
 *
 * <p>Both check characters, the authority and type codes and the province are tested, so a random 18-character run
 * from the alphabet passes about one time in thirty thousand.
 */
public final class CreditCode {
    /** Length of a credit code. */
    public static final int LENGTH = 18;
    /** The 31 characters of the code, in the order of their values 0 to 30. */
    public static final String ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static final int[] VALUE = new int[128];
    private static final int[] WEIGHTS = new int[LENGTH - 1];
    /** GB 11714-1997 weights of the organisation code's eight body characters. */
    private static final int[] ORGANISATION_WEIGHTS = {3, 7, 9, 10, 5, 8, 4, 2};
    /**
     * Registration authorities (1 establishment, 2 foreign affairs, 3 justice, 4 culture, 5 civil affairs,
     * 6 tourism, 7 religion, 8 trade unions, 9 market regulation, A central military, N agriculture, Y others).
     */
    private static final String AUTHORITIES = "123456789ANY";
    /** Organisation types under any authority (1 to 5, and 9 for "other"). */
    private static final String TYPES = "123459";

    static {
        java.util.Arrays.fill(VALUE, -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            VALUE[ALPHABET.charAt(i)] = i;
        }
        int w = 1;
        for (int i = 0; i < WEIGHTS.length; i++) {
            WEIGHTS[i] = w;
            w = w * 3 % 31;
        }
    }

    private CreditCode() {
    }

    /**
     * The final check character for the first 17 characters of {@code code}.
     *
     * @throws IllegalArgumentException if one of them is outside the alphabet
     */
    public static char checkCharacter(CharSequence code) {
        if (code.length() < LENGTH - 1) {
            throw new IllegalArgumentException("a credit code needs 17 characters before its check character, got "
                    + code.length());
        }
        int sum = 0;
        for (int i = 0; i < LENGTH - 1; i++) {
            int v = value(code.charAt(i));
            if (v < 0) {
                throw new IllegalArgumentException("character " + (i + 1) + " of a credit code is outside "
                        + ALPHABET);
            }
            sum += v * WEIGHTS[i];
        }
        return ALPHABET.charAt((31 - sum % 31) % 31);
    }

    /**
     * The GB 11714 check character (position 17 of a credit code) for the eight organisation code characters
     * at positions 9 to 16 of {@code code}: {@code 11 - (sum mod 11)}, where 10 is written X and 11 is 0.
     */
    public static char organisationCheckCharacter(CharSequence code) {
        char[] s = new char[LENGTH];
        for (int i = 8; i < 16; i++) {
            s[i] = code.charAt(i);
        }
        char check = organisationCheck(s, 0);
        if (check == 0) {
            throw new IllegalArgumentException("characters 9 to 16 of a credit code must be 0-9 or A-Z");
        }
        return check;
    }

    /** The organisation code check character of the code at {@code s[off]}, or 0 if its body is not 0-9A-Z. */
    private static char organisationCheck(char[] s, int off) {
        int sum = 0;
        for (int i = 0; i < ORGANISATION_WEIGHTS.length; i++) {
            char c = s[off + 8 + i];
            int v = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : -1;
            if (v < 0) {
                return 0;
            }
            sum += v * ORGANISATION_WEIGHTS[i];
        }
        int c = 11 - sum % 11;
        return c == 10 ? 'X' : c == 11 ? '0' : (char) ('0' + c);
    }

    /** Whether {@code text} is exactly a plausible credit code. */
    public static boolean isValid(CharSequence text) {
        if (text.length() != LENGTH) {
            return false;
        }
        char[] s = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            s[i] = text.charAt(i);
        }
        return isValid(s, 0);
    }

    /** Whether the 18 characters at {@code s[off]} are a plausible credit code (upper case only). */
    static boolean isValid(char[] s, int off) {
        int sum = 0;
        for (int i = 0; i < LENGTH - 1; i++) {
            int v = value(s[off + i]);
            if (v < 0) {
                return false;
            }
            sum += v * WEIGHTS[i];
        }
        if (s[off + LENGTH - 1] != ALPHABET.charAt((31 - sum % 31) % 31)) {
            return false;
        }
        if (AUTHORITIES.indexOf(s[off]) < 0 || TYPES.indexOf(s[off + 1]) < 0) {
            return false;
        }
        for (int i = 2; i < 8; i++) {
            if (s[off + i] < '0' || s[off + i] > '9') {
                return false;
            }
        }
        // Central bodies register under 100000, everyone else under a province.
        boolean central = s[off + 2] == '1' && s[off + 3] == '0';
        if (!central && !AdministrativeDivisions.isProvince(s, off + 2)) {
            return false;
        }
        return s[off + 16] == organisationCheck(s, off);
    }

    private static int value(char c) {
        return c < 128 ? VALUE[c] : -1;
    }
}
