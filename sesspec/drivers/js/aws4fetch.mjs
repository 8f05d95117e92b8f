// aws4fetch: `new AwsClient({...}).fetch(url, {method: 'POST', body, headers})` with the
// body from `new URLSearchParams(params).toString()` and an explicit form Content-Type
// (a string body otherwise goes out as text/plain). presign-get: `aws.sign(url, {aws: {signQuery: true}})`.
import { AwsClient } from 'aws4fetch';
import { credentials, endpoint, httpResult, main, pairs, region, scenario } from './_common.mjs';

await main(async () => {
  const aws = new AwsClient({ ...credentials, service: 'ses', region, retries: 0 });
  const body = new URLSearchParams(pairs).toString();
  if (scenario.kind === 'presign-get') {
    const signed = await aws.sign(`${endpoint.url}?${body}`, { method: 'GET', aws: { signQuery: true } });
    const res = await fetch(signed.url, { method: 'GET', headers: signed.headers });
    return httpResult(res.status, await res.text());
  }
  const res = await aws.fetch(endpoint.url, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
  });
  return httpResult(res.status, await res.text());
});
