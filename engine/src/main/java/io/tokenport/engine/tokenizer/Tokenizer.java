package io.tokenport.engine.tokenizer;

import io.tokenport.engine.gguf.GGUFMetadata;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Text to token ids and back, exactly as llama.cpp does it for the same GGUF vocabulary: the zone counts and
 * prices tokens with this, so an id that differs from the reference engine's is a billing error.
 *
 * <p>Two algorithms, chosen by {@code tokenizer.ggml.model}: SentencePiece-style score-driven merges with byte
 * fallback ({@code llama}) and byte-level BPE with a regex pre-tokenizer and ranked merges ({@code gpt2}).
 * What they share lives here: special tokens written in the text are cut out first (see
 * {@link #encode(String, boolean, boolean)}), BOS and EOS are added by the vocabulary's flags, and decoding
 * concatenates each token's bytes ({@link #tokenBytes}) with llama.cpp's detokenizer rules.
 *
 * <p>Instances are immutable and safe to share between threads; each call works on its own scratch arrays.
 */
public abstract sealed class Tokenizer permits SentencePieceTokenizer, ByteLevelBpeTokenizer {
    private static final int[] NO_RANGES = new int[0];

    private final Vocabulary vocabulary;
    private final String[] texts;
    /** TokenType codes after llama.cpp's load-time promotions. */
    private final byte[] types;
    final TokenTextTable textIds;
    /** Token i's bytes, special tokens rendered as their text: {@code piecePool[pieceStart[i], pieceStart[i+1])}. */
    final byte[] piecePool;
    final int[] pieceStart;
    private final SpecialTokenMatcher specialTokens;
    private final int eot;
    private final int eom;
    private final int[] endOfGeneration;
    private final boolean cleanSpaces;

    /** How one token's bytes are made from its text and type. */
    @FunctionalInterface
    interface PieceRenderer {
        /**
         * Writes the bytes into {@code pool} from {@code at}, which has room for {@code 3 * text.length()};
         * returns the end.
         */
        int render(String text, TokenType type, byte[] pool, int at);
    }

    Tokenizer(Vocabulary vocabulary, PieceRenderer renderer, boolean cleanSpaces) {
        this.vocabulary = vocabulary;
        this.texts = vocabulary.tokens();
        this.cleanSpaces = cleanSpaces;
        int n = texts.length;
        Vocabulary.SpecialIds special = vocabulary.special();
        for (int id : new int[] {special.bos(), special.eos(), special.unknown(), special.padding(), special.eot(),
                special.eom(), special.fimPrefix(), special.fimSuffix(), special.fimMiddle(), special.fimPad(),
                special.fimRepo(), special.fimSep()}) {
            if (id < Vocabulary.NONE || id >= n) {
                throw new TokenizerException("special token id " + id + " is outside the vocabulary of " + n
                        + " tokens (" + special + ")");
            }
        }

        types = new byte[n];
        for (int i = 0; i < n; i++) {
            types[i] = (byte) vocabulary.tokenType(i).code();
        }
        textIds = new TokenTextTable(texts);
        SpecialTokenRules.Resolved resolved = SpecialTokenRules.apply(special, textIds, types);
        eot = resolved.eot();
        eom = resolved.eom();
        endOfGeneration = resolved.endOfGeneration();

        byte[] pool = new byte[n * 8];
        pieceStart = new int[n + 1];
        int at = 0;
        for (int i = 0; i < n; i++) {
            int room = 3 * texts[i].length();
            if (pool.length - at < room) {
                pool = Arrays.copyOf(pool, Math.max(pool.length * 2, at + room));
            }
            pieceStart[i] = at;
            at = renderer.render(texts[i], TokenType.fromCode(types[i]), pool, at);
        }
        pieceStart[n] = at;
        piecePool = Arrays.copyOf(pool, at);
        specialTokens = new SpecialTokenMatcher(texts, types);
    }

    /**
     * The tokenizer described by a GGUF file's metadata.
     *
     * @throws TokenizerException for an unsupported tokenizer model or pre-tokenizer, or inconsistent arrays
     */
    public static Tokenizer fromMetadata(GGUFMetadata metadata) {
        return of(Vocabulary.fromMetadata(metadata));
    }

    /** The tokenizer for a vocabulary. */
    public static Tokenizer of(Vocabulary vocabulary) {
        return switch (vocabulary.model()) {
            case SENTENCEPIECE -> new SentencePieceTokenizer(vocabulary);
            case BYTE_LEVEL_BPE -> new ByteLevelBpeTokenizer(vocabulary);
        };
    }

    /**
     * Encodes text as llama.cpp's {@code llama_tokenize} does.
     *
     * @param addSpecial   add BOS in front and EOS at the end, as far as the vocabulary asks for them
     *                     ({@link #addsBos()}, {@link #addsEos()})
     * @param parseSpecial recognise control tokens written in the text ({@code <|im_start|>}) as their ids;
     *                     otherwise they are tokenized as plain text. User-defined tokens (Qwen's
     *                     {@code <think>}) are recognised either way.
     */
    public final int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        return encode(text, addSpecial, parseSpecial, NO_RANGES);
    }

    /**
     * Encodes text as {@link #encode(String, boolean, boolean)} does, except that control tokens written inside
     * {@code literalRanges} are never recognised: there they are plain text even with {@code parseSpecial}, as
     * llama.cpp tokenizes with {@code parse_special = false}. User-defined tokens are recognised everywhere. A
     * chat prompt passes its messages' content as the ranges, so that only the template's markup can open a
     * turn. Unless a special token's text overlaps a range, the ids are exactly those of the 3-argument encode:
     * text around a range boundary is encoded as one stretch.
     *
     * @param addSpecial    as in {@link #encode(String, boolean, boolean)}
     * @param parseSpecial  recognise control tokens written outside {@code literalRanges} as their ids
     * @param literalRanges char ranges of {@code text} as flat {@code start, end} pairs (end exclusive), sorted
     *                      and non-overlapping; empty for none
     * @throws IllegalArgumentException if the ranges are not pairs, not sorted, overlap or leave the text
     */
    public final int[] encode(String text, boolean addSpecial, boolean parseSpecial, int[] literalRanges) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(literalRanges, "literalRanges");
        requireRanges(literalRanges, text.length());
        // Lone surrogates become U+FFFD one char for one, so the ranges still line up.
        String s = Utf8.wellFormed(text);
        IntList out = new IntList(s.length() / 3 + 4);
        if (addSpecial && vocabulary.addBos() && bos() >= 0) {
            out.add(bos());
        }
        IntList fragments = new IntList(12);
        specialTokens.split(s, parseSpecial, literalRanges, fragments);
        boolean afterSpecial = true;
        for (int f = 0; f < fragments.size(); f += 3) {
            int id = fragments.get(f + 2);
            if (id >= 0) {
                out.add(id);
                afterSpecial = true;
            } else {
                encodeText(s, fragments.get(f), fragments.get(f + 1), afterSpecial, out);
                afterSpecial = false;
            }
        }
        if (addSpecial && vocabulary.addEos() && eos() >= 0) {
            out.add(eos());
        }
        return out.toArray();
    }

    private static void requireRanges(int[] ranges, int textLength) {
        if (ranges.length % 2 != 0) {
            throw new IllegalArgumentException("literal ranges must be start, end pairs, but " + ranges.length
                    + " ints were given");
        }
        int previousEnd = 0;
        for (int r = 0; r < ranges.length; r += 2) {
            int start = ranges[r];
            int end = ranges[r + 1];
            String range = "literal range " + r / 2 + " [" + start + ", " + end + ")";
            if (start < 0) {
                throw new IllegalArgumentException(range + " starts before the text");
            }
            if (start > end) {
                throw new IllegalArgumentException(range + " ends before it starts");
            }
            if (start < previousEnd) {
                throw new IllegalArgumentException(range + " starts before the previous range ends at "
                        + previousEnd + "; ranges must be sorted and must not overlap");
            }
            if (end > textLength) {
                throw new IllegalArgumentException(range + " ends past the text of " + textLength + " chars");
            }
            previousEnd = end;
        }
    }

    /**
     * Encodes one stretch of raw text, {@code text[start, end)}, that holds no special token.
     *
     * @param afterSpecial whether the stretch starts the text or follows a special token
     */
    abstract void encodeText(String text, int start, int end, boolean afterSpecial, IntList out);

    /** Decodes ids to text, leaving control and unknown tokens out (llama.cpp's default detokenization). */
    public final String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * Decodes ids to text as llama.cpp's {@code llama_detokenize(remove_special = false, unparse_special)}: the
     * tokens' bytes concatenated, one leading space of the first token dropped where the vocabulary adds a space
     * prefix (a leading BOS counts as the first token, so {@code [BOS, ▁Hello]} decodes to {@code " Hello"}), then,
     * for vocabularies that ask for it (GPT-2 and Llama 3 families), llama.cpp's {@code clean_spaces} pass
     * (no space before {@code ? ! . ,}, none around a lone {@code '}, none before {@code 's 'm 're 've}).
     * Bytes that are not valid UTF-8 become U+FFFD.
     *
     * @param renderSpecial write control and unknown tokens as their text instead of leaving them out
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public final String decode(int[] ids, boolean renderSpecial) {
        int total = 0;
        for (int id : ids) {
            checkId(id);
            total += pieceStart[id + 1] - pieceStart[id];
        }
        byte[] buf = new byte[total];
        int n = 0;
        boolean stripSpace = vocabulary.addSpacePrefix();
        for (int id : ids) {
            if (renderSpecial || !isHiddenWhenDecoding(id)) {
                int from = pieceStart[id];
                int to = pieceStart[id + 1];
                if (stripSpace && from < to && piecePool[from] == ' ') {
                    from++;
                }
                System.arraycopy(piecePool, from, buf, n, to - from);
                n += to - from;
            }
            stripSpace = false;
        }
        if (cleanSpaces) {
            n = SpaceCleanup.apply(buf, n);
        }
        return Utf8.decode(buf, 0, n);
    }

    /** Control and unknown tokens: left out of text unless asked for (llama.cpp's {@code unparse_special}). */
    final boolean isHiddenWhenDecoding(int id) {
        int t = types[id];
        return t == TokenType.CONTROL.code() || t == TokenType.UNKNOWN.code();
    }

    /**
     * The raw bytes token {@code id} stands for: SentencePiece {@code ▁} as a space and {@code <0xNN>} as the
     * byte, byte-level BPE text mapped back to bytes, control, unknown and user-defined tokens as their text,
     * unused tokens as nothing. A token may hold part of a UTF-8 character.
     */
    public final byte[] tokenBytes(int id) {
        checkId(id);
        return Arrays.copyOfRange(piecePool, pieceStart[id], pieceStart[id + 1]);
    }

    /** The token's text as the vocabulary stores it, for debugging. */
    public final String tokenText(int id) {
        checkId(id);
        return texts[id];
    }

    /** The id of the token with exactly this stored text, or -1. */
    public final int tokenId(String text) {
        return textIds.find(text);
    }

    /** The token's type, after llama.cpp's promotion of end-of-turn and fill-in-the-middle tokens to control. */
    public final TokenType tokenType(int id) {
        checkId(id);
        return TokenType.fromCode(types[id]);
    }

    public final int vocabSize() {
        return texts.length;
    }

    /** Beginning-of-sequence id, or -1. */
    public final int bos() {
        return vocabulary.special().bos();
    }

    /** End-of-sequence id, or -1. */
    public final int eos() {
        return vocabulary.special().eos();
    }

    /** End-of-turn id (given, or found by its text such as {@code <|im_end|>}), or -1. */
    public final int eot() {
        return eot;
    }

    /** End-of-message id ({@code <|eom_id|>}), or -1. */
    public final int eom() {
        return eom;
    }

    /** Whether {@code encode(text, true, ...)} starts with BOS. */
    public final boolean addsBos() {
        return vocabulary.addBos();
    }

    /** Whether {@code encode(text, true, ...)} ends with EOS. */
    public final boolean addsEos() {
        return vocabulary.addEos();
    }

    /**
     * Whether generation stops at this token, by llama.cpp's rules: EOS, end-of-turn and end-of-message,
     * fill-in-the-middle pad, repo and file-separator tokens, and tokens with texts such as {@code <|im_end|>},
     * {@code <|eot_id|>}, {@code <|endoftext|>}, {@code <|eom_id|>} or {@code <end_of_turn>}.
     */
    public final boolean isEndOfGeneration(int id) {
        for (int e : endOfGeneration) {
            if (e == id) {
                return true;
            }
        }
        return false;
    }

    /** All end-of-generation ids, ascending. */
    public final int[] endOfGenerationIds() {
        return endOfGeneration.clone();
    }

    /** The vocabulary this tokenizer was built from. */
    public final Vocabulary vocabulary() {
        return vocabulary;
    }

    final void checkId(int id) {
        if (id < 0 || id >= texts.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + texts.length
                    + " tokens");
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes the UTF-8 encoding of {@code s} at {@code at} (room: {@code 3 * s.length()}); returns the end. */
    static int putUtf8(String s, byte[] pool, int at) {
        for (int i = 0; i < s.length(); i++) {
            int c = s.charAt(i);
            if (c < 0x80) {
                pool[at++] = (byte) c;
                continue;
            }
            if (Character.isHighSurrogate((char) c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                c = Character.toCodePoint((char) c, s.charAt(++i));
            } else if (Character.isSurrogate((char) c)) {
                c = Utf8.REPLACEMENT;
            }
            at = Utf8.put(pool, at, c);
        }
        return at;
    }

    @Override
    public String toString() {
        Vocabulary v = vocabulary;
        return getClass().getSimpleName() + "[" + v.model().ggufName()
                + (v.preTokenizer() == null ? "" : "/" + v.preTokenizer()) + ", " + texts.length + " tokens]";
    }
}
