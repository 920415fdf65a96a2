package io.tokenport.engine.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatTemplatesTest {

    /**
     * Templates under src/test/resources/chat: qwen3.jinja and llama3.jinja are the {@code
     * tokenizer.chat_template} values of ../shared/models/qwen2-vocab.gguf and llama3-vocab.gguf, byte for byte;
     * llama2.jinja and mistral.jinja are Meta's Llama-2-chat and Mistral-7B-Instruct-v0.1 templates as published.
     */
    private static String template(String name) throws IOException {
        try (InputStream in = ChatTemplatesTest.class.getResourceAsStream("/chat/" + name + ".jinja")) {
            assertThat(in).as("test resource chat/%s.jinja", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @CsvSource({"qwen3, qwen3", "llama3, llama3", "llama2, llama2", "mistral, mistral"})
    void detectsTheFamilyOfRealTemplates(String file, String family) throws IOException {
        assertThat(ChatTemplates.detect(template(file)).name()).isEqualTo(family);
    }

    @Test
    void detectsPlainChatMl() {
        String qwen25 = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content']"
                + " + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}"
                + "{% endif %}";
        assertThat(ChatTemplates.detect(qwen25)).isSameAs(ChatTemplates.CHATML);
    }

    @Test
    void noTemplateMeansChatMl() {
        assertThat(ChatTemplates.detect(null)).isSameAs(ChatTemplates.CHATML);
        assertThat(ChatTemplates.detect("  \n")).isSameAs(ChatTemplates.CHATML);
    }

    @Test
    void unknownTemplateNamesItsStartAndTheAcceptedFamilies() {
        String gemma = "{{ bos_token }}{% for message in messages %}{{ '<start_of_turn>' + role + '\\n' + "
                + "message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}";
        assertThatThrownBy(() -> ChatTemplates.detect(gemma))
                .isInstanceOf(UnknownChatTemplateException.class)
                .hasMessage("unrecognised chat template \"" + gemma.substring(0, 80).replace("\\n", "\\\\n")
                        .replace("\n", "\\n") + "...\"; choose a template explicitly, one of: chatml, qwen3, "
                        + "llama2, llama3, mistral")
                .satisfies(e -> assertThat(((UnknownChatTemplateException) e).templateStart())
                        .isEqualTo(gemma.substring(0, 80)));
    }

    @Test
    void unknownTemplateMessageStaysOnOneLine() {
        assertThatThrownBy(() -> ChatTemplates.detect("line one\nline \"two\""))
                .hasMessage("unrecognised chat template \"line one\\nline \\\"two\\\"\"; choose a template "
                        + "explicitly, one of: chatml, qwen3, llama2, llama3, mistral");
    }

    @Test
    void byNameIsCaseInsensitive() {
        assertThat(ChatTemplates.byName("ChatML")).isSameAs(ChatTemplates.CHATML);
        assertThat(ChatTemplates.byName("LLAMA2")).isSameAs(ChatTemplates.LLAMA2);
        assertThat(ChatTemplates.byName("llama3")).isSameAs(ChatTemplates.LLAMA3);
        assertThat(ChatTemplates.byName("Mistral")).isSameAs(ChatTemplates.MISTRAL);
        assertThat(ChatTemplates.byName("qwen3")).isSameAs(ChatTemplates.QWEN3);
    }

    @Test
    void byNameListsTheValidNamesOnError() {
        assertThatThrownBy(() -> ChatTemplates.byName("vicuna"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown chat template name \"vicuna\"; valid names: chatml, qwen3, llama2, llama3, mistral");
    }

    @Test
    void everyFamilyIsListedUnderItsName() {
        assertThat(ChatTemplates.all()).extracting(ChatTemplate::name)
                .containsExactly("chatml", "qwen3", "llama2", "llama3", "mistral");
        for (ChatTemplate template : ChatTemplates.all()) {
            assertThat(ChatTemplates.byName(template.name())).isSameAs(template);
        }
    }

    @Test
    void detectedRealTemplatesRenderAsTheirJinjaDoes() throws IOException {
        List<ChatMessage> conversation = List.of(ChatMessage.system("S"), ChatMessage.user("U"));
        assertThat(ChatTemplates.detect(template("qwen3")).render(conversation, true))
                .isEqualTo("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n");
        assertThat(ChatTemplates.detect(template("llama3")).render(conversation, true))
                .isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nS<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nU<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }
}
