package io.tokenport.zone.metering;

import java.util.Map;

/**
 * Prices by model id, with a fallback for models the book does not name.
 *
 * @param byModel  model id to its price
 * @param fallback the price of any other model
 */
public record PriceBook(Map<String, Price> byModel, Price fallback) {

    /** Free of charge: for tests and a zone that has not configured prices yet. */
    public static final PriceBook FREE = new PriceBook(Map.of(), new Price(0, 0));

    public PriceBook {
        byModel = Map.copyOf(byModel);
        java.util.Objects.requireNonNull(fallback, "fallback");
    }

    /** The price of {@code model}'s tokens. */
    public Price priceOf(String model) {
        return byModel.getOrDefault(model, fallback);
    }
}
