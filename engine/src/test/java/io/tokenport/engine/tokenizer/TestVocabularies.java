package io.tokenport.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenport.engine.gguf.GGUFFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The shared test vocabularies ({@code ../shared/models}) as tokenizers, built once per test run. */
final class TestVocabularies {
    static final Path DIR = Path.of("..", "shared", "models");
    private static final Map<String, Tokenizer> CACHE = new HashMap<>();
    private static JsonNode reference;

    private TestVocabularies() {
    }

    /** The tokenizer of a GGUF file in the models folder, e.g. {@code qwen2-vocab.gguf}. */
    static synchronized Tokenizer gguf(String fileName) {
        return CACHE.computeIfAbsent(fileName, f -> {
            try (GGUFFile file = GGUFFile.open(DIR.resolve(f))) {
                return Tokenizer.fromMetadata(file.metadata());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static Tokenizer qwen() {
        return gguf("qwen2-vocab.gguf");
    }

    static Tokenizer llama3() {
        return gguf("llama3-vocab.gguf");
    }

    static Tokenizer stories() {
        return gguf("stories260K.gguf");
    }

    /** The real Llama 2 32k SentencePiece vocabulary, from llama2.c's tokenizer.bin. */
    static synchronized Tokenizer llama2() {
        return CACHE.computeIfAbsent("llama2_tokenizer.bin", f -> Tokenizer.of(readLlama2c(DIR.resolve(f))));
    }

    /**
     * Reads llama2.c's tokenizer format (int32 max token length, then per token float32 score, int32 length,
     * bytes). llama2.c's exporter wrote pieces with {@code ▁} as a space and BOS/EOS as {@code "\n<s>\n"} and
     * {@code "\n</s>\n"}; this undoes that and assigns the types a GGUF conversion gives: unknown 0, control
     * BOS/EOS, byte tokens 3..258.
     */
    static Vocabulary readLlama2c(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            b.getInt(); // max token length
            java.util.List<String> tokens = new java.util.ArrayList<>();
            java.util.List<Float> scores = new java.util.ArrayList<>();
            while (b.hasRemaining()) {
                scores.add(b.getFloat());
                byte[] text = new byte[b.getInt()];
                b.get(text);
                tokens.add(new String(text, StandardCharsets.UTF_8));
            }
            int n = tokens.size();
            String[] t = new String[n];
            float[] s = new float[n];
            int[] types = new int[n];
            for (int i = 0; i < n; i++) {
                String piece = tokens.get(i);
                if (i == 1) {
                    piece = "<s>";
                } else if (i == 2) {
                    piece = "</s>";
                }
                boolean isByte = piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">");
                t[i] = isByte ? piece : piece.replace(' ', '\u2581');
                s[i] = scores.get(i);
                types[i] = i == 0 ? 2 : i <= 2 ? 3 : isByte ? 6 : 1;
            }
            return Vocabulary.sentencePiece(t, s, types);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code tokenizer-reference.json}. */
    static synchronized JsonNode reference() {
        if (reference == null) {
            try {
                reference = new ObjectMapper().readTree(DIR.resolve("tokenizer-reference.json").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return reference;
    }

    /** {@code reference.json}'s entry for a model, e.g. {@code stories260K}. */
    static JsonNode modelReference(String model) {
        try {
            return new ObjectMapper().readTree(DIR.resolve("reference.json").toFile()).path("models").path(model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonNode array) {
        int[] a = new int[array.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = array.get(i).asInt();
        }
        return a;
    }
}
