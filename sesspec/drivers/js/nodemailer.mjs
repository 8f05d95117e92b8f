// nodemailer 6 with its SES transport (on @aws-sdk/client-ses): `sendMail({...})` builds
// the MIME message and sends SendRawEmail. SendEmail scenarios are sent as the equivalent
// mail (their wire action is SendRawEmail); Tags/ConfigurationSetName go in `ses: {...}`.
import * as aws from '@aws-sdk/client-ses';
import nodemailer from 'nodemailer';
import { NotSupported, credentials, endpoint, main, ok, region, scenario } from './_common.mjs';

await main(async () => {
  if (scenario.kind !== 'call' || !['SendEmail', 'SendRawEmail'].includes(scenario.action)) {
    throw new NotSupported('nodemailer\'s SES transport only sends mail (SendRawEmail)');
  }
  const client = new aws.SESClient({ endpoint: endpoint.url, region, credentials, maxAttempts: 1 });
  const transport = nodemailer.createTransport({ SES: { ses: client, aws } });
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
  const info = await transport.sendMail(mail);
  return ok({ messageId: info.messageId, response: info.response }, 'sent as SendRawEmail');
});
