<?php
// Symfony Mailer's Amazon SES API transport (Debian php-symfony-amazon-mailer 5.4): the
// SesApiTransport of Symfony 5.0, deprecated since 5.1 but still shipped, which speaks SES
// Classic itself (5.4's "ses+api://" DSN builds the AsyncAws transport instead, which speaks
// SES v2 only). new SesApiTransport($key, $secret, $region, $httpClient) and send($email), as
// its documentation showed: it writes the SendEmail form and signs it with AWS3-HTTPS. The
// HTTP client from _common.php connects it to the loopback endpoint.

declare(strict_types=1);

require_once __DIR__ . '/_common.php';

use Symfony\Component\Mailer\Bridge\Amazon\Transport\SesApiTransport;

sesspec_main(function (array $job): array {
    $scenario = $job['scenario'];
    if ($scenario['action'] !== 'SendEmail' || $scenario['kind'] !== 'call') {
        throw new SesspecNotSupported('SesApiTransport sends an Email it renders (SendEmail) only');
    }
    $transport = sesspec_transport(SesApiTransport::class, $job);
    $sent = $transport->send(sesspec_email($scenario['params'], 'SesApiTransport'));
    return ['status' => 'ok', 'detail' => '', 'response' => ['MessageId' => $sent->getMessageId()]];
});
