package io.tokenport.engine.chat;

import static io.tokenport.engine.chat.ChatMessage.assistant;
import static io.tokenport.engine.chat.ChatMessage.system;
import static io.tokenport.engine.chat.ChatMessage.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The content ranges a template marks: exactly the messages' own text, never its markup. */
class ChatPromptTest {

    private static List<String> contentPieces(ChatPrompt prompt) {
        int[] ranges = prompt.contentRanges();
        List<String> pieces = new ArrayList<>();
        for (int r = 0; r < ranges.length; r += 2) {
            pieces.add(prompt.text().substring(ranges[r], ranges[r + 1]));
        }
        return pieces;
    }

    @Test
    void chatMlMarksEachMessageAsContentAndRoleNamesAsMarkup() {
        List<ChatMessage> conversation = List.of(system("Be brief."), user("Hi"));
        ChatPrompt prompt = ChatTemplates.CHATML.renderPrompt(conversation, true);

        assertThat(prompt.text()).isEqualTo(ChatTemplates.CHATML.render(conversation, true));
        assertThat(contentPieces(prompt)).containsExactly("Be brief.", "Hi");
        assertThat(prompt.contentRanges()).containsExactly(19, 28, 56, 58);
    }

    @Test
    void qwen3MarksReasoningAndAnswerAsContentButNotTheThinkBlock() {
        ChatPrompt prompt = ChatTemplates.QWEN3.renderPrompt(
                List.of(user("q"), assistant("<think>\n\nplan\n</think>\n\nanswer")), false);

        assertThat(prompt.text()).isEqualTo(
                "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n<think>\nplan\n</think>\n\nanswer<|im_end|>\n");
        assertThat(contentPieces(prompt)).containsExactly("q", "plan", "answer");
    }

    @Test
    void llama2TrimsTheUserTextAfterTheSystemBlockLikeItsTemplate() {
        ChatPrompt blank = ChatTemplates.LLAMA2.renderPrompt(List.of(system("S "), user(" \n ")), true);
        ChatPrompt indented = ChatTemplates.LLAMA2.renderPrompt(List.of(system("S"), user("  hi \n")), true);

        assertThat(blank.text()).isEqualTo("[INST] <<SYS>>\nS \n<</SYS>> [/INST]");
        assertThat(contentPieces(blank)).containsExactly("S ");
        assertThat(indented.text()).isEqualTo("[INST] <<SYS>>\nS\n<</SYS>>\n\n  hi [/INST]");
        assertThat(contentPieces(indented)).containsExactly("S", "  hi");
    }

    @Test
    void everyTemplateMarksAllContentAndNothingElse() {
        // Content is written with letters no template's markup uses, so markup and content can be told apart.
        Random random = new Random(20261128);
        String[] alphabet = {"Ω", "Ж", " ", "\n", "\t", "\n\n", "  "};
        for (int trial = 0; trial < 200; trial++) {
            List<ChatMessage> conversation = new ArrayList<>();
            if (random.nextBoolean()) {
                conversation.add(system(randomText(random, alphabet)));
            }
            int turns = 1 + random.nextInt(4);
            for (int t = 0; t < turns; t++) {
                conversation.add(t % 2 == 0 ? user(randomText(random, alphabet))
                        : assistant(randomText(random, alphabet)));
            }
            for (ChatTemplate template : ChatTemplates.all()) {
                boolean generationPrompt = random.nextBoolean();
                ChatPrompt prompt = template.renderPrompt(conversation, generationPrompt);
                String text = prompt.text();
                assertThat(text).isEqualTo(template.render(conversation, generationPrompt));
                boolean[] inContent = new boolean[text.length()];
                int[] ranges = prompt.contentRanges();
                int previousEnd = 0;
                for (int r = 0; r < ranges.length; r += 2) {
                    assertThat(ranges[r]).as("%s ranges sorted", template).isGreaterThanOrEqualTo(previousEnd);
                    assertThat(ranges[r + 1]).as("%s range non-empty", template).isGreaterThan(ranges[r]);
                    for (int i = ranges[r]; i < ranges[r + 1]; i++) {
                        inContent[i] = true;
                    }
                    previousEnd = ranges[r + 1];
                }
                for (int i = 0; i < text.length(); i++) {
                    char c = text.charAt(i);
                    if (c == 'Ω' || c == 'Ж') {
                        assertThat(inContent[i]).as("%s: content char %d of %s", template, i, text).isTrue();
                    } else if (inContent[i]) {
                        assertThat(" \n\t").as("%s: markup char %d of %s", template, i, text)
                                .contains(String.valueOf(c));
                    }
                }
            }
        }
    }

    private static String randomText(Random random, String[] alphabet) {
        StringBuilder text = new StringBuilder();
        int pieces = random.nextInt(6);
        for (int p = 0; p < pieces; p++) {
            text.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return text.toString();
    }

    @Test
    void rangesAreCopiedInAndOut() {
        int[] ranges = {0, 2};
        ChatPrompt prompt = new ChatPrompt("ab", ranges);
        ranges[1] = 1;
        prompt.contentRanges()[0] = 1;

        assertThat(prompt.contentRanges()).containsExactly(0, 2);
        assertThat(prompt).isEqualTo(new ChatPrompt("ab", new int[] {0, 2}));
    }
}
