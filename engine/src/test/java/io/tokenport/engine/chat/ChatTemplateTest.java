package io.tokenport.engine.chat;

import static io.tokenport.engine.chat.ChatMessage.assistant;
import static io.tokenport.engine.chat.ChatMessage.system;
import static io.tokenport.engine.chat.ChatMessage.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Expected strings are derived by hand from the Jinja templates in the model files (and Meta's and Mistral's
 * published ones), reading them as Hugging Face renders them (trim_blocks, lstrip_blocks).
 */
class ChatTemplateTest {

    private static final List<ChatMessage> SYSTEM_AND_USER =
            List.of(system("You are a helpful assistant."), user("Hello!"));

    private static final List<ChatMessage> MULTI_TURN =
            List.of(system("Be brief."), user("What is 2+2?"), assistant("4."), user("And 3+3?"));

    // ---- ChatML and Qwen 3 ----

    @Test
    void chatMlRendersSystemAndUserWithTheGenerationPrompt() {
        assertThat(ChatTemplates.CHATML.render(SYSTEM_AND_USER, true)).isEqualTo(
                "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                        + "<|im_start|>user\nHello!<|im_end|>\n"
                        + "<|im_start|>assistant\n");
    }

    @Test
    void chatMlWithoutGenerationPromptEndsAfterTheLastMessage() {
        assertThat(ChatTemplates.CHATML.render(List.of(user("Hi")), false))
                .isEqualTo("<|im_start|>user\nHi<|im_end|>\n");
    }

    @Test
    void qwen3RendersPlainConversationsAsChatMl() {
        assertThat(ChatTemplates.QWEN3.render(SYSTEM_AND_USER, true))
                .isEqualTo(ChatTemplates.CHATML.render(SYSTEM_AND_USER, true));
        assertThat(ChatTemplates.QWEN3.render(MULTI_TURN, true)).isEqualTo(
                "<|im_start|>system\nBe brief.<|im_end|>\n"
                        + "<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
                        + "<|im_start|>assistant\n4.<|im_end|>\n"
                        + "<|im_start|>user\nAnd 3+3?<|im_end|>\n"
                        + "<|im_start|>assistant\n");
    }

