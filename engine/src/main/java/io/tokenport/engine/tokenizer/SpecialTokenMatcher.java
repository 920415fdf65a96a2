package io.tokenport.engine.tokenizer;

import java.util.Arrays;

/**
 * Cuts special tokens written in text out of it before the tokenizer proper sees it (llama.cpp's
 * {@code tokenizer_st_partition}): control, unknown and user-defined tokens, longest text (in UTF-8 bytes)
 * first; each one splits every remaining stretch of raw text at its leftmost non-overlapping occurrences.
 * User-defined tokens are cut out always, control and unknown tokens only when special tokens are parsed.
 *
 * <p>Most text contains no special token at all, so each candidate's first character is looked for once
 * before any full search.
 */
final class SpecialTokenMatcher {
    private final String[] texts;
    private final int[] ids;
    private final boolean[] parsedOnly;
    private final char[] firstChars;
    private final int[] firstCharOf;

    SpecialTokenMatcher(String[] tokenTexts, byte[] types) {
        // Candidates as (UTF-8 length, id) packed so that sorting puts the longest first, equal lengths by id.
        long[] order = new long[16];
        int n = 0;
        for (int id = 0; id < tokenTexts.length; id++) {
            TokenType t = TokenType.fromCode(types[id]);
            if ((t == TokenType.CONTROL || t == TokenType.UNKNOWN || t == TokenType.USER_DEFINED)
                    && !tokenTexts[id].isEmpty()) {
                if (n == order.length) {
                    order = Arrays.copyOf(order, n * 2);
                }
                long byteLength = Tokenizer.utf8(tokenTexts[id]).length;
                order[n++] = (-byteLength << 32) | id;
            }
        }
        Arrays.sort(order, 0, n);
        texts = new String[n];
        ids = new int[n];
        parsedOnly = new boolean[n];
        firstCharOf = new int[n];
        StringBuilder distinct = new StringBuilder();
        for (int k = 0; k < n; k++) {
            int id = (int) order[k];
            ids[k] = id;
            texts[k] = tokenTexts[id];
            parsedOnly[k] = TokenType.fromCode(types[id]) != TokenType.USER_DEFINED;
            char first = texts[k].charAt(0);
            int at = distinct.indexOf(String.valueOf(first));
            if (at < 0) {
                at = distinct.length();
                distinct.append(first);
            }
            firstCharOf[k] = at;
        }
        firstChars = distinct.toString().toCharArray();
    }

    /**
     * Splits {@code text} into fragments, as triples in {@code out}: start, end, and the token id for a special
     * token or -1 for raw text. Raw fragments are never empty.
     */
    void split(String text, boolean parseSpecial, IntList out) {
        out.clear();
        if (text.isEmpty()) {
            return;
        }
        out.add(0);
        out.add(text.length());
        out.add(-1);
        boolean[] present = null;
        for (int k = 0; k < texts.length; k++) {
            if (parsedOnly[k] && !parseSpecial) {
                continue;
            }
            if (present == null) {
                present = new boolean[firstChars.length];
                for (int c = 0; c < firstChars.length; c++) {
                    present[c] = text.indexOf(firstChars[c]) >= 0;
                }
            }
            if (!present[firstCharOf[k]] || !text.contains(texts[k])) {
                continue;
            }
            cut(text, texts[k], ids[k], out);
        }
    }

    private static void cut(String text, String token, int id, IntList fragments) {
        int[] old = fragments.toArray();
        fragments.clear();
        for (int f = 0; f < old.length; f += 3) {
            int start = old[f];
            int end = old[f + 1];
            if (old[f + 2] >= 0) {
                fragments.add(start);
                fragments.add(end);
                fragments.add(old[f + 2]);
                continue;
            }
            int from = start;
            while (true) {
                int at = text.indexOf(token, from, end);
                if (at < 0 || at + token.length() > end) {
                    break;
                }
                if (at > from) {
                    fragments.add(from);
                    fragments.add(at);
                    fragments.add(-1);
                }
                fragments.add(at);
                fragments.add(at + token.length());
                fragments.add(id);
                from = at + token.length();
            }
            if (from < end) {
                fragments.add(from);
                fragments.add(end);
                fragments.add(-1);
            }
        }
    }
}
