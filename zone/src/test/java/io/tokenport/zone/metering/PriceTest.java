package io.tokenport.zone.metering;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PriceTest {

    @Test
    void requestIsPricedInWholeMicroUsdRoundedHalfUpOnce() {
        // $0.15 per million prompt tokens, $0.60 per million generated tokens.
        Price price = new Price(150_000, 600_000);
        assertThat(price.microUsd(1_000_000, 0)).isEqualTo(150_000);
        assertThat(price.microUsd(0, 1_000_000)).isEqualTo(600_000);
        // 10 * 0.15 + 5 * 0.6 = 4.5 micro-USD: rounds up to 5.
        assertThat(price.microUsd(10, 5)).isEqualTo(5);
        // 3 * 0.15 = 0.45: rounds down to 0.
        assertThat(price.microUsd(3, 0)).isZero();
    }

    @Test
    void bookFallsBackForUnnamedModels() {
        PriceBook book = new PriceBook(Map.of("big", new Price(2_000_000, 8_000_000)), new Price(1, 1));
        assertThat(book.priceOf("big").completionMicroUsdPerMillion()).isEqualTo(8_000_000);
        assertThat(book.priceOf("other")).isEqualTo(new Price(1, 1));
    }

    @Test
    void negativePricesAreRefused() {
        assertThatThrownBy(() -> new Price(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
