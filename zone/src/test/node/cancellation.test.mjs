// A client that aborts a stream: the SDK stops reading, and the zone stops the sequence and meters it as cancelled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { banEnd, client, counter, model } from './support/zone.mjs';

const openai = client();
const cancelled = { model, endpoint: 'chat.completions', finish_reason: 'cancelled' };

test('aborting a stream midway is metered as cancelled', async () => {
  const before = await counter('tokenport_requests_total', cancelled);
  const controller = new AbortController();
  // Banned end tokens and a long max_tokens: only the abort can end this stream early.
  const stream = await openai.chat.completions.create({
    model, messages: [{ role: 'user', content: 'Count.' }], max_tokens: 1900, logit_bias: banEnd(),
    stream: true, stream_options: { include_usage: true },
  }, { signal: controller.signal });
  let content = 0;
  let finish = null;
  for await (const chunk of stream) {
    finish = chunk.choices[0]?.finish_reason ?? finish;
    if (chunk.choices[0]?.delta?.content && ++content === 3) {
      controller.abort();
    }
  }
  // The SDK ends the iteration quietly on the caller's own abort, after any chunks it had already read (one
  // more, in some runs); the stream never reached its end: no chunk carried a finish reason.
  assert.ok(content >= 3, `read ${content} content chunks`);
  assert.equal(finish, null);

  // The zone notices the hang-up on its next write; wait until it has metered the request.
  const deadline = Date.now() + 30_000;
  while (await counter('tokenport_requests_total', cancelled) === before) {
    assert.ok(Date.now() < deadline, 'the zone did not record the aborted stream as cancelled within 30 s');
    await sleep(20);
  }
  assert.equal(await counter('tokenport_requests_total', cancelled), before + 1);
});
