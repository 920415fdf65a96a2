package io.tokenport.engine.tokenizer;

/**
 * Byte-level BPE as llama.cpp does it for {@code tokenizer.ggml.model = "gpt2"} (GPT-2, Llama 3, Qwen).
 *
 * <p>A {@link PreTokenizer} cuts the text into words; each word's UTF-8 bytes start as one symbol each, and the
 * adjacent pair with the lowest merge rank is merged until no merge applies (ties: the leftmost pair). Where
 * the pre-tokenizer says so (Llama 3), a word that is a whole token is taken without merging.
 *
 * <p>Symbols are ids (see {@link MergeTable}), so merging looks up int pairs and builds no strings, and byte
 * symbols come from a 256-entry table: the GPT-2 byte-to-unicode text is never materialised while encoding.
 * Candidate pairs wait in a {@link MergeQueue}; one taken out is stale when either side has merged since, which
 * shows as a changed symbol id or neighbour.
 */
final class ByteLevelBpeTokenizer extends Tokenizer {
    private final PreTokenizer preTokenizer;
    /** Whether a word that is a whole token skips merging (llama.cpp's {@code ignore_merges}). */
    private final boolean ignoreMerges;
    private final int vocabSize;
    private final MergeTable merges;

    ByteLevelBpeTokenizer(Vocabulary vocabulary) {
        PreTokenizer pre = PreTokenizer.forName(vocabulary.preTokenizer());
        super(vocabulary, ByteLevelBpeTokenizer::render, pre.cleanSpaces());
        preTokenizer = pre;
        ignoreMerges = pre.ignoreMerges();
        vocabSize = vocabulary.size();
        merges = new MergeTable(vocabulary.merges(), textIds, vocabSize);
    }

    /** llama.cpp's token-to-piece rules for byte-level BPE vocabularies. */
    private static int render(String text, TokenType type, byte[] pool, int at) {
        return switch (type) {
            case CONTROL, UNKNOWN, USER_DEFINED -> putUtf8(text, pool, at);
            case NORMAL -> ByteMapping.putBytes(text, pool, at);
            case BYTE, UNUSED, UNDEFINED -> at;
        };
    }

    @Override
    void encodeText(String text, int start, int end, boolean afterSpecial, IntList out) {
        // Code points with their classes, and the UTF-8 bytes with each code point's offset.
        int chars = end - start;
        int[] cp = new int[chars];
        byte[] cls = new byte[chars];
        int[] byteAt = new int[chars + 1];
        byte[] buf = new byte[chars * 3];
        int n = 0;
        int len = 0;
        for (int i = start; i < end; i++) {
            int c = text.charAt(i);
            if (Character.isHighSurrogate((char) c)) {
                c = Character.toCodePoint((char) c, text.charAt(++i));
            }
            cp[n] = c;
            cls[n] = CharClass.of(c);
            byteAt[n] = len;
            len = Utf8.put(buf, len, c);
            n++;
        }
        byteAt[n] = len;

        IntList ends = new IntList(n / 4 + 4);
        preTokenizer.split(cp, cls, 0, n, ends);
        WordScratch scratch = new WordScratch();
        int from = 0;
        for (int k = 0; k < ends.size(); k++) {
            int to = ends.get(k);
            encodeWord(buf, byteAt[from], byteAt[to], scratch, out);
            from = to;
        }
    }

    /** Per-call arrays for the merge loop, grown to the longest word. */
    private static final class WordScratch {
        int[] symbol = new int[64];
        int[] prev = new int[64];
        int[] next = new int[64];
        char[] text = new char[64];
        final MergeQueue queue = new MergeQueue();

        void ensure(int n) {
            if (symbol.length < n) {
                symbol = new int[n];
                prev = new int[n];
                next = new int[n];
                text = new char[n];
            }
        }
    }

    private void encodeWord(byte[] buf, int from, int to, WordScratch s, IntList out) {
        int n = to - from;
        if (n == 1) {
            emit(merges.byteSymbol(buf[from] & 0xFF), out);
            return;
        }
        s.ensure(n);
        if (ignoreMerges) {
            char[] text = s.text;
            for (int i = 0; i < n; i++) {
                text[i] = ByteMapping.charOf(buf[from + i] & 0xFF);
            }
            int id = textIds.find(text, 0, n);
            if (id >= 0) {
                out.add(id);
                return;
            }
        }
        int[] symbol = s.symbol;
        int[] prev = s.prev;
        int[] next = s.next;
        for (int i = 0; i < n; i++) {
            symbol[i] = merges.byteSymbol(buf[from + i] & 0xFF);
            prev[i] = i - 1;
            next[i] = i + 1;
        }
        next[n - 1] = -1;

        MergeQueue queue = s.queue;
        queue.clear();
        for (int i = 1; i < n; i++) {
            offerPair(symbol, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            long key = queue.topKey();
            int right = queue.topFirst();
            queue.pop();
            int left = (int) key;
            int rank = (int) (key >>> 32);
            if (next[left] != right || symbol[left] != merges.left(rank) || symbol[right] != merges.right(rank)) {
                continue; // a side has been merged into something else since this pair was offered
            }
            symbol[left] = merges.result(rank);
            symbol[right] = -1;
            int after = next[right];
            next[right] = -2;
            next[left] = after;
            if (after >= 0) {
                prev[after] = left;
            }
            if (prev[left] >= 0) {
                offerPair(symbol, prev[left], left, queue);
            }
            if (after >= 0) {
                offerPair(symbol, left, after, queue);
            }
        }
        for (int i = 0; i != -1; i = next[i]) {
            emit(symbol[i], out);
        }
    }

    private void offerPair(int[] symbol, int left, int right, MergeQueue queue) {
        int rank = merges.rank(symbol[left], symbol[right]);
        if (rank >= 0) {
            queue.push(((long) rank << 32) | left, right, 0);
        }
    }

    /**
     * Writes a finished symbol. One that is not a token (possible only with merge lists that build strings
     * outside the vocabulary) is written as llama.cpp does: each of its single-byte characters that is a token.
     */
    private void emit(int symbol, IntList out) {
        if (symbol < vocabSize) {
            out.add(symbol);
            return;
        }
        String text = merges.extraSymbolText(symbol);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                int id = tokenId(String.valueOf(c));
                if (id >= 0) {
                    out.add(id);
                }
            }
        }
    }
}
