package io.tokenport.engine.tokenizer;

/**
 * SentencePiece-style tokenization as llama.cpp does it for {@code tokenizer.ggml.model = "llama"}.
 *
 * <p>Text gets a leading space when the vocabulary asks for it (at the start and after each special token),
 * spaces become {@code ▁}, and each code point starts as its own symbol. Then, repeatedly, the adjacent pair
 * whose concatenation is a token with the highest score is merged (ties: the leftmost pair), until no pair
 * forms a token. A symbol left that is no token is written as its UTF-8 bytes, {@code <0xNN>} byte tokens
 * (or, without them, the unknown token).
 *
 * <p>Symbols are spans of one UTF-8 buffer, so "is this pair a token" is a lookup of a buffer slice in a
 * {@link ByteStringTable}; candidate pairs wait in a {@link MergeQueue} and are checked for staleness when
 * taken out (a symbol that has grown since no longer has the pair's length).
 */
final class SentencePieceTokenizer extends Tokenizer {
    private static final char SPACE_MARK = '\u2581';

    private final ByteStringTable tokens;
    private final float[] scores;
    private final int[] textLength;
    private final int[] byteTokens = new int[256];
    private final boolean addSpacePrefix;

    SentencePieceTokenizer(Vocabulary vocabulary) {
        super(vocabulary, SentencePieceTokenizer::render, false);
        String[] texts = vocabulary.tokens();
        int n = texts.length;
        byte[][] keys = new byte[n][];
        textLength = new int[n];
        for (int i = 0; i < n; i++) {
            keys[i] = utf8(texts[i]);
            textLength[i] = keys[i].length;
        }
        tokens = new ByteStringTable(keys);
        scores = vocabulary.scores() != null ? vocabulary.scores() : new float[n];
        addSpacePrefix = vocabulary.addSpacePrefix();
        for (int b = 0; b < 256; b++) {
            int id = tokenId(String.format("<0x%02X>", b));
            if (id < 0 && b < 0x80) {
                id = tokenId(String.valueOf((char) b));
            }
            byteTokens[b] = id >= 0 ? id : vocabulary.special().unknown();
        }
    }

    /** llama.cpp's token-to-piece rules for SentencePiece vocabularies. */
    private static int render(String text, TokenType type, byte[] pool, int at) {
        return switch (type) {
            case CONTROL, UNKNOWN, USER_DEFINED -> putUtf8(text, pool, at);
            case NORMAL -> putUtf8(text.replace(SPACE_MARK, ' '), pool, at);
            case BYTE -> putByte(text, pool, at);
            case UNUSED, UNDEFINED -> at;
        };
    }

    /** The byte of a {@code <0xNN>} token; nothing if the text is not of that form. */
    private static int putByte(String text, byte[] pool, int at) {
        if (text.length() == 6 && text.startsWith("<0x") && text.charAt(5) == '>') {
            int hi = Character.digit(text.charAt(3), 16);
            int lo = Character.digit(text.charAt(4), 16);
            if (hi >= 0 && lo >= 0) {
                pool[at++] = (byte) (hi * 16 + lo);
            }
        }
        return at;
    }

    @Override
    void encodeText(String text, int start, int end, boolean afterSpecial, IntList out) {
        // The escaped text as UTF-8: an optional leading space, every space as ▁ (3 bytes).
        byte[] buf = new byte[3 + (end - start) * 3];
        int len = 0;
        if (addSpacePrefix && afterSpecial) {
            len = Utf8.put(buf, len, SPACE_MARK);
        }
        for (int i = start; i < end; i++) {
            int cp = text.codePointAt(i);
            if (cp >= 0x10000) {
                i++;
            }
            len = Utf8.put(buf, len, cp == ' ' ? SPACE_MARK : cp);
        }

        // One symbol per code point: byte offset and length, and a doubly linked list of live symbols.
        int[] symStart = new int[len];
        int[] symLen = new int[len];
        int[] prev = new int[len];
        int[] next = new int[len];
        int[] token = new int[len];
        int count = 0;
        for (int pos = 0; pos < len; count++) {
            int l = Math.min(Utf8.sequenceLength(buf[pos]), len - pos);
            symStart[count] = pos;
            symLen[count] = l;
            prev[count] = count - 1;
            next[count] = count + 1;
            token[count] = -1;
            pos += l;
        }
        if (count == 0) {
            return;
        }
        next[count - 1] = -1;

        MergeQueue queue = new MergeQueue();
        for (int i = 1; i < count; i++) {
            offerPair(buf, symStart, symLen, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            int left = (int) queue.topKey();
            int right = queue.topFirst();
            int merged = queue.topSecond();
            queue.pop();
            if (symLen[left] == 0 || symLen[right] == 0 || symLen[left] + symLen[right] != textLength[merged]) {
                continue; // one side has changed since this pair was offered
            }
            symLen[left] += symLen[right];
            symLen[right] = 0;
            token[left] = merged;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                offerPair(buf, symStart, symLen, prev[left], left, queue);
            }
            if (next[left] >= 0) {
                offerPair(buf, symStart, symLen, left, next[left], queue);
            }
        }

        for (int i = 0; i != -1; i = next[i]) {
            int id = token[i] >= 0 ? token[i] : tokens.find(buf, symStart[i], symLen[i]);
            if (id >= 0) {
                out.add(id);
                continue;
            }
            for (int b = symStart[i], e = symStart[i] + symLen[i]; b < e; b++) {
                int byteToken = byteTokens[buf[b] & 0xFF];
                if (byteToken < 0) {
                    throw new IllegalStateException(String.format("vocabulary has no token for byte 0x%02X: no "
                            + "<0x%02X> byte token and no unknown token", buf[b] & 0xFF, buf[b] & 0xFF));
                }
                out.add(byteToken);
            }
        }
    }

    private void offerPair(byte[] buf, int[] symStart, int[] symLen, int left, int right, MergeQueue queue) {
        int id = tokens.find(buf, symStart[left], symLen[left] + symLen[right]);
        if (id < 0) {
            return;
        }
        // Highest score first: order by the negated score's sortable bits, then by the left index.
        long key = ((long) ~sortable(scores[id]) << 32) | left;
        queue.push(key, right, id);
    }

    /** Float bits as an int that orders like the float (-0.0 as 0.0). */
    private static int sortable(float f) {
        int bits = Float.floatToIntBits(f == 0f ? 0f : f);
        return bits ^ ((bits >> 31) & 0x7FFFFFFF);
    }
}
