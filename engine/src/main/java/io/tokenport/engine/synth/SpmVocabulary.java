package io.tokenport.engine.synth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A SentencePiece-style vocabulary as GGUF stores it ({@code tokenizer.ggml.model = "llama"}): pieces with
 * {@code ▁} for spaces, scores, and token types. Id 0 is {@code <unk>}, 1 {@code <s>}, 2 {@code </s>}, then
 * the 256 byte-fallback tokens {@code <0x00>}..{@code <0xFF>}.
 *
 * @param tokens pieces
 * @param scores merge priorities (higher merges first)
 * @param types  GGUF token types: 1 normal, 2 unknown, 3 control, 6 byte
 */
public record SpmVocabulary(String[] tokens, float[] scores, int[] types) {
    static final int NORMAL = 1;
    static final int UNKNOWN = 2;
    static final int CONTROL = 3;
    static final int BYTE = 6;

    /** Smallest synthetic vocabulary: three specials and the 256 byte tokens. */
    public static final int MIN_SIZE = 3 + 256;

    public int size() {
        return tokens.length;
    }

    /**
     * Reads a vocabulary in llama2.c's {@code tokenizer.bin} format (int32 max token length, then per token a
     * float32 score, an int32 byte length and the UTF-8 bytes). llama2.c writes spaces where SentencePiece has
     * {@code ▁} and wraps BOS and EOS in newlines; both are undone here.
     */
    public static SpmVocabulary readLlama2c(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 4) {
            throw new IOException(file + ": too short for a llama2.c tokenizer");
        }
        b.getInt(); // max token length, not needed
        java.util.ArrayList<String> tokens = new java.util.ArrayList<>();
        java.util.ArrayList<Float> scores = new java.util.ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < 8) {
                throw new IOException(file + ": truncated at token " + tokens.size());
            }
            float score = b.getFloat();
            int len = b.getInt();
            if (len < 0 || len > b.remaining()) {
                throw new IOException(file + ": token " + tokens.size() + " claims " + len + " bytes");
            }
            byte[] bytes = new byte[len];
            b.get(bytes);
            tokens.add(new String(bytes, StandardCharsets.UTF_8));
            scores.add(score);
        }
        int n = tokens.size();
        if (n < MIN_SIZE) {
            throw new IOException(file + ": " + n + " tokens, fewer than the " + MIN_SIZE + " specials and bytes");
        }
        String[] t = new String[n];
        float[] s = new float[n];
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            String piece = tokens.get(i);
            s[i] = scores.get(i);
            if (i == 0) {
                t[i] = "<unk>";
                types[i] = UNKNOWN;
            } else if (i == 1 || i == 2) {
                t[i] = i == 1 ? "<s>" : "</s>";
                types[i] = CONTROL;
            } else if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
                t[i] = piece;
                types[i] = BYTE;
            } else {
                t[i] = piece.replace(' ', '\u2581');
                types[i] = NORMAL;
            }
        }
        return new SpmVocabulary(t, s, types);
    }

    /**
     * A made-up vocabulary of {@code size} tokens: the specials, the 256 byte tokens, then distinct pieces of
     * lowercase letters (some with a leading {@code ▁}) with falling scores. Enough for llama.cpp to load it and
     * to tokenize any text through byte fallback; the pieces mean nothing.
     */
    public static SpmVocabulary synthetic(int size, long seed) {
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("a vocabulary needs at least " + MIN_SIZE + " tokens, got " + size);
        }
        String[] t = new String[size];
        float[] s = new float[size];
        int[] types = new int[size];
        t[0] = "<unk>";
        types[0] = UNKNOWN;
        t[1] = "<s>";
        types[1] = CONTROL;
        t[2] = "</s>";
        types[2] = CONTROL;
        for (int i = 0; i < 256; i++) {
            t[3 + i] = String.format(Locale.ROOT, "<0x%02X>", i);
            types[3 + i] = BYTE;
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        Set<String> seen = new HashSet<>();
        for (int i = MIN_SIZE; i < size; i++) {
            String piece;
            do {
                StringBuilder sb = new StringBuilder();
                if (random.nextInt(2) == 0) {
                    sb.append('\u2581');
                }
                int len = 1 + random.nextInt(1 + Math.min(7, (i - MIN_SIZE) / 26));
                for (int k = 0; k < len; k++) {
                    sb.append((char) ('a' + random.nextInt(26)));
                }
                piece = sb.toString();
            } while (!seen.add(piece));
            t[i] = piece;
            s[i] = -(i - MIN_SIZE);
            types[i] = NORMAL;
        }
        return new SpmVocabulary(t, s, types);
    }
}
