package io.tokenport.engine.tokenizer;

import java.util.Arrays;

/**
 * Cuts special tokens written in text out of it before the tokenizer proper sees it (llama.cpp's
 * {@code tokenizer_st_partition}): control, unknown and user-defined tokens, longest text (in UTF-8 bytes)
 * first; each one splits every remaining stretch of raw text at its leftmost non-overlapping occurrences.
 * User-defined tokens are cut out always, control and unknown tokens only when special tokens are parsed, and
 * then not inside literal ranges: the messages of a chat prompt, where such text must stay text.
 *
 * <p>Literal ranges start as fragments of their own kind ({@link #LITERAL}) that control tokens pass over and
 * user-defined tokens still cut. At the end they become raw text again and each run of adjacent raw fragments
 * is joined, so text crossing a range boundary is encoded as one stretch: the ids are those of the text without
 * ranges unless a special token's text overlaps a range (or crosses its boundary).
 *
 * <p>Most text contains no special token at all, so each candidate's first character is looked for once
 * before any full search.
 */
final class SpecialTokenMatcher {
    /** Fragment id of raw text. */
    private static final int RAW = -1;
    /** Fragment id, while splitting, of raw text inside a literal range. */
    private static final int LITERAL = -2;

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
     * token or {@link #RAW} for raw text. Raw fragments are never empty, and never adjacent.
     *
     * @param literalRanges flat {@code start, end} pairs, sorted and non-overlapping, where control and unknown
     *                      tokens are not recognised even with {@code parseSpecial}
     */
    void split(String text, boolean parseSpecial, int[] literalRanges, IntList out) {
        out.clear();
        if (text.isEmpty()) {
            return;
        }
        int from = 0;
        for (int r = 0; r < literalRanges.length; r += 2) {
            addFragment(out, from, literalRanges[r], RAW);
            addFragment(out, literalRanges[r], literalRanges[r + 1], LITERAL);
            from = literalRanges[r + 1];
        }
        addFragment(out, from, text.length(), RAW);
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
            cut(text, texts[k], ids[k], parsedOnly[k], out);
        }
        if (literalRanges.length > 0) {
            joinRaw(out);
        }
    }

    /** Cuts every occurrence of {@code token} out of the raw fragments it may be recognised in. */
    private static void cut(String text, String token, int id, boolean parsedOnly, IntList fragments) {
        int[] old = fragments.toArray();
        fragments.clear();
        for (int f = 0; f < old.length; f += 3) {
            int start = old[f];
            int end = old[f + 1];
            int kind = old[f + 2];
            if (kind >= 0 || (kind == LITERAL && parsedOnly)) {
                addFragment(fragments, start, end, kind);
                continue;
            }
            int from = start;
            while (true) {
                int at = text.indexOf(token, from, end);
                if (at < 0 || at + token.length() > end) {
                    break;
                }
                addFragment(fragments, from, at, kind);
                addFragment(fragments, at, at + token.length(), id);
                from = at + token.length();
            }
            addFragment(fragments, from, end, kind);
        }
    }

    /** Makes literal fragments raw and joins each run of adjacent raw fragments into one. */
    private static void joinRaw(IntList fragments) {
        int[] old = fragments.toArray();
        fragments.clear();
        for (int f = 0; f < old.length; f += 3) {
            int kind = old[f + 2] == LITERAL ? RAW : old[f + 2];
            int size = fragments.size();
            if (kind == RAW && size > 0 && fragments.get(size - 1) == RAW) {
                fragments.set(size - 2, old[f + 1]);
            } else {
                addFragment(fragments, old[f], old[f + 1], kind);
            }
        }
    }

    /** Appends a fragment; an empty one is left out (a special token is never empty). */
    private static void addFragment(IntList fragments, int start, int end, int kind) {
        if (start < end) {
            fragments.add(start);
            fragments.add(end);
            fragments.add(kind);
        }
    }
}
