package io.tokenport.cli.models;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelReferenceTest {

    @Test
    void aPlainValueIsALocalPath() {
        assertThat(ModelReference.parse("models/q.gguf")).isEqualTo(new ModelReference.LocalFile(Path.of("models/q.gguf")));
        assertThat(ModelReference.parse("/abs/hf:odd.gguf"))
                .isEqualTo(new ModelReference.LocalFile(Path.of("/abs/hf:odd.gguf")));
    }

    @Test
    void anHfReferenceNamesOwnerRepoFileAndDefaultsToMain() {
        var ref = (ModelReference.HuggingFaceFile) ModelReference.parse(
                "hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q8_0.gguf");

        assertThat(ref).isEqualTo(new ModelReference.HuggingFaceFile("Qwen", "Qwen2.5-0.5B-Instruct-GGUF",
                "qwen2.5-0.5b-instruct-q8_0.gguf", "main"));
        assertThat(ref.spec()).isEqualTo("hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q8_0.gguf");
    }

    @Test
    void aRevisionFollowsTheAtSign() {
        var ref = (ModelReference.HuggingFaceFile) ModelReference.parse(
                "hf:o/r/m.gguf@9217f5db79a29953eb74d5343926648285ec7e67");

        assertThat(ref.revision()).isEqualTo("9217f5db79a29953eb74d5343926648285ec7e67");
        assertThat(ref.file()).isEqualTo("m.gguf");
        assertThat(ref.spec()).isEqualTo("hf:o/r/m.gguf@9217f5db79a29953eb74d5343926648285ec7e67");
    }

    @Test
    void theFileMaySitInAFolderOfTheRepository() {
        var ref = (ModelReference.HuggingFaceFile) ModelReference.parse("hf:org/repo/Q4_K_M/model-Q4_K_M.gguf@v1.0");

        assertThat(ref.file()).isEqualTo("Q4_K_M/model-Q4_K_M.gguf");
        assertThat(ref.fileName()).isEqualTo("model-Q4_K_M.gguf");
        assertThat(ref.revision()).isEqualTo("v1.0");
    }

    @Test
    void theDefaultModelIsAWellFormedPinnedReference() {
        PinnedModel pin = PinnedModel.DEFAULT;

        assertThat(ModelReference.parse(pin.file().spec())).isEqualTo(pin.file());
        assertThat(PinnedModel.forFile(pin.file())).contains(pin);
        assertThat(PinnedModel.forFile(new ModelReference.HuggingFaceFile(pin.file().owner(), pin.file().repo(),
                pin.file().file(), "main"))).isEmpty();
        assertThat(pin.sha256()).hasSize(64);
    }

    @Test
    void malformedReferencesSayWhatIsWrongAndShowTheForm() {
        String form = "the form is hf:OWNER/REPO/FILE.gguf or hf:OWNER/REPO/FILE.gguf@REVISION";
        String[][] cases = {
                {"hf:", "it needs an owner, a repository and a file"},
                {"hf:Qwen/model.gguf", "it needs an owner, a repository and a file"},
                {"hf:Qwen//m.gguf", "the repository '' is not a valid Hugging Face name"},
                {"hf:Qw en/r/m.gguf", "the owner 'Qw en' is not a valid"},
                {"hf:o/r/m.gguf@", "the revision after '@' must be a branch, tag or commit"},
                {"hf:o/r/m.gguf@a b", "the revision after '@' must be"},
                {"hf:o/r/m.safetensors", "only .gguf files can be served, got 'm.safetensors'"},
                {"hf:o/r/../m.gguf", "has an empty, '.' or '..' segment"},
                {"hf:o/r/a//m.gguf", "has an empty, '.' or '..' segment"},
                {"hf:o/r/m%2e.gguf", "a character that cannot be part of a file path: '%'"},
                {"hf:o/r/m\u0001.gguf", "'\\u0001'"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> ModelReference.parse(c[0])).as(c[0])
                    .isInstanceOf(InvalidModelReferenceException.class)
                    .hasMessageContaining("bad model reference '" + c[0] + "'")
                    .hasMessageContaining(c[1])
                    .hasMessageEndingWith(form);
        }
    }

    @Test
    void anEmptyValueIsRefused() {
        assertThatThrownBy(() -> ModelReference.parse(" "))
                .isInstanceOf(InvalidModelReferenceException.class)
                .hasMessageContaining("--model is empty");
    }
}
