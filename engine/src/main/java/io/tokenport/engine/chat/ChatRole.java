package io.tokenport.engine.chat;

/** Who wrote a chat message. The templates know these three; tool messages are not supported. */
public enum ChatRole {
    /** Instructions that frame the conversation. */
    SYSTEM("system"),
    /** The person asking. */
    USER("user"),
    /** The model. */
    ASSISTANT("assistant");

    private final String wireName;

    ChatRole(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The role as the OpenAI API and the chat templates spell it.
     *
     * @return "system", "user" or "assistant"
     */
    public String wireName() {
        return wireName;
    }

    /**
     * Parses a role as the OpenAI API spells it.
     *
     * @param name the role name, lower case
     * @return the role
     * @throws IllegalArgumentException naming the role and the accepted ones
     */
    public static ChatRole parse(String name) {
        for (ChatRole role : values()) {
            if (role.wireName.equals(name)) {
                return role;
            }
        }
        throw new IllegalArgumentException(
                "unsupported message role " + (name == null ? "null" : "'" + name + "'")
                        + ": expected one of system, user, assistant");
    }
}
