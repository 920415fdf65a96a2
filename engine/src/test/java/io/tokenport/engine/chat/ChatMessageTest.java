package io.tokenport.engine.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChatMessageTest {

    @Test
    void theThreeOpenAiRolesAreAccepted() {
        assertThat(ChatMessage.of("system", "s").role()).isEqualTo(ChatRole.SYSTEM);
        assertThat(ChatMessage.of("user", "u").role()).isEqualTo(ChatRole.USER);
        assertThat(ChatMessage.of("assistant", "a")).isEqualTo(ChatMessage.assistant("a"));
    }

    @Test
    void anyOtherRoleIsRejectedWithTheAcceptedOnes() {
        assertThatThrownBy(() -> ChatMessage.of("tool", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unsupported message role 'tool': expected one of system, user, assistant");
        assertThatThrownBy(() -> ChatMessage.of("User", "x"))
                .hasMessage("unsupported message role 'User': expected one of system, user, assistant");
        assertThatThrownBy(() -> ChatMessage.of(null, "x"))
                .hasMessage("unsupported message role null: expected one of system, user, assistant");
    }

    @Test
    void nullContentIsRejected() {
        assertThatThrownBy(() -> ChatMessage.user(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("message content must not be null (role 'user')");
    }
}
