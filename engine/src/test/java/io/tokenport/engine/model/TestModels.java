package io.tokenport.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The shared test models ({@code ../shared/models}, relative to the repository root) and their references. */
final class TestModels {
    static final Path DIR = Path.of("..", "shared", "models");
    private static JsonNode reference;

    private TestModels() {
    }

    static Path path(String fileName) {
        return DIR.resolve(fileName);
    }

    /** {@code reference.json}'s entry for the model, e.g. {@code models.stories260K}. */
    static synchronized JsonNode reference(String model) {
        if (reference == null) {
            try {
                reference = new ObjectMapper().readTree(DIR.resolve("reference.json").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return reference.path("models").path(model);
    }

    static int[] ints(JsonNode array) {
        int[] a = new int[array.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = array.get(i).asInt();
        }
        return a;
    }

    /** Index of the largest value, the first on ties (as the reference's greedy decoding). */
    static int argmax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] > a[best]) {
                best = i;
            }
        }
        return best;
    }
}
