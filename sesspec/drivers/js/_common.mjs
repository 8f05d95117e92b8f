// Shared by the Node drivers: read the job from stdin, print the result line.
import { readFileSync } from 'node:fs';

export const job = JSON.parse(readFileSync(0, 'utf8'));
export const scenario = job.scenario;
export const endpoint = job.endpoint;
// Temporary credentials carry the (fake) session token; long-term ones do not.
export const credentials = {
  accessKeyId: job.credentials.access_key_id,
  secretAccessKey: job.credentials.secret_access_key,
  ...(job.credentials.session_token ? { sessionToken: job.credentials.session_token } : {}),
};
export const region = job.credentials.region;
export const pairs = scenario.form_pairs;

export class NotSupported extends Error {}

// SES params with RawMessage.Data as bytes, as an SDK user passes them.
export function sdkParams() {
  const params = JSON.parse(JSON.stringify(scenario.params));
  if (params.RawMessage && typeof params.RawMessage.Data === 'string') {
    params.RawMessage.Data = Buffer.from(params.RawMessage.Data, 'utf8');
  }
  return params;
}

export function httpResult(status, body) {
  const text = String(body);
  if (status >= 200 && status < 300) {
    return { status: 'ok', detail: `HTTP ${status}`, response: { body: text.slice(0, 500) } };
  }
  return { status: 'client-error', detail: `HTTP ${status}: ${text.slice(0, 1000)}` };
}

export function ok(response, detail = '') {
  const summary = {};
  for (const [k, v] of Object.entries(response ?? {})) {
    if (k !== '$metadata' && k !== 'ResponseMetadata') summary[k] = v;
  }
  return { status: 'ok', detail, response: summary };
}

function emit(result) {
  process.stdout.write('SESSPEC-RESULT ' + JSON.stringify(result) + '\n');
}

export async function main(run) {
  let result;
  try {
    result = await run();
  } catch (err) {
    if (err instanceof NotSupported) {
      result = { status: 'not-supported', detail: err.message };
    } else {
      const name = err?.name ?? 'Error';
      const message = err?.message ?? (typeof err === 'object' ? JSON.stringify(err) : String(err));
      result = { status: 'client-error', detail: `${name}: ${message}`.slice(0, 4000) };
    }
  }
  emit(result);
}
