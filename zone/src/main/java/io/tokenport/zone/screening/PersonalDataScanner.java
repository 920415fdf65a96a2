package io.tokenport.zone.screening;

/**
 * The built-in detectors in one left-to-right pass over the characters: resident identity numbers, credit codes,
 * mobile numbers and UnionPay card numbers.
 *
 * <p>Design: text is cut into <em>words</em>, maximal runs of ASCII letters, digits and underscores after
 * {@link TextFolding} (a dot between two digits joins too, so {@code 3.1415926535897932} is one word). A candidate
 * must be a whole word: a number inside a longer digit run, or glued to Latin letters as in a hash, a file name or a
 * tracking number, is not one; everything else (punctuation, spaces, CJK characters, kana, Hangul, Arabic letters)
 * is a boundary. Words of digits separated by single spaces or hyphens form a <em>sequence</em> such as
 * {@code +86 138-1234-5678} or {@code 6222 0212 3456 7890}. A whole sequence that is a known writing (3-4-4, 86
 * then 3-4-4 or 11 digits, 6-8-4, 6-4-4-4, groups of four) and passes its checks is one finding; otherwise each of
 * its words is tried alone. A sequence led by {@code +} is an international number: it holds a mainland mobile
 * number only right after the country code 86.
 *
 * <p>Work per character is constant (words longer than 19 characters are only counted, never stored, and a sequence
 * is settled word by word after eight words), so the scan is linear in the text length and allocates nothing.
 * One instance serves one thread.
 */
final class PersonalDataScanner {
    private static final int WORD_CAP = 19;
    private static final int MAX_GROUPS = 8;

    private static final int DIGITS = 0;
    /** Digits and a final X or x, as in an identity number's check character; ends a sequence. */
    private static final int DIGITS_X = 1;
    private static final int OTHER = 2;

    // The writings in groups: 138 1234 5678, 86 138 1234 5678, 86 13812345678, 0086 ..., 110105 19491231 002X,
    // 110105 1949 1231 002X.
    private static final int[] MOBILE_GROUPS = {3, 4, 4};
    private static final int[] CC_MOBILE_GROUPS = {2, 3, 4, 4};
    private static final int[] CC_MOBILE = {2, 11};
    private static final int[] LONG_CC_MOBILE_GROUPS = {4, 3, 4, 4};
    private static final int[] LONG_CC_MOBILE = {4, 11};
    private static final int[] ID_GROUPS = {6, 8, 4};
    private static final int[] ID_FOURS = {6, 4, 4, 4};

    // The current sequence: up to MAX_GROUPS words of at most WORD_CAP characters, then room for one more word.
    private final char[] seq = new char[(MAX_GROUPS + 1) * WORD_CAP];
    private final int[] groupStart = new int[MAX_GROUPS];
    private final int[] groupLen = new int[MAX_GROUPS];
    private final int[] groupKind = new int[MAX_GROUPS];
    private final char[] joined = new char[MAX_GROUPS * WORD_CAP];
    private int groups;
    private int seqChars;
    private int seqEnd;
    private boolean seqPlus;
    /** The sequence went on past MAX_GROUPS words: no grouped writing spans it, its words count alone. */
    private boolean seqTooLong;

    private int[] counts;
    private int todayYmd;

