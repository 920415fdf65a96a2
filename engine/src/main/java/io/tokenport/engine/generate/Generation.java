package io.tokenport.engine.generate;

import io.tokenport.engine.model.ContextOverflowException;
import io.tokenport.engine.model.Sequence;
import io.tokenport.engine.sampling.Sampler;
import io.tokenport.engine.sampling.StopStrings;
import io.tokenport.engine.tokenizer.StreamingDecoder;
import io.tokenport.engine.tokenizer.Tokenizer;

import java.util.Arrays;

/**
 * One sequence being generated: its KV cache, sampler, stop-string matcher and streaming detokenizer.
 *
 * <p>It does no forward passes itself. Whoever drives the model (the {@link Generator} here, the zone's batch
 * scheduler later) feeds it the logits that follow its latest token with {@link #advance(float[])}, which picks
 * the next token, streams its text to the sink, and says whether the sequence is finished. That split is what
 * lets many generations share one batched forward pass.
 */
public final class Generation {
    private final GenerationRequest request;
    private final Tokenizer tokenizer;
    private final Sequence sequence;
    private final Sampler sampler;
    private final StopStrings stops;
    private final StreamingDecoder decoder;
    private final TokenSink sink;
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder piece = new StringBuilder();
    private int[] tokens = new int[16];
    private int count;
    private FinishReason finishReason;

    /**
     * Prepares a generation on {@code model}; nothing is computed yet.
     *
     * @throws ContextOverflowException if the prompt plus {@code maxTokens} does not fit the model's context window
     */
    public Generation(LoadedModel model, GenerationRequest request, TokenSink sink) {
        int prompt = request.promptIds().length;
        ContextOverflowException.checkRequest(prompt, request.maxTokens(), model.contextLength());
        this.request = request;
        this.tokenizer = model.tokenizer();
        this.sequence = model.model().newSequence(prompt + request.maxTokens());
        this.sampler = new Sampler(request.sampling(), tokenizer.vocabSize());
        this.sampler.acceptPrompt(request.promptIds());
        this.stops = new StopStrings(request.stop());
        this.decoder = new StreamingDecoder(tokenizer);
        this.sink = sink;
    }

    /** The model-side state: KV cache and position. */
    public Sequence sequence() {
        return sequence;
    }

    public GenerationRequest request() {
        return request;
    }

    /** The token to feed next: the latest generated one. */
    public int lastToken() {
        return tokens[count - 1];
    }

    /** Whether the generation has ended. */
    public boolean finished() {
        return finishReason != null;
    }

    /** Why it ended, or {@code null} while it runs. */
    public FinishReason finishReason() {
        return finishReason;
    }

    /** Tokens generated so far. */
    public int generatedCount() {
        return count;
    }

    /** The generated ids so far. */
    public int[] tokens() {
        return Arrays.copyOf(tokens, count);
    }

    /** The released text so far. */
    public String text() {
        return text.toString();
    }

    /**
     * Takes the logits that follow the latest token, chooses the next token and streams its text.
     *
     * @return true when the generation has now finished
     */
    public boolean advance(float[] logits) {
        if (finished()) {
            throw new IllegalStateException("generation already finished (" + finishReason.apiName() + ")");
        }
        int token = sampler.sample(logits, tokenizer.vocabSize());
        sampler.accept(token);
        if (count == tokens.length) {
            tokens = Arrays.copyOf(tokens, count * 2);
        }
        tokens[count++] = token;

        if (!request.ignoreEos() && tokenizer.isEndOfGeneration(token)) {
            finish(FinishReason.STOP, token);
            return true;
        }
        piece.setLength(0);
        decoder.push(token, piece);
        String released = stops.feed(piece);
        if (stops.stopped()) {
            emit(token, released);
            finishReason = FinishReason.STOP;
            return true;
        }
        if (count >= request.maxTokens()) {
            emit(token, released);
            finish(FinishReason.LENGTH, -1);
            return true;
        }
        emit(token, released);
        return false;
    }

    /** Ends the generation early (the client went away); held-back text is dropped. */
    public void cancel() {
        if (!finished()) {
            finishReason = FinishReason.CANCELLED;
        }
    }

    /** Releases what the detokenizer and the stop-string matcher still hold, then records the reason. */
    private void finish(FinishReason reason, int token) {
        String rest = stops.feed(decoder.flush());
        if (!stops.stopped()) {
            rest = rest + stops.flush();
        }
        emit(token, rest);
        finishReason = reason;
    }

    private void emit(int token, String released) {
        text.append(released);
        sink.accept(token, released);
    }

    /** The result, once finished. */
    GenerationResult result(long prefillNanos, long decodeNanos) {
        return new GenerationResult(request.promptIds(), tokens(), text.toString(), finishReason, prefillNanos,
                decodeNanos);
    }
}
