package io.tokenport.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The pre-tokenizers of byte-level BPE vocabularies: how raw text is cut into words before merging, chosen by
 * {@code tokenizer.ggml.pre} with llama.cpp's names and per-family settings.
 *
 * <p>Each one is a hand-written scanner that follows its regex exactly (ordered alternation, greedy
 * quantifiers, the backtracking of {@code \s+(?!\S)}), with {@code \s}, {@code \p{L}} and {@code \p{N}} as in
 * {@link CharClass}. Scanners work on code points with precomputed classes and report piece ends; a piece ends
 * where a match ends, and text no alternative matches is a piece of its own, as llama.cpp's splitter keeps it.
 * The contractions of the Llama 3 family are case-insensitive for ASCII letters only (llama.cpp's
 * {@code '[sS]|'[tT]|...}), so neither U+017F nor the Kelvin sign counts as a letter of a contraction.
 */
enum PreTokenizer {
    /**
     * llama.cpp's fallback for {@code default} or a missing name: four regexes, each splitting the pieces of the
     * one before: punctuation runs {@code [\p{P}\$\+<=>\^~\|]+}, then the GPT-2 regex, then {@code \p{N}+},
     * then {@code [0-9][0-9][0-9]}.
     */
    DEFAULT(List.of("default"), false, true, false) {
        @Override
        void split(int[] cp, byte[] cls, int start, int end, IntList ends) {
            IntList a = new IntList(16);
            splitMatches(cp, cls, start, end, a, PreTokenizer::punctuationRun);
            IntList b = refine(cp, cls, start, a, PreTokenizer::gpt2Match);
            IntList c = refine(cp, cls, start, b, PreTokenizer::numberRun);
            IntList d = refine(cp, cls, start, c, PreTokenizer::asciiDigitTriple);
            for (int i = 0; i < d.size(); i++) {
                ends.add(d.get(i));
            }
        }
    },
    /** GPT-2: {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}. */
    GPT2(List.of("gpt-2", "gpt2", "phi-2", "roberta-bpe"), false, true, false) {
        @Override
        void split(int[] cp, byte[] cls, int start, int end, IntList ends) {
            splitMatches(cp, cls, start, end, ends, PreTokenizer::gpt2Match);
        }
    },
    /**
     * Llama 3: {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*
     * |\s*[\r\n]+|\s+(?!\S)|\s+}. A word that is a whole token is taken as is, without merging.
     */
    LLAMA3(List.of("llama3", "llama-v3", "llama-bpe", "falcon3", "pixtral"), true, true, true) {
        @Override
        void split(int[] cp, byte[] cls, int start, int end, IntList ends) {
            for (int i = start; i < end; ) {
                i = llama3Match(cp, cls, i, end, 3);
                ends.add(i);
            }
        }
    },
    /** Qwen2 (and Qwen3): the Llama 3 regex with single digits ({@code \p{N}} for {@code \p{N}{1,3}}). */
    QWEN2(List.of("qwen2", "deepseek-r1-qwen"), false, false, false) {
        @Override
        void split(int[] cp, byte[] cls, int start, int end, IntList ends) {
            for (int i = start; i < end; ) {
                i = llama3Match(cp, cls, i, end, 1);
                ends.add(i);
            }
        }
    };

    private final List<String> names;
    private final boolean ignoreMerges;
    private final boolean cleanSpaces;
    private final boolean addBosByDefault;

    PreTokenizer(List<String> names, boolean ignoreMerges, boolean cleanSpaces, boolean addBosByDefault) {
        this.names = names;
        this.ignoreMerges = ignoreMerges;
        this.cleanSpaces = cleanSpaces;
        this.addBosByDefault = addBosByDefault;
    }

    /**
     * Appends to {@code ends} the end (exclusive code point index) of each piece of {@code cp[start, end)};
     * the last one appended is {@code end}.
     */
    abstract void split(int[] cp, byte[] cls, int start, int end, IntList ends);

    /** Whether a word that is itself a token skips the merges (llama.cpp's {@code ignore_merges}). */
    boolean ignoreMerges() {
        return ignoreMerges;
    }

    /** Whether detokenization applies llama.cpp's {@code clean_spaces} pass. */
    boolean cleanSpaces() {
        return cleanSpaces;
    }

    /** Whether BOS is added when the GGUF file does not say ({@code tokenizer.ggml.add_bos_token}). */
    boolean addBosByDefault() {
        return addBosByDefault;
    }

    /**
     * The pre-tokenizer for a {@code tokenizer.ggml.pre} value; a missing or empty name is {@link #DEFAULT}, as
     * in llama.cpp.
     *
     * @throws TokenizerException for a name this project does not support, listing the supported ones
     */
    static PreTokenizer forName(String name) {
        if (name == null || name.isEmpty()) {
            return DEFAULT;
        }
        for (PreTokenizer p : values()) {
            if (p.names.contains(name)) {
                return p;
            }
        }
        List<String> all = new ArrayList<>();
        for (PreTokenizer p : values()) {
            all.addAll(p.names);
        }
        throw new TokenizerException("unsupported pre-tokenizer '" + name + "' (tokenizer.ggml.pre); supported: "
                + String.join(", ", all));
    }

    /** A regex alternative anchored at {@code i}: the end of its match, or -1 when it does not match there. */
    @FunctionalInterface
    private interface Matcher {
        int matchEnd(int[] cp, byte[] cls, int i, int end);
    }