    /**
     * Adds to {@code counts} (indexed by {@link PersonalDataKind#ordinal()}) the findings in {@code text}, taking
     * birth dates after {@code todayYmd} (YYYYMMDD) as impossible.
     */
    void scan(CharSequence text, int todayYmd, int[] counts) {
        this.counts = counts;
        this.todayYmd = todayYmd;
        groups = 0;
        seqChars = 0;
        seqEnd = -1;
        seqTooLong = false;
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = TextFolding.fold(text.charAt(i));
            if (!isWordChar(c)) {
                i++;
                continue;
            }
            int start = i;
            boolean continues = groups > 0 && start == seqEnd + 1
                    && isSeparator(TextFolding.fold(text.charAt(seqEnd))) && groupKind[groups - 1] == DIGITS;
            if (!continues) {
                closeSequence();
            }
            // Read the word after the sequence's words (a full sequence leaves room for exactly one more).
            int base = seqChars;
            int len = 0;
            int digits = 0;
            boolean dotted = false;
            char last = 0;
            while (i < n) {
                c = TextFolding.fold(text.charAt(i));
                if (isWordChar(c)) {
                    if (len < WORD_CAP) {
                        seq[base + len] = c;
                    }
                } else if (c == '.' && isDigit(last) && i + 1 < n && isDigit(TextFolding.fold(text.charAt(i + 1)))) {
                    dotted = true;
                } else {
                    break;
                }
                if (isDigit(c)) {
                    digits++;
                }
                last = c;
                len++;
                i++;
            }
            int kind = dotted || len > WORD_CAP ? OTHER
                    : digits == len ? DIGITS
                    : digits == len - 1 && len > 1 && (last == 'X' || last == 'x') ? DIGITS_X
                    : OTHER;
            if (kind == OTHER) {
                // Not part of any writing in groups: ends the sequence and stands alone (only a credit code can).
                closeSequence();
                if (len == CreditCode.LENGTH) {
                    System.arraycopy(seq, base, seq, 0, len);
                    groupStart[0] = 0;
                    groupLen[0] = len;
                    groupKind[0] = OTHER;
                    groups = 1;
                    seqPlus = false;
                    seqTooLong = false;
                    match(0, 1);
                    groups = 0;
                }
                continue;
            }
            if (continues && groups == MAX_GROUPS) {
                // Too long a sequence for any writing to span it: settle its words, keep going word by word.
                System.arraycopy(seq, base, seq, MAX_GROUPS * WORD_CAP, Math.min(len, WORD_CAP));
                seqTooLong = true;
                closeSequence();
                System.arraycopy(seq, MAX_GROUPS * WORD_CAP, seq, 0, Math.min(len, WORD_CAP));
                base = 0;
            } else if (!continues) {
                seqPlus = start > 0 && TextFolding.fold(text.charAt(start - 1)) == '+';
                seqTooLong = false;
            }
            groupStart[groups] = base;
            groupLen[groups] = len;
            groupKind[groups] = kind;
            groups++;
            seqChars = base + len;
            seqEnd = i;
        }
        closeSequence();
        this.counts = null;
    }

    /**
     * Counts the findings in the current sequence and empties it: the whole sequence as one grouped writing, or
     * else each word alone. A grouped writing is never taken out of a longer sequence, for the same reason a number
     * is never taken out of a longer digit run: {@code 6212 7427 2960 9592 970} is a 19-digit number (valid or
     * not), not a 16-digit card followed by 970.
     */
    private void closeSequence() {
        if (groups < 2 || seqTooLong || !match(0, groups)) {
            for (int g = 0; g < groups; g++) {
                match(g, g + 1);
            }
        }
        groups = 0;
        seqChars = 0;
    }

    /** Whether words {@code s} (inclusive) to {@code e} (exclusive) are a finding; counts it if so. */
    private boolean match(int s, int e) {
        int k = e - s;
        int total = 0;
        for (int g = s; g < e; g++) {
            if (groupKind[g] != DIGITS && g != e - 1) {
                return false;
            }
            total += groupLen[g];
        }
        // Every writing has 11, 13, 15 or 16 to 19 characters: most words end here, before any copying.
        if (total < MobileNumber.LENGTH || total > WORD_CAP || total == 12 || total == 14) {
            return false;
        }
        int at = 0;
        for (int g = s; g < e; g++) {
            System.arraycopy(seq, groupStart[g], joined, at, groupLen[g]);
            at += groupLen[g];
        }
        int lastKind = groupKind[e - 1];
        boolean allDigits = lastKind == DIGITS;
        // After "+": only the country code 86 right after it makes a mainland mobile number.
        boolean mobileAllowed = !seqPlus;
        boolean countryCodeAllowed = !seqPlus || s == 0;
        if (k == 1) {
            return single(total, lastKind, mobileAllowed, countryCodeAllowed);
        }
        if (allDigits && shape(s, e, MOBILE_GROUPS) && mobileAllowed) {
            return found(MobileNumber.isValid(joined, 0), PersonalDataKind.MOBILE);
        }
        if (allDigits && (shape(s, e, CC_MOBILE_GROUPS) || shape(s, e, CC_MOBILE)) && countryCodeAllowed
                && joined[0] == '8' && joined[1] == '6') {
            return found(MobileNumber.isValid(joined, 2), PersonalDataKind.MOBILE);
        }
        if (allDigits && (shape(s, e, LONG_CC_MOBILE_GROUPS) || shape(s, e, LONG_CC_MOBILE)) && mobileAllowed
                && joined[0] == '0' && joined[1] == '0' && joined[2] == '8' && joined[3] == '6') {
            return found(MobileNumber.isValid(joined, 4), PersonalDataKind.MOBILE);
        }
        if (shape(s, e, ID_GROUPS) || shape(s, e, ID_FOURS)) {
            return found(ResidentIdNumber.isValid(joined, 0, todayYmd), PersonalDataKind.RESIDENT_ID);
        }
        // Card: groups of four, the last one shorter for 17 to 19 digits.
        if (allDigits && k >= 4 && total >= BankCardNumber.MIN_LENGTH) {
            for (int g = s; g < e - 1; g++) {
                if (groupLen[g] != 4) {
                    return false;
                }
            }
            return found(BankCardNumber.isValid(joined, 0, total), PersonalDataKind.BANK_CARD);
        }
        return false;
    }

    /** One word, already in {@code joined}. */
    private boolean single(int len, int kind, boolean mobileAllowed, boolean countryCodeAllowed) {
        char[] s = joined;
        return switch (len) {
            case 11 -> kind == DIGITS && mobileAllowed
                    && found(MobileNumber.isValid(s, 0), PersonalDataKind.MOBILE);
            case 13 -> kind == DIGITS && countryCodeAllowed && s[0] == '8' && s[1] == '6'
                    && found(MobileNumber.isValid(s, 2), PersonalDataKind.MOBILE);
            case 15 -> kind == DIGITS && mobileAllowed && s[0] == '0' && s[1] == '0' && s[2] == '8' && s[3] == '6'
                    && found(MobileNumber.isValid(s, 4), PersonalDataKind.MOBILE);
            case 18 -> (kind != OTHER && found(ResidentIdNumber.isValid(s, 0, todayYmd), PersonalDataKind.RESIDENT_ID))
                    || found(CreditCode.isValid(s, 0), PersonalDataKind.CREDIT_CODE)
                    || (kind == DIGITS && found(BankCardNumber.isValid(s, 0, len), PersonalDataKind.BANK_CARD));
            case 16, 17, 19 -> kind == DIGITS && found(BankCardNumber.isValid(s, 0, len), PersonalDataKind.BANK_CARD);
            default -> false;
        };
    }

    /** Whether words {@code s} to {@code e} have exactly the given lengths. */
    private boolean shape(int s, int e, int[] lengths) {
        if (lengths.length != e - s) {
            return false;
        }
        for (int g = 0; g < lengths.length; g++) {
            if (groupLen[s + g] != lengths[g]) {
                return false;
            }
        }
        return true;
    }

    private boolean found(boolean valid, PersonalDataKind kind) {
        if (valid) {
            counts[kind.ordinal()]++;
        }
        return valid;
    }

    private static boolean isWordChar(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '-';
    }
}
