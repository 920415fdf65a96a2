// The zone's errors as the official Node SDK types them: OpenAI's error shape, so the SDK's classes apply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { client, model } from './support/zone.mjs';

const openai = client();

test('a wrong key is an AuthenticationError (401, invalid_api_key)', async () => {
  const wrong = client('sk-not-a-key-of-this-zone');
  await assert.rejects(wrong.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] }),
    (e) => {
      assert.ok(e instanceof OpenAI.AuthenticationError, e.constructor.name);
      assert.equal(e.status, 401);
      assert.equal(e.code, 'invalid_api_key');
      return true;
    });
});

test('an unknown model is a NotFoundError (404, model_not_found)', async () => {
  await assert.rejects(openai.completions.create({ model: 'no-such-model', prompt: 'Hi' }), (e) => {
    assert.ok(e instanceof OpenAI.NotFoundError, e.constructor.name);
    assert.equal(e.status, 404);
    assert.equal(e.code, 'model_not_found');
    assert.equal(e.param, 'model');
    assert.match(e.message, /no-such-model/);
    return true;
  });
});

test('an unknown model id under /models is a NotFoundError', async () => {
  await assert.rejects(openai.models.retrieve('no-such-model'), OpenAI.NotFoundError);
});

test('a bad parameter is a BadRequestError naming the parameter', async () => {
  const cases = [
    [{ n: 2 }, 'n'],
    [{ max_tokens: 0 }, 'max_tokens'],
    [{ temperature: 'hot' }, 'temperature'],
    [{ messages: [{ role: 'wizard', content: 'Hi' }] }, 'messages[0].role'],
  ];
  for (const [change, param] of cases) {
    const body = { model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4, ...change };
    await assert.rejects(openai.chat.completions.create(body), (e) => {
      assert.ok(e instanceof OpenAI.BadRequestError, `${param}: ${e.constructor.name}`);
      assert.equal(e.status, 400);
      assert.equal(e.type, 'invalid_request_error');
      assert.equal(e.param, param);
      return true;
    });
  }
});

test('a prompt over the context window is a BadRequestError with code context_length_exceeded', async () => {
  await assert.rejects(openai.completions.create({ model, prompt: 'Hi', max_tokens: 10_000_000 }), (e) => {
    assert.ok(e instanceof OpenAI.BadRequestError, e.constructor.name);
    assert.equal(e.code, 'context_length_exceeded');
    assert.equal(e.param, 'prompt');
    return true;
  });
});
