package io.tokenport.engine.chat;

import java.util.Objects;

/**
 * One message of a conversation.
 *
 * @param role    who wrote it
 * @param content its text
 */
public record ChatMessage(ChatRole role, String content) {

    /** Rejects a missing role or content. */
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        if (content == null) {
            throw new IllegalArgumentException("message content must not be null (role '" + role.wireName() + "')");
        }
    }

    /**
     * A message with the role as the OpenAI API spells it.
     *
     * @param role    "system", "user" or "assistant"
     * @param content the text
     * @return the message
     * @throws IllegalArgumentException for any other role, or null content
     */
    public static ChatMessage of(String role, String content) {
        return new ChatMessage(ChatRole.parse(role), content);
    }

    /**
     * A system message.
     *
     * @param content the text
     * @return the message
     */
    public static ChatMessage system(String content) {
        return new ChatMessage(ChatRole.SYSTEM, content);
    }

    /**
     * A user message.
     *
     * @param content the text
     * @return the message
     */
    public static ChatMessage user(String content) {
        return new ChatMessage(ChatRole.USER, content);
    }

    /**
     * An assistant message.
     *
     * @param content the text
     * @return the message
     */
    public static ChatMessage assistant(String content) {
        return new ChatMessage(ChatRole.ASSISTANT, content);
    }
}
