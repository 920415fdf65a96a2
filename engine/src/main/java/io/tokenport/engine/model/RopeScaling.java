package io.tokenport.engine.model;

/**
 * How a model stretches rotary positions beyond the context it was trained on.
 *
 * @param type                  the method
 * @param factor                the context extension factor (1 for {@link Type#NONE})
 * @param originalContextLength the training context, which YaRN needs to tell fast from slow dimensions
 *                              (0 when unknown or unused)
 */
public record RopeScaling(Type type, float factor, int originalContextLength) {

    /** The scaling methods read from {@code {arch}.rope.scaling.type}. */
    public enum Type {
        /** Plain rotary embedding. */
        NONE,
        /** Position interpolation: every frequency is divided by the factor. */
        LINEAR,
        /**
         * YaRN (Peng et al. 2023): high-frequency dimensions are kept, low-frequency ones interpolated, with a
         * linear ramp between, and attention logits are scaled up by {@code (1 + 0.1 ln factor)^2}.
         */
        YARN
    }

    /** No scaling. */
    public static final RopeScaling NONE = new RopeScaling(Type.NONE, 1f, 0);
}
