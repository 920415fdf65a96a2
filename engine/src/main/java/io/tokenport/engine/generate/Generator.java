package io.tokenport.engine.generate;

import io.tokenport.engine.model.Model;
import io.tokenport.engine.model.Batch;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs generations to the end on one model: one at a time, or several together so that every decode step is a
 * single batched forward pass. This is the loop behind {@code tokenport generate} and the benchmarks; the zone's
 * scheduler drives {@link Generation}s itself so that requests can join and leave between steps.
 */
public final class Generator {
    private final LoadedModel model;

    public Generator(LoadedModel model) {
        this.model = model;
    }

    /** Generates one sequence, streaming its text to {@code sink}. */
    public GenerationResult generate(GenerationRequest request, TokenSink sink) {
        return generateAll(List.of(request), List.of(sink)).getFirst();
    }

    /**
     * Generates several sequences together: each prompt is prefilled on its own, then all unfinished sequences
     * advance by one token per forward pass until every one has finished.
     *
     * @param sinks one sink per request, in the same order
     * @return one result per request, in the same order; timings are those of the whole batch
     */
    public List<GenerationResult> generateAll(List<GenerationRequest> requests, List<TokenSink> sinks) {
        if (requests.size() != sinks.size()) {
            throw new IllegalArgumentException(requests.size() + " requests but " + sinks.size() + " sinks");
        }
        Model m = model.model();
        int n = requests.size();
        List<Generation> generations = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            generations.add(new Generation(model, requests.get(i), sinks.get(i)));
        }

        // Prefill: each prompt in matrix-matrix chunks; its last logits give the first token.
        long start = System.nanoTime();
        for (Generation g : generations) {
            g.advance(m.prefill(g.sequence(), g.request().promptIds()));
        }
        long prefilled = System.nanoTime();

        // Decode: all live sequences in one pass per step.
        int vocab = m.config().vocabularySize();
        float[][] logits = new float[n][vocab];
        Batch batch = new Batch(n);
        Generation[] inBatch = new Generation[n];
        while (true) {
            batch.clear();
            int live = 0;
            for (Generation g : generations) {
                if (!g.finished()) {
                    batch.add(g.sequence(), g.lastToken(), logits[live]);
                    inBatch[live++] = g;
                }
            }
            if (live == 0) {
                break;
            }
            m.forward(batch);
            for (int i = 0; i < live; i++) {
                inBatch[i].advance(logits[i]);
            }
        }
        batch.clear();
        long done = System.nanoTime();

        List<GenerationResult> results = new ArrayList<>(n);
        for (Generation g : generations) {
            results.add(g.result(prefilled - start, done - prefilled));
        }
        return results;
    }
}
