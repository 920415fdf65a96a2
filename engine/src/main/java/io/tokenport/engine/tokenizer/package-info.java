/**
 * Tokenizers from GGUF metadata, id for id as llama.cpp: the zone meters and prices what these count.
 *
 * <p>Entry points: {@link io.tokenport.engine.tokenizer.Tokenizer#fromMetadata} (or
 * {@link io.tokenport.engine.tokenizer.Tokenizer#of} with a {@link io.tokenport.engine.tokenizer.Vocabulary}
 * built from plain arrays), then {@code encode}, {@code decode}, and a
 * {@link io.tokenport.engine.tokenizer.StreamingDecoder} per streamed response.
 *
 * <p>How a text is encoded:
 * <ol>
 *   <li>{@code SpecialTokenMatcher} cuts special tokens written in the text out of it (user-defined ones always,
 *       control ones when asked), longest first;</li>
 *   <li>each stretch of plain text goes to the algorithm the vocabulary names: {@code SentencePieceTokenizer}
 *       (score-driven merges over code points, byte fallback) or {@code ByteLevelBpeTokenizer} (a
 *       {@code PreTokenizer} scanner cuts words, ranked merges over bytes, with the merge list resolved to ids
 *       once by {@code MergeTable});</li>
 *   <li>BOS and EOS are added by the vocabulary's flags.</li>
 * </ol>
 * Decoding concatenates each token's bytes (rendered once at load into one pool) and decodes UTF-8 with
 * replacement ({@code Utf8}); {@code SpaceCleanup} applies llama.cpp's {@code clean_spaces} where the
 * vocabulary asks for it. {@code SpecialTokenRules} holds llama.cpp's rules for end-of-generation tokens.
 *
 * <p>Hot loops work on primitive arrays: token texts live in {@code TokenTextTable} and
 * {@code ByteStringTable} (looked up by slices of a buffer, no strings built), merge candidates in a primitive
 * heap ({@code MergeQueue}).
 */
package io.tokenport.engine.tokenizer;
