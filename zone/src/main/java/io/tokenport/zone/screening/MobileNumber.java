package io.tokenport.zone.screening;

/**
 * A mainland China mobile number: 11 digits, {@code 1} then {@code 3}-{@code 9} (the number segments the MIIT
 * allocates to mobile networks), written alone, grouped 3-4-4, or after the country code 86 ({@code +86},
 * {@code 0086}, {@code 86}). Which groupings and prefixes the scanner accepts is decided in
 * {@link PersonalDataScanner}; this class only says whether 11 digits look like a mobile number.
 */
public final class MobileNumber {
    /** Length of a mobile number without country code. */
    public static final int LENGTH = 11;

    private MobileNumber() {
    }

    /** Whether {@code text} is exactly 11 digits of a mainland mobile number. */
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

    /** Whether the 11 characters at {@code s[off]} are a mainland mobile number. */
    static boolean isValid(char[] s, int off) {
        if (s[off] != '1' || s[off + 1] < '3' || s[off + 1] > '9') {
            return false;
        }
        for (int i = 2; i < LENGTH; i++) {
            if (s[off + i] < '0' || s[off + i] > '9') {
                return false;
            }
        }
        return true;
    }
}
