/**
 * Transformer models and their forward pass: the part of the engine that turns tokens into logits.
 *
 * <p>Start at {@link io.tokenport.engine.model.Model}: {@code Model.load(gguf, pool)} reads a
 * {@link io.tokenport.engine.model.ModelConfig} from the file's metadata (architectures llama, qwen2 and qwen3,
 * see {@link io.tokenport.engine.model.Architecture}) and checks every tensor's shape; {@code newSequence(n)}
 * makes a {@link io.tokenport.engine.model.Sequence} with its own KV cache; {@code prefill} feeds a prompt in
 * chunks and {@code decode} advances many sequences by one token each in one pass. A server that mixes prompt
 * chunks and decode tokens of different sequences in one step fills a {@link io.tokenport.engine.model.Batch}
 * and calls {@code forward}. A sequence never holds more than its window: the step is refused with a
 * {@link io.tokenport.engine.model.ContextOverflowException} before anything changes.
 *
 * <p>Inside: {@code Weights} (tensors checked against the config), {@code Rope} (rotary embedding and its
 * context-extension variants), {@code KVCache} (paged float32 keys and values) and {@code VectorMath} (attention,
 * norms and activation kernels on the Vector API). The weight matmuls belong to {@code io.tokenport.engine.tensor}.
 */
package io.tokenport.engine.model;
