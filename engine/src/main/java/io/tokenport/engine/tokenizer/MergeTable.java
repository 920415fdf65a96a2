package io.tokenport.engine.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A byte-level BPE merge list ({@code tokenizer.ggml.merges}, one {@code "left right"} line per rank) turned
 * into ids, so that merging compares and looks up ints only.
 *
 * <p>A symbol is a string of the GPT-2 alphabet; its id is the token id where the string is a token, and an id
 * from {@code vocabSize} on otherwise (well-formed vocabularies have none; llama.cpp handles such strings, so
 * this does too). Merge {@code r} joins {@link #left}{@code (r)} and {@link #right}{@code (r)} into
 * {@link #result}{@code (r)}; where a pair is listed twice, the first rank counts, as in llama.cpp.
 */
final class MergeTable {
    private final int vocabSize;
    private final TokenTextTable tokens;
    private final PairRanks ranks;
    private final int[] left;
    private final int[] right;
    private final int[] result;
    private final int[] byteSymbol = new int[256];
    private final List<String> extraSymbols = new ArrayList<>();
    private final Map<String, Integer> extraIds = new HashMap<>();

    MergeTable(String[] merges, TokenTextTable tokens, int vocabSize) {
        this.tokens = tokens;
        this.vocabSize = vocabSize;
        char[] buf = new char[64];
        for (int b = 0; b < 256; b++) {
            buf[0] = ByteMapping.charOf(b);
            byteSymbol[b] = symbol(buf, 0, 1, TokenTextTable.hash(buf, 0, 1));
        }
        ranks = new PairRanks(merges.length);
        left = new int[merges.length];
        right = new int[merges.length];
        result = new int[merges.length];
        for (int rank = 0; rank < merges.length; rank++) {
            String merge = merges[rank];
            int space = merge.indexOf(' ', 1);
            if (space < 0) {
                left[rank] = -1; // a malformed line: no pair of symbols matches it
                continue;
            }
            // Copied without the space, left, right and the merged text are three ranges of one buffer, and the
            // merged text's hash follows from the halves'.
            int rightLength = merge.length() - space - 1;
            int length = space + rightLength;
            if (buf.length < length) {
                buf = new char[Math.max(length, buf.length * 2)];
            }
            merge.getChars(0, space, buf, 0);
            merge.getChars(space + 1, merge.length(), buf, space);
            int leftHash = TokenTextTable.hash(buf, 0, space);
            int rightHash = TokenTextTable.hash(buf, space, rightLength);
            left[rank] = symbol(buf, 0, space, leftHash);
            right[rank] = symbol(buf, space, rightLength, rightHash);
            result[rank] = symbol(buf, 0, length, TokenTextTable.concatenationHash(leftHash, rightHash, rightLength));
            ranks.putIfAbsent(left[rank], right[rank], rank);
        }
    }

    /** The symbol of a single byte. */
    int byteSymbol(int b) {
        return byteSymbol[b];
    }

    /** The rank of the merge joining two symbols, or -1. */
    int rank(int leftSymbol, int rightSymbol) {
        return ranks.rank(leftSymbol, rightSymbol);
    }

    int left(int rank) {
        return left[rank];
    }

    int right(int rank) {
        return right[rank];
    }

    int result(int rank) {
        return result[rank];
    }

    /** The text of a symbol that is no token (id from the vocabulary size on). */
    String extraSymbolText(int symbol) {
        return extraSymbols.get(symbol - vocabSize);
    }

    private int symbol(char[] buf, int off, int len, int hash) {
        int id = tokens.find(buf, off, len, hash);
        if (id >= 0) {
            return id;
        }
        return extraIds.computeIfAbsent(new String(buf, off, len), text -> {
            extraSymbols.add(text);
            return vocabSize + extraSymbols.size() - 1;
        });
    }
}
