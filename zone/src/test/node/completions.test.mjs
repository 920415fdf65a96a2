// The legacy completions endpoint through the official Node SDK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { banEnd, client, model } from './support/zone.mjs';

const openai = client();

test('a completion runs to max_tokens when the end tokens are banned', async () => {
  const completion = await openai.completions.create({
    model, prompt: 'Once upon a time', max_tokens: 10, temperature: 0, logit_bias: banEnd(),
  });
  assert.match(completion.id, /^cmpl-/);
  assert.equal(completion.object, 'text_completion');
  assert.equal(completion.choices.length, 1);
  assert.equal(completion.choices[0].index, 0);
  assert.equal(completion.choices[0].finish_reason, 'length');
  assert.equal(completion.usage.completion_tokens, 10);
  assert.ok(completion.usage.prompt_tokens > 0);
});

test('a streamed completion has the text of the whole one', async () => {
  const request = { model, prompt: 'Once upon a time', max_tokens: 10, temperature: 0, logit_bias: banEnd() };
  let text = '';
  let finish = null;
  for await (const chunk of await openai.completions.create({ ...request, stream: true })) {
    for (const choice of chunk.choices) {
      text += choice.text;
      finish = choice.finish_reason ?? finish;
    }
  }
  const whole = await openai.completions.create(request);
  assert.equal(text, whole.choices[0].text);
  assert.equal(finish, 'length');
});

test('the same seed gives the same sampled text', async () => {
  const request = { model, prompt: 'Once upon a time', max_tokens: 8, temperature: 1, seed: 42 };
  const a = await openai.completions.create(request);
  const b = await openai.completions.create(request);
  assert.equal(a.choices[0].text, b.choices[0].text);
});
