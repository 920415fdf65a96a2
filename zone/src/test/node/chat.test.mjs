// Chat completions through the official Node SDK, whole and streamed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { client, model } from './support/zone.mjs';

const openai = client();
const params = {
  model,
  messages: [{ role: 'system', content: 'You count.' }, { role: 'user', content: 'One, two,' }],
  max_tokens: 12,
  temperature: 0,
};

test('models.list names the served model', async () => {
  const ids = [];
  for await (const m of openai.models.list()) {
    ids.push(m.id);
  }
  assert.deepEqual(ids, [model]);
});

test('a chat completion answers with one choice and the usage of both sides', async () => {
  const chat = await openai.chat.completions.create(params);
  assert.match(chat.id, /^chatcmpl-/);
  assert.equal(chat.object, 'chat.completion');
  assert.equal(chat.model, model);
  assert.equal(chat.choices.length, 1);
  assert.equal(chat.choices[0].message.role, 'assistant');
  assert.equal(typeof chat.choices[0].message.content, 'string');
  assert.ok(['stop', 'length'].includes(chat.choices[0].finish_reason), chat.choices[0].finish_reason);
  assert.ok(chat.usage.prompt_tokens > 0);
  assert.ok(chat.usage.completion_tokens >= 1 && chat.usage.completion_tokens <= 12, String(chat.usage.completion_tokens));
  assert.equal(chat.usage.total_tokens, chat.usage.prompt_tokens + chat.usage.completion_tokens);
});

test('a streamed chat is the concatenation of its deltas and ends with a usage chunk', async () => {
  const stream = await openai.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
  const chunks = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
  }
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  let text = '';
  let finish = null;
  for (const chunk of chunks) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.id, chunks[0].id);
    for (const choice of chunk.choices) {
      text += choice.delta.content ?? '';
      finish = choice.finish_reason ?? finish;
    }
  }
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  assert.ok(last.usage, 'the last chunk carries the usage');
  for (const chunk of chunks.slice(0, -1)) {
    assert.equal(chunk.usage, null, 'with include_usage, every other chunk has usage null');
  }

  // Greedy decoding: the whole answer is the same text and the same counts.
  const whole = await openai.chat.completions.create(params);
  assert.equal(text, whole.choices[0].message.content);
  assert.equal(finish, whole.choices[0].finish_reason);
  assert.deepEqual(last.usage, whole.usage);
});

test('a stream without include_usage has no usage chunk', async () => {
  const stream = await openai.chat.completions.create({ ...params, stream: true });
  const chunks = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
  }
  assert.ok(chunks.every((c) => c.choices.length === 1 && !c.usage));
  assert.ok(['stop', 'length'].includes(chunks.at(-1).choices[0].finish_reason));
});
