package io.tokenport.engine.synth;

import io.tokenport.engine.gguf.GGMLType;

import java.util.Locale;

/**
 * Which element type each weight gets. Norms (and qwen2's biases) are always F32. A single type applies to
 * every matrix; {@code Q4_K_M} mimics llama.cpp's mixture: Q4_K for most matrices, Q6_K for
 * {@code output.weight}, {@code ffn_down} and {@code attn_v} (llama.cpp alternates the last two by layer; all
 * layers here). A matrix whose rows do not fit the type's blocks falls back as llama.cpp does: K types to their
 * 32-block relatives, 32-block types to F16.
 *
 * @param name      as given, e.g. {@code Q8_0} or {@code Q4_K_M}
 * @param base      the type of ordinary matrices
 * @param q4kMedium whether this is the Q4_K_M mixture
 */
public record WeightFormat(String name, GGMLType base, boolean q4kMedium) {

    /** Parses {@code F32}, {@code F16}, {@code BF16}, {@code Q8_0}, {@code Q4_0}, {@code Q5_0}, {@code Q4_K}, {@code Q5_K}, {@code Q6_K} or {@code Q4_K_M}. */
    public static WeightFormat parse(String s) {
        String n = s.toUpperCase(Locale.ROOT);
        if (n.equals("Q4_K_M")) {
            return new WeightFormat(n, GGMLType.Q4_K, true);
        }
        GGMLType t;
        try {
            t = GGMLType.valueOf(n);
        } catch (IllegalArgumentException e) {
            t = null;
        }
        if (t == null || !BlockQuantizer.supports(t)) {
            throw new IllegalArgumentException("unsupported weight type '" + s
                    + "' (F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q4_K, Q5_K, Q6_K, Q4_K_M)");
        }
        return new WeightFormat(n, t, false);
    }

    public static WeightFormat of(GGMLType type) {
        return parse(type.name());
    }

    /** The type for the named matrix whose rows hold {@code rowLength} elements. */
    public GGMLType typeFor(String tensorName, long rowLength) {
        GGMLType t = base;
        if (q4kMedium && (tensorName.equals("output.weight") || tensorName.endsWith(".ffn_down.weight")
                || tensorName.endsWith(".attn_v.weight"))) {
            t = GGMLType.Q6_K;
        }
        if (rowLength % t.blockSize() != 0) {
            t = switch (t) {
                case Q4_K -> GGMLType.Q4_0;
                case Q5_K -> GGMLType.Q5_0;
                case Q6_K -> GGMLType.Q8_0;
                default -> t;
            };
        }
        return rowLength % t.blockSize() == 0 ? t : GGMLType.F16;
    }

    /** llama.cpp's {@code general.file_type} ({@code enum llama_ftype}) for this format. */
    public int fileType() {
        if (q4kMedium) {
            return 15;
        }
        return switch (base) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            case Q5_0 -> 8;
            case Q4_K -> 14; // Q4_K_S: all Q4_K
            case Q5_K -> 16;
            case Q6_K -> 18;
            case BF16 -> 32;
            default -> throw new IllegalStateException(base.name());
        };
    }
}
