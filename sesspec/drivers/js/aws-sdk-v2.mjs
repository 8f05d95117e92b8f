// aws-sdk v2: `new AWS.SES({...}).<action>(params).promise()`;
// presign-get: `request.presign(expires)` then a GET with node:https.
import AWS from 'aws-sdk';
import http from 'node:http';
import https from 'node:https';
import { credentials, endpoint, httpResult, main, ok, region, scenario, sdkParams } from './_common.mjs';

function get(url) {
  const lib = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    lib.get(url, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(httpResult(res.statusCode, Buffer.concat(chunks))));
    }).on('error', reject);
  });
}

await main(async () => {
  const client = new AWS.SES({
    endpoint: endpoint.url,
    region,
    credentials: new AWS.Credentials(credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken),
    maxRetries: 0,
  });
  const method = scenario.action[0].toLowerCase() + scenario.action.slice(1);
  const request = client[method](sdkParams());
  if (scenario.kind === 'presign-get') {
    request.httpRequest.method = 'GET';
    const url = await new Promise((resolve, reject) =>
      request.presign(900, (err, u) => (err ? reject(err) : resolve(u))),
    );
    return get(url);
  }
  return ok(await request.promise());
});
