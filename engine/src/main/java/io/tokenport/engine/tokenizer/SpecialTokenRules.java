package io.tokenport.engine.tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * llama.cpp's load-time rules for special tokens that GGUF files do not spell out: which token ends a turn,
 * a message or a fill-in-the-middle part, found by its text when the file gives no id, and which tokens end
 * generation. Tokens found this way become {@link TokenType#CONTROL} (so they are parsed only as special
 * tokens and left out of plain detokenization), as llama.cpp marks them.
 *
 * <p>Where several texts of one list are present, the earliest in the list is taken (llama.cpp takes whichever
 * its hash map yields first, which for Qwen is {@code <|im_end|>} before {@code <|endoftext|>}).
 */
final class SpecialTokenRules {
    private static final List<String> EOT = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<EOT>", "_<EOT>", "<｜end▁of▁sentence｜>");
    private static final List<String> EOM = List.of("<|eom_id|>");
    private static final List<String> FIM_PREFIX = List.of("<|fim_prefix|>", "<fim-prefix>", "<｜fim▁begin｜>",
            "<PRE>", "▁<PRE>");
    private static final List<String> FIM_SUFFIX = List.of("<|fim_suffix|>", "<fim-suffix>", "<｜fim▁hole｜>",
            "<SUF>", "▁<SUF>");
    private static final List<String> FIM_MIDDLE = List.of("<|fim_middle|>", "<fim-middle>", "<｜fim▁end｜>",
            "<MID>", "▁<MID>");
    private static final List<String> FIM_PAD = List.of("<|fim_pad|>", "<fim-pad>", "<PAD>");
    private static final List<String> FIM_REPO = List.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>");
    private static final List<String> FIM_SEP = List.of("<|file_sep|>");
    /** Texts that end generation wherever they are in the vocabulary. */
    private static final List<String> END_OF_GENERATION = List.of("<|eot_id|>", "<|im_end|>", "<|end|>",
            "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>", "_<EOT>");

    /** The resolved end-of-turn and end-of-message ids and the sorted end-of-generation set. */
    record Resolved(int eot, int eom, int[] endOfGeneration) {
    }

    private SpecialTokenRules() {
    }

    /**
     * Resolves the special ids and promotes the tokens found by text to control tokens in {@code types}
     * (TokenType codes, changed in place).
     */
    static Resolved apply(Vocabulary.SpecialIds ids, TokenTextTable textIds, byte[] types) {
        int eot = orFind(ids.eot(), EOT, textIds, types);
        int eom = orFind(ids.eom(), EOM, textIds, types);
        orFind(ids.fimPrefix(), FIM_PREFIX, textIds, types);
        orFind(ids.fimSuffix(), FIM_SUFFIX, textIds, types);
        orFind(ids.fimMiddle(), FIM_MIDDLE, textIds, types);
        int fimPad = orFind(ids.fimPad(), FIM_PAD, textIds, types);
        int fimRepo = orFind(ids.fimRepo(), FIM_REPO, textIds, types);
        int fimSep = orFind(ids.fimSep(), FIM_SEP, textIds, types);

        int[] eog = new int[6 + END_OF_GENERATION.size()];
        int count = 0;
        for (int id : new int[] {fimPad, fimRepo, fimSep, ids.eos(), eot, eom}) {
            eog[count++] = id;
        }
        for (String text : END_OF_GENERATION) {
            int id = textIds.find(text);
            if (id >= 0) {
                eog[count++] = id;
                types[id] = (byte) TokenType.CONTROL.code();
            }
        }
        Arrays.sort(eog, 0, count);
        int distinct = 0;
        for (int i = 0; i < count; i++) {
            if (eog[i] >= 0 && (distinct == 0 || eog[distinct - 1] != eog[i])) {
                eog[distinct++] = eog[i];
            }
        }
        return new Resolved(eot, eom, Arrays.copyOf(eog, distinct));
    }

    private static int orFind(int given, List<String> texts, TokenTextTable textIds, byte[] types) {
        if (given >= 0) {
            return given;
        }
        for (String text : texts) {
            int id = textIds.find(text);
            if (id >= 0) {
                types[id] = (byte) TokenType.CONTROL.code();
                return id;
            }
        }
        return Vocabulary.NONE;
    }
}
