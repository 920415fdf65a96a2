package io.tokenport.zone.models;

import io.tokenport.zone.batching.BatchScheduler;

/**
 * A served model and the scheduler that owns it: what a request for a model id is routed to.
 *
 * @param model     the model
 * @param scheduler its continuous-batching loop
 */
public record ModelDeployment(ServedModel model, BatchScheduler scheduler) {
}
