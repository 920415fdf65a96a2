// The zone under test, as io.tokenport.zone.api.NodeSdkTest describes it in the environment.
import OpenAI from 'openai';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: these tests are run by io.tokenport.zone.api.NodeSdkTest, which starts a zone`
      + ' and passes BASE_URL, API_KEY, ADMIN_URL, ADMIN_TOKEN, MODEL and END_TOKEN_IDS');
  }
  return value;
}

export const baseURL = required('BASE_URL');
export const apiKey = required('API_KEY');
/** The zone's admin listener (/metrics), where a cancelled request shows up. */
export const adminURL = required('ADMIN_URL');
/** The admin listener's bearer token. */
const adminToken = required('ADMIN_TOKEN');
export const model = required('MODEL');
/** Token ids that end a generation; a logit_bias of -100 on them makes a request run to max_tokens. */
export const endTokenIds = required('END_TOKEN_IDS').split(',').map(Number);

/** The official client pointed at the zone, without retries: a test wants the first answer. */
export function client(key = apiKey) {
  return new OpenAI({ baseURL, apiKey: key, maxRetries: 0, timeout: 60_000 });
}

/** A logit_bias object that bans every end-of-generation token. */
export function banEnd() {
  return Object.fromEntries(endTokenIds.map((id) => [String(id), -100]));
}

/** The value of one sample of a Prometheus counter on the admin listener, 0 when it has none yet. */
export async function counter(name, labels) {
  const response = await fetch(`${adminURL}/metrics`, { headers: { Authorization: `Bearer ${adminToken}` } });
  if (!response.ok) {
    throw new Error(`the admin listener answered ${response.status} to /metrics`);
  }
  const text = await response.text();
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{')) {
      continue;
    }
    const close = line.indexOf('}');
    const sample = Object.fromEntries([...line.slice(name.length + 1, close).matchAll(/(\w+)="([^"]*)"/g)]
      .map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => sample[k] === v)) {
      return Number(line.slice(close + 1).trim());
    }
  }
  return 0;
}
