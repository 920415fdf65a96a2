package io.tokenport.engine.model;

import io.tokenport.engine.gguf.GGUFFile;
import io.tokenport.engine.tensor.ComputePool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A sequence never takes more tokens than its context window, and a refused step changes nothing. */
class ContextOverflowTest {
    private static GGUFFile gguf;
    private static ComputePool pool;
    private static Model model;

    @BeforeAll
    static void load() throws Exception {
        gguf = GGUFFile.open(TestModels.path("stories260K.gguf"));
        pool = new ComputePool(1);
        model = Model.load(gguf, pool);
    }

    @AfterAll
    static void close() {
        pool.close();
        gguf.close();
    }

    @Test
    void promptLongerThanTheWindowIsRefusedBeforeAnyWork() {
        Sequence seq = model.newSequence(10);
        assertThatThrownBy(() -> model.prefill(seq, new int[11]))
                .isInstanceOf(ContextOverflowException.class)
                .hasMessage("prompt of 11 tokens exceeds the context window of 10 tokens");
        assertThat(seq.position()).isZero();
        assertThat(seq.cacheBytes()).isZero();
    }

    @Test
    void decodingPastTheWindowIsRefusedAndNoSequenceInTheBatchAdvances() {
        Sequence full = model.newSequence(10);
        Sequence other = model.newSequence(10);
        model.prefill(full, new int[]{1, 2, 3, 4, 5, 6, 7, 8});
        model.prefill(other, new int[]{1, 2});
        float[][] out = new float[2][512];
        model.decode(List.of(full, other), new int[]{9, 9}, out);
        model.decode(List.of(full, other), new int[]{9, 9}, out);
        assertThat(full.remaining()).isZero();

        assertThatThrownBy(() -> model.decode(List.of(other, full), new int[]{9, 9}, out))
                .isInstanceOf(ContextOverflowException.class)
                .hasMessage("1 more token after the 10 already in the sequence exceeds the context window of 10 tokens")
                .satisfies(e -> {
                    assertThat(((ContextOverflowException) e).contextWindow()).isEqualTo(10);
                    assertThat(((ContextOverflowException) e).requestedTokens()).isEqualTo(11);
                });
        assertThat(full.position()).isEqualTo(10);
        assertThat(other.position()).isEqualTo(4);

        // The sequence that fits still decodes normally afterwards.
        model.decode(List.of(other), new int[]{9}, new float[][]{out[0]});
        assertThat(other.position()).isEqualTo(5);
    }

    @Test
    void aBatchGivingOneSequenceTooManyTokensIsRefused() {
        Sequence seq = model.newSequence(4);
        model.prefill(seq, new int[]{1, 2});
        Batch batch = new Batch(8).add(seq, 3, null).add(seq, 4, null).add(seq, 5, new float[512]);
        assertThatThrownBy(() -> model.forward(batch))
                .isInstanceOf(ContextOverflowException.class)
                .hasMessage("3 more tokens after the 2 already in the sequence exceed the context window of 4 tokens");
        assertThat(seq.position()).isEqualTo(2);
        batch.clear();
        model.forward(batch.add(seq, 3, null).add(seq, 4, null));
        assertThat(seq.position()).isEqualTo(4);
    }

    @Test
    void requestCheckNamesPromptCompletionAndWindow() {
        ContextOverflowException.checkRequest(500, 12, 512);
        assertThatThrownBy(() -> ContextOverflowException.checkRequest(500, 13, 512))
                .isInstanceOf(ContextOverflowException.class)
                .hasMessage("prompt of 500 tokens plus 13 to generate exceeds the context window of 512 tokens");
    }

    @Test
    void aSequenceCannotBeLargerThanTheModelContext() {
        assertThatThrownBy(() -> model.newSequence(513))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("context length must be between 1 and the model's 512 tokens, got 513");
    }

    @Test
    void rewindForgetsLaterTokensAndReproducesTheirLogits() {
        Sequence seq = model.newSequence(32);
        float[] first = model.prefill(seq, new int[]{1, 403, 407, 261, 378}).clone();
        model.prefill(seq, new int[]{432, 383});
        seq.rewind(4);
        float[] again = model.prefill(seq, new int[]{378});
        // Equal up to rounding: the kernels may sum a row differently in a pass of one token than of five.
        BatchedDecodeTest.assertClose(again, first, "after rewind");
        assertThatThrownBy(() -> seq.rewind(6)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invalidTokensAndShortLogitArraysAreRefused() {
        Sequence seq = model.newSequence(8);
        assertThatThrownBy(() -> model.prefill(seq, new int[]{1, 512}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token id 512 is outside the vocabulary of 512 tokens");
        assertThatThrownBy(() -> model.decode(List.of(seq), new int[]{1}, new float[][]{new float[10]}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shorter than the vocabulary");
        assertThat(seq.position()).isZero();
    }
}
