package io.tokenport.zone.api;

import io.tokenport.engine.chat.ChatMessage;

import java.util.List;
import java.util.Map;

/**
 * A chat or text completion request after its JSON was checked: every field has the right type. Checks that
 * need the model (vocabulary, context window) come later, in {@link CompletionsEndpoint}.
 *
 * @param chat             true for {@code /v1/chat/completions}
 * @param model            the model id
 * @param messages         the conversation (chat only)
 * @param prompt           the prompt (completions only)
 * @param maxTokens        the most tokens to generate, or null for the endpoint's default
 * @param temperature      null for the default
 * @param topP             null for the default
 * @param seed             null for a random seed
 * @param presencePenalty  null for none
 * @param frequencyPenalty null for none
 * @param logitBias        token id to bias; empty for none
 * @param stop             stop strings; empty for none
 * @param stream           answer with server-sent events
 * @param includeUsage     end the stream with a usage chunk
 */
record CompletionParams(boolean chat, String model, List<ChatMessage> messages, String prompt, Integer maxTokens,
                        Float temperature, Float topP, Long seed, Float presencePenalty, Float frequencyPenalty,
                        Map<Integer, Float> logitBias, List<String> stop, boolean stream, boolean includeUsage) {
}