    /**
     * Splits {@code cp[start, end)} as a regex search loop does: matches are pieces, and so is the text between
     * them.
     */
    private static void splitMatches(int[] cp, byte[] cls, int start, int end, IntList ends, Matcher m) {
        int gapStart = start;
        int i = start;
        while (i < end) {
            int e = m.matchEnd(cp, cls, i, end);
            if (e < 0) {
                i++;
                continue;
            }
            if (gapStart < i) {
                ends.add(i);
            }
            ends.add(e);
            i = e;
            gapStart = e;
        }
        if (gapStart < end) {
            ends.add(end);
        }
    }

    private static IntList refine(int[] cp, byte[] cls, int start, IntList pieces, Matcher m) {
        IntList out = new IntList(pieces.size() * 2);
        int s = start;
        for (int k = 0; k < pieces.size(); k++) {
            int e = pieces.get(k);
            splitMatches(cp, cls, s, e, out, m);
            s = e;
        }
        return out;
    }

    private static int kind(byte cls) {
        return cls & CharClass.KIND;
    }

    private static int runEnd(byte[] cls, int i, int end, int kind) {
        while (i < end && kind(cls[i]) == kind) {
            i++;
        }
        return i;
    }

    private static boolean isNewline(int c) {
        return c == '\r' || c == '\n';
    }

    private static int asciiLower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    /** {@code 's|'t|'re|'ve|'m|'ll|'d}, case-sensitive or ASCII-case-insensitive: the match end or -1. */
    private static int contraction(int[] cp, int i, int end, boolean ignoreCase) {
        if (cp[i] != '\'' || i + 1 >= end) {
            return -1;
        }
        int c1 = ignoreCase ? asciiLower(cp[i + 1]) : cp[i + 1];
        if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') {
            return i + 2;
        }
        if (i + 2 < end) {
            int c2 = ignoreCase ? asciiLower(cp[i + 2]) : cp[i + 2];
            if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l')) {
                return i + 3;
            }
        }
        return -1;
    }

    /** {@code \s+(?!\S)|\s+} at a whitespace character: leave the last space of a run to the next word. */
    private static int whitespaceRun(byte[] cls, int i, int end) {
        int runEnd = runEnd(cls, i + 1, end, CharClass.WHITESPACE);
        return runEnd == end || runEnd - i == 1 ? runEnd : runEnd - 1;
    }

    private static int gpt2Match(int[] cp, byte[] cls, int i, int end) {
        int c = contraction(cp, i, end, false);
        if (c >= 0) {
            return c;
        }
        // ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s\p{L}\p{N}]+': an optional space, then a run of one kind.
        int j = cp[i] == ' ' && i + 1 < end && kind(cls[i + 1]) != CharClass.WHITESPACE ? i + 1 : i;
        int k = kind(cls[j]);
        if (k != CharClass.WHITESPACE) {
            return runEnd(cls, j + 1, end, k);
        }
        return whitespaceRun(cls, i, end);
    }

    private static int llama3Match(int[] cp, byte[] cls, int i, int end, int maxDigits) {
        int c = cp[i];
        int k = kind(cls[i]);
        // (?i:'s|'t|'re|'ve|'m|'ll|'d)
        int e = contraction(cp, i, end, true);
        if (e >= 0) {
            return e;
        }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (k == CharClass.LETTER) {
            return runEnd(cls, i + 1, end, CharClass.LETTER);
        }
        if (k != CharClass.NUMBER && !isNewline(c) && i + 1 < end && kind(cls[i + 1]) == CharClass.LETTER) {
            return runEnd(cls, i + 2, end, CharClass.LETTER);
        }
        // \p{N}{1,maxDigits}
        if (k == CharClass.NUMBER) {
            int j = i + 1;
            while (j < end && j - i < maxDigits && kind(cls[j]) == CharClass.NUMBER) {
                j++;
            }
            return j;
        }
        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        int j = c == ' ' && i + 1 < end && kind(cls[i + 1]) == CharClass.OTHER ? i + 1 : i;
        if (kind(cls[j]) == CharClass.OTHER) {
            j = runEnd(cls, j + 1, end, CharClass.OTHER);
            while (j < end && isNewline(cp[j])) {
                j++;
            }
            return j;
        }
        // \s*[\r\n]+ : whitespace up to and including the last newline of the run
        int runEnd = runEnd(cls, i + 1, end, CharClass.WHITESPACE);
        for (int p = runEnd - 1; p >= i; p--) {
            if (isNewline(cp[p])) {
                return p + 1;
            }
        }
        // \s+(?!\S)|\s+
        return whitespaceRun(cls, i, end);
    }

    /** {@code [\p{P}\$\+<=>\^~\|]+} */
    private static int punctuationRun(int[] cp, byte[] cls, int i, int end) {
        int j = i;
        while (j < end && isDefaultPunctuation(cp[j], cls[j])) {
            j++;
        }
        return j > i ? j : -1;
    }

    private static boolean isDefaultPunctuation(int c, byte cls) {
        return (cls & CharClass.PUNCTUATION) != 0 || c == '$' || c == '+' || c == '<' || c == '=' || c == '>'
                || c == '^' || c == '~' || c == '|';
    }

    /** {@code \p{N}+} */
    private static int numberRun(int[] cp, byte[] cls, int i, int end) {
        return kind(cls[i]) == CharClass.NUMBER ? runEnd(cls, i + 1, end, CharClass.NUMBER) : -1;
    }

    /** {@code [0-9][0-9][0-9]} */
    private static int asciiDigitTriple(int[] cp, byte[] cls, int i, int end) {
        return i + 3 <= end && isAsciiDigit(cp[i]) && isAsciiDigit(cp[i + 1]) && isAsciiDigit(cp[i + 2]) ? i + 3 : -1;
    }

    private static boolean isAsciiDigit(int c) {
        return c >= '0' && c <= '9';
    }
}
