// node-ses: `createClient({key, secret, amazon: URL})`, then `sendEmail({...})` or
// `sendRawEmail({from, rawMessage})`. It has no other actions, no presigning, no session token
// (createClient takes a key and a secret) and no region (it is read from the URL's host name).
import ses from 'node-ses';
import { NotSupported, credentials, endpoint, main, ok, scenario } from './_common.mjs';

await main(async () => {
  if (scenario.kind !== 'call' || !['SendEmail', 'SendRawEmail'].includes(scenario.action)) {
    throw new NotSupported('node-ses only sends SendEmail and SendRawEmail');
  }
  if (credentials.sessionToken) {
    throw new NotSupported('node-ses createClient takes a key and a secret: no session token');
  }
  const client = ses.createClient({
    key: credentials.accessKeyId, secret: credentials.secretAccessKey, amazon: endpoint.url.replace(/\/$/, ''),
  });
  const p = scenario.params;
  let options;
  let method;
  if (scenario.action === 'SendEmail') {
    // node-ses always sends Charset=UTF-8 and puts `message` in the Html part.
    const text = p.Message.Body.Text?.Data;
    const html = p.Message.Body.Html?.Data;
    options = {
      from: p.Source,
      to: p.Destination.ToAddresses ?? [],
      cc: p.Destination.CcAddresses,
      bcc: p.Destination.BccAddresses,
      replyTo: p.ReplyToAddresses,
      subject: p.Message.Subject.Data,
      message: html ?? text,
      altText: html ? text : undefined,
      configurationSet: p.ConfigurationSetName,
      messageTags: p.Tags?.map((t) => ({ name: t.Name, value: t.Value })),
    };
    method = 'sendEmail';
  } else {
    options = { from: p.Source, rawMessage: p.RawMessage.Data };
    method = 'sendRawEmail';
  }
  const result = await new Promise((resolve, reject) =>
    client[method](options, (err, data) => {
      if (!err) return resolve(data);
      // Its own checks fail with an Error, SES's answers with an object.
      const text = err instanceof Error ? err.message : JSON.stringify(err);
      return reject(Object.assign(new Error(text), { name: 'NodeSesError' }));
    }),
  );
  return ok({ body: String(result).slice(0, 500) });
});
