package io.tokenport.bench;

import io.tokenport.engine.chat.ChatMessage;
import io.tokenport.engine.tokenizer.TokenType;
import io.tokenport.engine.tokenizer.Tokenizer;
import io.tokenport.zone.models.ServedModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random prompts of a given length in the served model's tokens, like vLLM's random dataset: ordinary vocabulary
 * pieces drawn at random, joined until the zone's tokenizer (with the chat template, for chat) counts at least the
 * target. Each request gets its own prompt, so no two share a prefix.
 */
final class ServePrompts {
    private ServePrompts() {
    }

    static List<String> make(ServedModel served, boolean chat, int promptTokens, int count, long seed) {
        Tokenizer tokenizer = served.model().tokenizer();
        Random random = new Random(seed);
        List<String> prompts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            while (tokens(served, chat, text.toString()) < promptTokens) {
                int id = random.nextInt(tokenizer.vocabSize());
                if (tokenizer.tokenType(id) == TokenType.NORMAL) {
                    text.append(tokenizer.decode(new int[] {id}));
                }
            }
            prompts.add(text.toString());
        }
        return prompts;
    }

    private static int tokens(ServedModel served, boolean chat, String text) {
        return chat
                ? served.model().encodeChat(served.template(), List.of(ChatMessage.user(text))).length
                : served.model().encodePrompt(text).length;
    }
}
