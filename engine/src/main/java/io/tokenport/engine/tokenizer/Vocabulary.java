package io.tokenport.engine.tokenizer;

import io.tokenport.engine.gguf.GGUFMetadata;

/**
 * A tokenizer vocabulary as a GGUF file describes it ({@code tokenizer.ggml.*}), with llama.cpp's defaults
 * filled in for whatever the file leaves out. {@link #fromMetadata} reads one from a model file; tests and
 * converters can build one from plain arrays. The arrays are not copied: do not change them afterwards.
 *
 * @param model          how text becomes tokens ({@code tokenizer.ggml.model})
 * @param preTokenizer   {@code tokenizer.ggml.pre} for byte-level BPE, or {@code null}
 * @param tokens         token texts, as stored (SentencePiece pieces with {@code ▁}, BPE texts in GPT-2's
 *                       byte-to-unicode alphabet)
 * @param scores         SentencePiece merge scores, or {@code null} (all zero)
 * @param tokenTypes     {@link TokenType} codes, or {@code null} (all normal)
 * @param merges         BPE merges in rank order ({@code "left right"}), or {@code null} for SentencePiece
 * @param special        special token ids
 * @param addBos         whether encoding with special tokens starts with BOS
 * @param addEos         whether encoding with special tokens ends with EOS
 * @param addSpacePrefix whether SentencePiece prepends a space to text (and decoding strips it again)
 */
