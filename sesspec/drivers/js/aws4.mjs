// aws4 (signing only): the form body from `querystring.stringify(params)`, signed with
// `aws4.sign({host, port, path, service: 'ses', region, body})` (aws4 adds the form
// Content-Type; `port` only when the URL names one), sent with node:https. presign-get:
// `signQuery: true` on a GET whose path carries the query.
import aws4 from 'aws4';
import http from 'node:http';
import https from 'node:https';
import querystring from 'node:querystring';
import { credentials, endpoint, httpResult, main, pairs, region, scenario } from './_common.mjs';

function send(options) {
  const lib = endpoint.tls ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(options, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(httpResult(res.statusCode, Buffer.concat(chunks))));
    });
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

await main(async () => {
  const form = Object.fromEntries(pairs);
  const where = { host: endpoint.host, ...(endpoint.told_port ? { port: endpoint.told_port } : {}) };
  if (scenario.kind === 'presign-get') {
    const options = {
      ...where, path: '/?' + querystring.stringify(form), method: 'GET',
      service: 'ses', region, signQuery: true,
    };
    return send(aws4.sign(options, credentials));
  }
  const options = { ...where, path: '/', service: 'ses', region, body: querystring.stringify(form) };
  return send(aws4.sign(options, credentials));
});