    @Test
    void qwen3KeepsContentVerbatimWithoutTrimming() {
        assertThat(ChatTemplates.QWEN3.render(List.of(user("  Hi there \n")), true))
                .isEqualTo("<|im_start|>user\n  Hi there \n<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void qwen3DropsReasoningFromAssistantTurnsBeforeTheLastQuestion() {
        List<ChatMessage> conversation =
                List.of(user("Q1"), assistant("<think>\nhmm\n</think>\n\nA1"), user("Q2"));
        assertThat(ChatTemplates.QWEN3.render(conversation, true)).isEqualTo(
                "<|im_start|>user\nQ1<|im_end|>\n"
                        + "<|im_start|>assistant\nA1<|im_end|>\n"
                        + "<|im_start|>user\nQ2<|im_end|>\n"
                        + "<|im_start|>assistant\n");
    }

    @Test
    void qwen3GivesAFinalAssistantTurnAThinkBlockEvenWhenEmpty() {
        assertThat(ChatTemplates.QWEN3.render(List.of(user("Q1"), assistant("A1")), false)).isEqualTo(
                "<|im_start|>user\nQ1<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nA1<|im_end|>\n");
        assertThat(ChatTemplates.QWEN3.render(List.of(user("Q1"), assistant("<think>\nr1\n</think>\n\nA1")), true))
                .isEqualTo("<|im_start|>user\nQ1<|im_end|>\n"
                        + "<|im_start|>assistant\n<think>\nr1\n</think>\n\nA1<|im_end|>\n"
                        + "<|im_start|>assistant\n");
    }

    @Test
    void qwen3KeepsReasoningOfAssistantTurnsAfterTheLastQuestion() {
        // Only the last user message counts; a later assistant turn with reasoning keeps it, one without
        // reasoning that is not last gets no block.
        List<ChatMessage> conversation = List.of(user("Q"), assistant("<think>step</think>mid"),
                assistant("plain"), assistant("end"));
        assertThat(ChatTemplates.QWEN3.render(conversation, false)).isEqualTo(
                "<|im_start|>user\nQ<|im_end|>\n"
                        + "<|im_start|>assistant\n<think>\nstep\n</think>\n\nmid<|im_end|>\n"
                        + "<|im_start|>assistant\nplain<|im_end|>\n"
                        + "<|im_start|>assistant\n<think>\n\n</think>\n\nend<|im_end|>\n");
    }

    @Test
    void qwen3RendersALaterSystemMessageLikeAUserMessage() {
        assertThat(ChatTemplates.QWEN3.render(List.of(user("a"), system("b")), false))
                .isEqualTo("<|im_start|>user\na<|im_end|>\n<|im_start|>system\nb<|im_end|>\n");
    }

    // ---- Llama 3 ----

    @Test
    void llama3RendersSystemAndUserWithItsOwnBos() {
        assertThat(ChatTemplates.LLAMA3.render(SYSTEM_AND_USER, true)).isEqualTo(
                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
        assertThat(ChatTemplates.LLAMA3.rendersBos()).isTrue();
    }

    @Test
    void llama3RendersMultiTurnAndTrimsContent() {
        assertThat(ChatTemplates.LLAMA3.render(MULTI_TURN, true)).isEqualTo(
                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n4.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nAnd 3+3?<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
        // Jinja's trim is Python's strip: no-break space and NEXT LINE count as whitespace.
        assertThat(ChatTemplates.LLAMA3.render(List.of(user("\u00a0 Hi there \n\u0085")), false))
                .isEqualTo("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>");
    }

    // ---- Llama 2 ----

    @Test
    void llama2PutsTheSystemPromptInsideTheFirstInstructionWithoutLeadingBos() {
        assertThat(ChatTemplates.LLAMA2.render(SYSTEM_AND_USER, true))
                .isEqualTo("[INST] <<SYS>>\nYou are a helpful assistant.\n<</SYS>>\n\nHello! [/INST]");
        assertThat(ChatTemplates.LLAMA2.rendersBos()).isFalse();
    }

    @Test
    void llama2ClosesEachAnsweredTurnAndOpensTheNextWithBos() {
        assertThat(ChatTemplates.LLAMA2.render(MULTI_TURN, true)).isEqualTo(
                "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nWhat is 2+2? [/INST] 4. </s><s>[INST] And 3+3? [/INST]");
        assertThat(ChatTemplates.LLAMA2.render(List.of(user("  Hi there \n"), assistant(" Hello ")), false))
                .isEqualTo("[INST] Hi there [/INST] Hello </s>");
    }

    @Test
    void llama2RejectsRolesThatDoNotAlternate() {
        assertThatThrownBy(() -> ChatTemplates.LLAMA2.render(List.of(user("a"), user("b")), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the llama2 chat template needs an optional system message first, then user and "
                        + "assistant messages alternating, starting with user; message 1 is 'user' where "
                        + "'assistant' was expected");
        assertThatThrownBy(() -> ChatTemplates.LLAMA2.render(List.of(system("s")), true))
                .hasMessage("the llama2 chat template needs a user message after the system message");
    }

    // ---- Mistral ----

    @Test
    void mistralPrependsTheSystemPromptToTheFirstUserMessage() {
        assertThat(ChatTemplates.MISTRAL.render(SYSTEM_AND_USER, true))
                .isEqualTo("[INST] You are a helpful assistant.\n\nHello! [/INST]");
    }

    @Test
    void mistralRendersMultiTurnLikeItsReferenceTemplate() {
        assertThat(ChatTemplates.MISTRAL.render(MULTI_TURN, true))
                .isEqualTo("[INST] Be brief.\n\nWhat is 2+2? [/INST]4.</s>[INST] And 3+3? [/INST]");
        assertThat(ChatTemplates.MISTRAL.render(MULTI_TURN.subList(1, 4), true))
                .isEqualTo("[INST] What is 2+2? [/INST]4.</s>[INST] And 3+3? [/INST]");
        assertThatThrownBy(() -> ChatTemplates.MISTRAL.render(List.of(assistant("a")), true))
                .hasMessageContaining("message 0 is 'assistant' where 'user' was expected");
    }

    // ---- All families ----

    @Test
    void anEmptyConversationIsRejected() {
        for (ChatTemplate template : ChatTemplates.all()) {
            assertThatThrownBy(() -> template.render(List.of(), true))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a conversation needs at least one message");
        }
    }
}
