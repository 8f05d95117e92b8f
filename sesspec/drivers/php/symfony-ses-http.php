<?php
// Symfony Mailer's Amazon SES HTTP transport (Debian php-symfony-amazon-mailer 5.4): the
// SesHttpTransport of Symfony 5.0, deprecated since 5.1 but still shipped, which speaks SES
// Classic itself (5.4's "ses+https://" DSN builds the AsyncAws transport instead, SES v2 only).
// new SesHttpTransport($key, $secret, $region, $httpClient); send($email) for a SendEmail
// scenario (it renders the Email and sends SendRawEmail), send(new RawMessage($mime),
// $envelope) for a SendRawEmail one. It signs with AWS3-HTTPS. The HTTP client from
// _common.php connects it to the loopback endpoint.

declare(strict_types=1);

require_once __DIR__ . '/_common.php';

use Symfony\Component\Mailer\Bridge\Amazon\Transport\SesHttpTransport;
use Symfony\Component\Mailer\Envelope;
use Symfony\Component\Mime\Address;
use Symfony\Component\Mime\RawMessage;

sesspec_main(function (array $job): array {
    $scenario = $job['scenario'];
    $params = $scenario['params'];
    $transport = sesspec_transport(SesHttpTransport::class, $job);
    if ($scenario['kind'] === 'call' && $scenario['action'] === 'SendRawEmail') {
        $envelope = new Envelope(new Address($params['Source']), sesspec_addresses($params['Destinations']));
        $sent = $transport->send(new RawMessage($params['RawMessage']['Data']), $envelope);
    } elseif ($scenario['kind'] === 'call' && $scenario['action'] === 'SendEmail') {
        $sent = $transport->send(sesspec_email($params, 'SesHttpTransport'));
    } else {
        throw new SesspecNotSupported('SesHttpTransport sends SendRawEmail only');
    }
    return ['status' => 'ok', 'detail' => '', 'response' => ['MessageId' => $sent->getMessageId()]];
});
