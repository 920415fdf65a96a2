package io.tokenport.zone.admission;

import java.time.InstantSource;

class LocalRateLimiterTest extends RateLimiterContract {
    @Override
    RateLimiter newLimiter(InstantSource clock) {
        return new LocalRateLimiter(clock);
    }
}
