// @aws-sdk/client-ses (v3): `client.send(new <Action>Command(params))`.
// presign-get: not supported (v3 has a presigner for S3 only).
import * as ses from '@aws-sdk/client-ses';
import { NotSupported, credentials, endpoint, main, ok, region, scenario, sdkParams } from './_common.mjs';

await main(async () => {
  if (scenario.kind === 'presign-get') {
    throw new NotSupported('@aws-sdk/client-ses has no presigned-URL API (s3-request-presigner is S3-only)');
  }
  const client = new ses.SESClient({ endpoint: endpoint.url, region, credentials, maxAttempts: 1 });
  const Command = ses[`${scenario.action}Command`];
  return ok(await client.send(new Command(sdkParams())));
});
