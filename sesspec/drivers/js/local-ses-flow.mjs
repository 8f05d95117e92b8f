// An application's mail flow against sesspec's local SES (issue 12), with @aws-sdk/client-ses v3
// and nodemailer's SES transport. Run under the loopback guard:
//   node --import ./_guard.mjs local-ses-flow.mjs < job.json
// job: {"url": "https://127.0.0.1:PORT/", "region": "us-east-1", "credentials": {...},
//       "client": "sdk" | "nodemailer", "step": "send" | "sandbox" | "clear", "prefix": "..."}
// Prints one line: SESSPEC-FLOW <JSON of what the clients got back>.
import { readFileSync } from 'node:fs';
import * as aws from '@aws-sdk/client-ses';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';

const job = JSON.parse(readFileSync(0, 'utf8'));
const credentials = {
  accessKeyId: job.credentials.access_key_id,
  secretAccessKey: job.credentials.secret_access_key,
};
const client = new aws.SESClient({ endpoint: job.url, region: job.region, credentials, maxAttempts: 1 });
const p = job.prefix;
const sender = `${p}-shop@example.com`;
const invoice = Buffer.from('%PDF-1.4 invoice\n'.repeat(40));

function errorOf(err) {
  return {
    name: err?.name ?? null,
    code: err?.Code ?? err?.code ?? null,
    message: err?.message ?? String(err),
    status: err?.$metadata?.httpStatusCode ?? null,
  };
}

async function localMessages(query) {
  const response = await fetch(new URL(`_aws/ses${query}`, job.url));
  return { status: response.status, body: await response.json() };
}

async function send() {
  const out = {};
  await client.send(new aws.VerifyEmailIdentityCommand({ EmailAddress: sender }));
  out.identities = (await client.send(new aws.ListIdentitiesCommand({}))).Identities;
  await client.send(new aws.CreateTemplateCommand({
    Template: {
      TemplateName: `${p}-welcome`,
      SubjectPart: 'Welcome, {{name}}',
      TextPart: 'Hello {{name}}, your plan is {{plan}}.',
      HtmlPart: '<p>Hello <b>{{name}}</b></p>',
    },
  }));
  out.templated = (await client.send(new aws.SendTemplatedEmailCommand({
    Source: sender,
    Destination: { ToAddresses: [`${p}-ana@example.com`] },
    Template: `${p}-welcome`,
    TemplateData: JSON.stringify({ name: 'Ana', plan: 'Pro' }),
  }))).MessageId;
  out.bulk = (await client.send(new aws.SendBulkTemplatedEmailCommand({
    Source: sender,
    Template: `${p}-welcome`,
    DefaultTemplateData: JSON.stringify({ name: 'friend', plan: 'Free' }),
    Destinations: [
      { Destination: { ToAddresses: [`${p}-bo@example.com`] } },
      {
        Destination: { ToAddresses: [`${p}-cy@example.com`] },
        ReplacementTemplateData: JSON.stringify({ name: 'Cy' }),
      },
    ],
  }))).Status.map((s) => ({ status: s.Status, id: s.MessageId }));
  const mail = {
    from: sender,
    to: `${p}-dee@example.com`,
    subject: 'Your invoice',
    text: 'The invoice is attached.',
    html: '<p>The invoice is attached.</p>',
    attachments: [{ filename: 'invoice.pdf', content: invoice, contentType: 'application/pdf' }],
  };
  if (job.client === 'nodemailer') {
    const transport = nodemailer.createTransport({ SES: { ses: client, aws } });
    const info = await transport.sendMail(mail);
    out.raw = { messageId: info.messageId, response: info.response };
  } else {
    const raw = await new MailComposer(mail).compile().build();
    out.raw = { messageId: (await client.send(new aws.SendRawEmailCommand({ RawMessage: { Data: raw } }))).MessageId };
  }
  out.attachmentBytes = invoice.length;
  out.listed = await localMessages('');
  out.listedForDee = await localMessages(`?email=${encodeURIComponent(`${p}-dee@example.com`)}`);
  return out;
}

async function sandbox() {
  const mail = {
    from: `${p}-stranger@example.com`,
    to: `${p}-ana@example.com`,
    subject: 'Hello',
    text: 'Hello',
  };
  try {
    if (job.client === 'nodemailer') {
      await nodemailer.createTransport({ SES: { ses: client, aws } }).sendMail(mail);
    } else {
      await client.send(new aws.SendEmailCommand({
        Source: mail.from,
        Destination: { ToAddresses: [mail.to] },
        Message: { Subject: { Data: mail.subject }, Body: { Text: { Data: mail.text } } },
      }));
    }
  } catch (err) {
    return { rejected: errorOf(err) };
  }
  return { rejected: null };
}

async function clear() {
  const before = await localMessages('');
  const first = before.body.messages[0]?.Id;
  const one = await fetch(new URL(`_aws/ses?id=${encodeURIComponent(first)}`, job.url), { method: 'DELETE' });
  const afterOne = await localMessages('');
  const all = await fetch(new URL('_aws/ses', job.url), { method: 'DELETE' });
  const afterAll = await localMessages('');
  return {
    deleted: first,
    deleteOne: one.status,
    leftAfterOne: afterOne.body.messages.map((m) => m.Id),
    deleteAll: all.status,
    leftAfterAll: afterAll.body.messages.length,
  };
}

const steps = { send, sandbox, clear };
let result;
try {
  result = { ok: true, value: await steps[job.step]() };
} catch (err) {
  result = { ok: false, error: errorOf(err) };
}
process.stdout.write('SESSPEC-FLOW ' + JSON.stringify(result) + '\n');
