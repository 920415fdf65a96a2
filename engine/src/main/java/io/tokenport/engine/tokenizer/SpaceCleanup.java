package io.tokenport.engine.tokenizer;

/**
 * llama.cpp's {@code clean_spaces} pass over detokenized bytes, for the vocabularies that ask for it. It mirrors
 * the cleanup of Hugging Face's GPT-2 tokenizer and, like it, can change text ({@code " 're"} loses its space).
 * Three passes, each reading its input left to right and deciding from the byte before and after:
 * <ol>
 *   <li>drop a space before {@code ?}, {@code !}, {@code .} or {@code ,};</li>
 *   <li>turn {@code " ' "} into {@code "'"};</li>
 *   <li>drop a space before {@code 's}, {@code 'm}, {@code 're} and {@code 've} (not {@code 't 'd 'll}).</li>
 * </ol>
 */
final class SpaceCleanup {
    private SpaceCleanup() {
    }

    /** Cleans {@code buf[0, n)} in place; returns the new length. */
    static int apply(byte[] buf, int n) {
        return contractions(loneApostrophes(punctuation(buf, n), buf), buf);
    }

    private static int punctuation(byte[] b, int n) {
        if (n == 0) {
            return 0;
        }
        int out = 1;
        byte before = b[0];
        for (int i = 1; i < n; i++) {
            byte x = b[i];
            if (before == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) {
                out--;
            }
            before = x;
            b[out++] = x;
        }
        return out;
    }

    private static int loneApostrophes(int n, byte[] b) {
        if (n == 0) {
            return 0;
        }
        int out = 1;
        byte before = b[0];
        for (int i = 1; i < n; i++) {
            byte x = b[i];
            if (x == '\'' && i + 1 < n && before == ' ' && b[i + 1] == ' ') {
                out--;      // the space before
                i++;        // and the space after, which then counts as "no space" for what follows
                b[out++] = x;
                before = 0;
                continue;
            }
            before = x;
            b[out++] = x;
        }
        return out;
    }

    private static int contractions(int n, byte[] b) {
        if (n == 0) {
            return 0;
        }
        int out = 1;
        byte before = b[0];
        for (int i = 1; i < n; i++) {
            byte x = b[i];
            if (before == ' ' && x == '\'' && i + 1 < n) {
                byte x1 = b[i + 1];
                if (x1 == 's' || x1 == 'm') {
                    out--;
                } else if (i + 2 < n) {
                    byte x2 = b[i + 2];
                    if ((x1 == 'r' || x1 == 'v') && x2 == 'e') {
                        out--;
                    }
                }
            }
            before = x;
            b[out++] = x;
        }
        return out;
    }
}