public record Vocabulary(Model model, String preTokenizer, String[] tokens, float[] scores, int[] tokenTypes,
                         String[] merges, SpecialIds special, boolean addBos, boolean addEos,
                         boolean addSpacePrefix) {

    /** A token id that is not there. */
    public static final int NONE = -1;

    /** The tokenizer algorithm, by its {@code tokenizer.ggml.model} name. */
    public enum Model {
        /** {@code llama}: SentencePiece-style score-driven merges with byte fallback. */
        SENTENCEPIECE("llama"),
        /** {@code gpt2}: byte-level BPE with ranked merges and a regex pre-tokenizer. */
        BYTE_LEVEL_BPE("gpt2");

        private final String ggufName;

        Model(String ggufName) {
            this.ggufName = ggufName;
        }

        public String ggufName() {
            return ggufName;
        }
    }

    /**
     * Special token ids, {@link #NONE} where absent. End-of-turn, end-of-message and fill-in-the-middle ids that
     * are absent are found by their text, as llama.cpp does (see {@link Tokenizer#isEndOfGeneration}).
     */
    public record SpecialIds(int bos, int eos, int unknown, int padding, int eot, int eom,
                             int fimPrefix, int fimSuffix, int fimMiddle, int fimPad, int fimRepo, int fimSep) {

        /** Just BOS, EOS and unknown; everything else absent. */
        public static SpecialIds of(int bos, int eos, int unknown) {
            return new SpecialIds(bos, eos, unknown, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE);
        }
    }

    public Vocabulary {
        if (model == null || tokens == null || special == null) {
            throw new TokenizerException("vocabulary needs a model, tokens and special ids");
        }
        if (tokens.length == 0) {
            throw new TokenizerException("vocabulary has no tokens (tokenizer.ggml.tokens is empty)");
        }
        if (scores != null && scores.length != tokens.length) {
            throw new TokenizerException("vocabulary has " + tokens.length + " tokens but " + scores.length
                    + " scores (tokenizer.ggml.scores)");
        }
        if (tokenTypes != null && tokenTypes.length != tokens.length) {
            throw new TokenizerException("vocabulary has " + tokens.length + " tokens but " + tokenTypes.length
                    + " token types (tokenizer.ggml.token_type)");
        }
        if (model == Model.BYTE_LEVEL_BPE && merges == null) {
            throw new TokenizerException("byte-level BPE vocabulary has no merges (tokenizer.ggml.merges)");
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == null) {
                throw new TokenizerException("token " + i + " has no text");
            }
        }
    }

    /**
     * A SentencePiece vocabulary with llama.cpp's defaults for {@code llama}: BOS 1, EOS 2, unknown 0, BOS added,
     * EOS not, space prefix on.
     */
    public static Vocabulary sentencePiece(String[] tokens, float[] scores, int[] tokenTypes) {
        return new Vocabulary(Model.SENTENCEPIECE, null, tokens, scores, tokenTypes, null,
                SpecialIds.of(1, 2, 0), true, false, true);
    }

    /**
     * Reads the vocabulary of a GGUF file. What the file leaves out takes llama.cpp's default for the model:
     * SentencePiece BOS 1, EOS 2, unknown 0, BOS added, space prefix; byte-level BPE BOS and EOS 11, no space
     * prefix, BOS added only for the Llama 3 pre-tokenizer family. A special token id outside the vocabulary is
     * ignored in favour of the default, as llama.cpp does.
     *
     * @throws TokenizerException for a tokenizer model or pre-tokenizer this project does not support
     * @throws io.tokenport.engine.gguf.GGUFFormatException for a missing or mistyped required key
     */
    public static Vocabulary fromMetadata(GGUFMetadata m) {
        String name = m.getString("tokenizer.ggml.model");
        Model model = switch (name) {
            case "llama" -> Model.SENTENCEPIECE;
            case "gpt2" -> Model.BYTE_LEVEL_BPE;
            case "no_vocab", "none" -> throw new TokenizerException("model has no vocabulary (tokenizer.ggml.model = '"
                    + name + "'): it cannot encode or decode text");
            default -> throw new TokenizerException("unsupported tokenizer model '" + name
                    + "' (tokenizer.ggml.model); supported: llama (SentencePiece), gpt2 (byte-level BPE)");
        };
        String[] tokens = m.getStringArray("tokenizer.ggml.tokens");
        float[] scores = m.has("tokenizer.ggml.scores") ? m.getFloatArray("tokenizer.ggml.scores") : null;
        int[] types = m.has("tokenizer.ggml.token_type") ? m.getIntArray("tokenizer.ggml.token_type") : null;
        int n = tokens.length;

        boolean spm = model == Model.SENTENCEPIECE;
        String pre = null;
        String[] merges = null;
        boolean addBos = true;
        if (!spm) {
            pre = m.getString("tokenizer.ggml.pre", null);
            merges = m.getStringArray("tokenizer.ggml.merges");
            addBos = PreTokenizer.forName(pre).addBosByDefault();
        }
        SpecialIds special = new SpecialIds(
                id(m, n, spm ? 1 : 11, "tokenizer.ggml.bos_token_id"),
                id(m, n, spm ? 2 : 11, "tokenizer.ggml.eos_token_id"),
                id(m, n, spm ? 0 : NONE, "tokenizer.ggml.unknown_token_id"),
                id(m, n, NONE, "tokenizer.ggml.padding_token_id"),
                id(m, n, NONE, "tokenizer.ggml.eot_token_id"),
                id(m, n, NONE, "tokenizer.ggml.eom_token_id"),
                id(m, n, NONE, "tokenizer.ggml.fim_pre_token_id", "tokenizer.ggml.prefix_token_id"),
                id(m, n, NONE, "tokenizer.ggml.fim_suf_token_id", "tokenizer.ggml.suffix_token_id"),
                id(m, n, NONE, "tokenizer.ggml.fim_mid_token_id", "tokenizer.ggml.middle_token_id"),
                id(m, n, NONE, "tokenizer.ggml.fim_pad_token_id"),
                id(m, n, NONE, "tokenizer.ggml.fim_rep_token_id"),
                id(m, n, NONE, "tokenizer.ggml.fim_sep_token_id"));
        return new Vocabulary(model, pre, tokens, scores, types, merges, special,
                m.getBoolean("tokenizer.ggml.add_bos_token", addBos),
                m.getBoolean("tokenizer.ggml.add_eos_token", false),
                m.getBoolean("tokenizer.ggml.add_space_prefix", spm));
    }

    /** The id under the first key present and in range; otherwise the default. */
    private static int id(GGUFMetadata m, int n, int fallback, String... keys) {
        for (String key : keys) {
            if (m.has(key)) {
                long v = m.getLong(key);
                return v >= 0 && v < n ? (int) v : fallback;
            }
        }
        return fallback;
    }

    /** The type of token {@code id} as stored. */
    public TokenType tokenType(int id) {
        return tokenTypes == null ? TokenType.NORMAL : TokenType.fromCode(tokenTypes[id]);
    }

    /** The number of tokens. */
    public int size() {
        return tokens.length;
    }
}
