package io.tokenport.engine.sampling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The sampler's filtering steps written the obvious way, with a full sort: a reference for tests. */
final class NaiveFilter {

    private NaiveFilter() {
    }

    /** The token ids the sampler may draw from, in ascending order. */
    static int[] keep(SamplingParams params, float[] logits) {
        float temperature = params.temperature();
        float max = Float.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < logits.length; i++) {
            ids.add(i);
        }
        ids.sort(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i));
        if (params.topK() > 0 && params.topK() < ids.size()) {
            ids = new ArrayList<>(ids.subList(0, params.topK()));
        }
        float[] weights = new float[logits.length];
        double total = 0;
        for (int id : ids) {
            weights[id] = (float) Math.exp((logits[id] - max) * (1f / temperature));
            total += weights[id];
        }
        if (params.topP() < 1f) {
            double cumulative = 0;
            int taken = 0;
            while (taken < ids.size()) {
                cumulative += weights[ids.get(taken++)];
                if (cumulative >= params.topP() * total) {
                    break;
                }
            }
            ids = new ArrayList<>(ids.subList(0, taken));
        }
        return ids.stream().filter(id -> weights[id] >= params.minP()).mapToInt(Integer::intValue).sorted().toArray();
    }
}
