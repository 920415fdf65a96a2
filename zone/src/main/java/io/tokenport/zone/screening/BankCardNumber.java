package io.tokenport.zone.screening;

/**
 * A UnionPay bank card number: 16 to 19 digits, Luhn-valid (ISO/IEC 7812-1), issuer identification number starting
 * with 62 (UnionPay's range, 620000-629999, which domestic debit and credit cards use) or 81 (UnionPay's newer
 * range in the ISO/IEC 7812 register). Cards of international schemes (Visa 4, Mastercard 51-55 and 2221-2720,
 * ...) are not taken as domestic: their number alone does not say which country issued them.
 */
public final class BankCardNumber {
    /** Shortest card number. */
    public static final int MIN_LENGTH = 16;
    /** Longest card number. */
    public static final int MAX_LENGTH = 19;

    private BankCardNumber() {
    }

    /** Whether {@code text} is exactly a plausible UnionPay card number. */
    public static boolean isValid(CharSequence text) {
        int n = text.length();
        if (n < MIN_LENGTH || n > MAX_LENGTH) {
            return false;
        }
        char[] s = new char[n];
        for (int i = 0; i < n; i++) {
            s[i] = text.charAt(i);
        }
        return isValid(s, 0, n);
    }

    /** Whether the {@code n} ASCII digits at {@code s[off]} are a plausible UnionPay card number. */
    static boolean isValid(char[] s, int off, int n) {
        if (n < MIN_LENGTH || n > MAX_LENGTH) {
            return false;
        }
        boolean unionPay = (s[off] == '6' && s[off + 1] == '2') || (s[off] == '8' && s[off + 1] == '1');
        return unionPay && luhnValid(s, off, n);
    }

    /** The Luhn check digit to append to the digits of {@code payload}. */
    public static char luhnCheckDigit(CharSequence payload) {
        int sum = 0;
        // The check digit will sit to the right, so the payload's last digit is the first one doubled.
        for (int i = payload.length() - 1, k = 0; i >= 0; i--, k++) {
            int d = payload.charAt(i) - '0';
            if (d < 0 || d > 9) {
                throw new IllegalArgumentException("character " + (i + 1) + " of a card number is not a digit");
            }
            sum += k % 2 == 0 ? doubled(d) : d;
        }
        return (char) ('0' + (10 - sum % 10) % 10);
    }

    static boolean luhnValid(char[] s, int off, int n) {
        int sum = 0;
        for (int i = n - 1, k = 0; i >= 0; i--, k++) {
            int d = s[off + i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            sum += k % 2 == 1 ? doubled(d) : d;
        }
        return sum % 10 == 0;
    }

    private static int doubled(int d) {
        int x = 2 * d;
        return x > 9 ? x - 9 : x;
    }
}
