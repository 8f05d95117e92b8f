// nodemailer with its SES transport: `sendMail({...})` builds the MIME message and sends
// SendRawEmail. SendEmail scenarios are sent as the equivalent mail (their wire action is
// SendRawEmail); Tags/ConfigurationSetName go in `ses: {...}`. The transport is configured
// as each release documents it: 6.9 and later on @aws-sdk/client-ses (`SES: {ses, aws}`);
// 4.0 to 6.8 on the AWS SDK for JavaScript v2 (`SES: new aws.SES(...)`). Release 7 and later
// speak SES v2 (JSON), which is out of scope: what they send is judged as it comes. Releases
// before 4.0 configured SES otherwise (0.x its own transport, 1.x-3.x a separate package):
// they are not driven, and say so.
import { createRequire } from 'node:module';
import nodemailer from 'nodemailer';
import { NotSupported, credentials, endpoint, main, ok, region, scenario } from './_common.mjs';

const require = createRequire(import.meta.url);
const [major, minor] = require('nodemailer/package.json').version.split('.').map(Number);

async function transport() {
  if (major > 6 || (major === 6 && minor >= 9)) {
    const aws = await import('@aws-sdk/client-ses');
    const client = new aws.SESClient({ endpoint: endpoint.url, region, credentials, maxAttempts: 1 });
    return nodemailer.createTransport({ SES: { ses: client, aws } });
  }
  if (major >= 4) {
    const aws = (await import('aws-sdk')).default;
    const ses = new aws.SES({
      apiVersion: '2010-12-01',
      endpoint: endpoint.url,
      region,
      credentials: new aws.Credentials(credentials),
      maxRetries: 0,
    });
    return nodemailer.createTransport({ SES: ses });
  }
  // 0.x had its own SES transport (createTransport("SES", {...})) and 1.x-3.x one in a
  // separate package (nodemailer-ses-transport): neither is driven here.
  throw new Error(`nodemailer ${major}.${minor}: its SES transport is not the one 4.0 and later build in (not driven)`);
}

await main(async () => {
  if (scenario.kind !== 'call' || !['SendEmail', 'SendRawEmail'].includes(scenario.action)) {
    throw new NotSupported('nodemailer\'s SES transport only sends mail (SendRawEmail)');
  }
  const p = scenario.params;
  let mail;
  if (scenario.action === 'SendEmail') {
    const extra = {};
    if (p.Tags) extra.Tags = p.Tags;
    if (p.ConfigurationSetName) extra.ConfigurationSetName = p.ConfigurationSetName;
    mail = {
      from: p.Source,
      to: p.Destination.ToAddresses,
      cc: p.Destination.CcAddresses,
      bcc: p.Destination.BccAddresses,
      replyTo: p.ReplyToAddresses,
      subject: p.Message.Subject.Data,
      text: p.Message.Body.Text?.Data,
      html: p.Message.Body.Html?.Data,
      ses: extra,
    };
  } else {
    mail = { envelope: { from: p.Source, to: p.Destinations }, raw: p.RawMessage.Data };
  }
  const info = await (await transport()).sendMail(mail);
  return ok({ messageId: info.messageId, response: info.response }, 'sent as SendRawEmail');
});
