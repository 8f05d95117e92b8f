<?php
// Shared by the PHP drivers: the job on stdin, the result line on stdout, the loopback guard,
// and the Symfony objects the scenario becomes.
//
// Guard: the Symfony HTTP client the transports are given is curl's, with CURLOPT_CONNECT_TO
// "::127.0.0.1:PORT": every connection, to any host and port, goes to the loopback endpoint
// ($SESSPEC_LOOPBACK_PORT); the URL, the Host header, the TLS server name and the certificate
// check keep the real SES host, and the endpoint's CA is the only one trusted. No proxy: nothing
// can leave the machine.

declare(strict_types=1);

require_once '/usr/share/php/Symfony/Component/HttpClient/autoload.php';
require_once '/usr/share/php/Symfony/Component/Mailer/autoload.php';
require_once '/usr/share/php/Symfony/Component/Mailer/Bridge/Amazon/autoload.php';
require_once '/usr/share/php/Symfony/Component/Mime/autoload.php';

use Symfony\Component\HttpClient\CurlHttpClient;
use Symfony\Component\Mime\Address;
use Symfony\Component\Mime\Email;
use Symfony\Contracts\HttpClient\HttpClientInterface;

final class SesspecNotSupported extends Exception
{
}

function sesspec_client(?string $caPath): HttpClientInterface
{
    $port = (int) getenv('SESSPEC_LOOPBACK_PORT');
    if ($port <= 0) {
        throw new RuntimeException('sesspec guard: SESSPEC_LOOPBACK_PORT is not set');
    }
    return new CurlHttpClient([
        'cafile' => $caPath,
        'proxy' => null,
        'no_proxy' => '*',
        'extra' => ['curl' => [
            CURLOPT_CONNECT_TO => ["::127.0.0.1:$port"],
        ]],
    ]);
}

/**
 * new $class($key, $secret, $region, $httpClient): how both SES transports are made; setPort()
 * when the URL names a port (their host is the region's). They take no session token.
 */
function sesspec_transport(string $class, array $job): object
{
    $credentials = $job['credentials'];
    if (!empty($credentials['session_token'])) {
        throw new SesspecNotSupported("$class signs with a key and a secret: no session token");
    }
    $transport = new $class(
        $credentials['access_key_id'],
        $credentials['secret_access_key'],
        $credentials['region'],
        sesspec_client($job['endpoint']['ca_path']),
    );
    if (null !== $port = $job['endpoint']['told_port'] ?? null) {
        $transport->setPort((int) $port);
    }
    return $transport;
}

/** @param array<string, mixed> $params */
function sesspec_param(array $params, string ...$path): mixed
{
    foreach ($path as $key) {
        if (!is_array($params) || !array_key_exists($key, $params)) {
            return null;
        }
        $params = $params[$key];
    }
    return $params;
}

/** An Email as a Symfony user builds the scenario's SendEmail (Tags cannot be said). */
function sesspec_email(array $params, string $client): Email
{
    $extra = array_diff(array_keys($params), ['Source', 'Destination', 'Message', 'ReplyToAddresses']);
    if ($extra) {
        throw new SesspecNotSupported("$client sends an Email: no " . implode(', ', $extra));
    }
    $email = (new Email())->from($params['Source'])
        ->subject((string) sesspec_param($params, 'Message', 'Subject', 'Data'));
    foreach (['To' => 'to', 'Cc' => 'cc', 'Bcc' => 'bcc'] as $kind => $method) {
        $list = sesspec_param($params, 'Destination', "{$kind}Addresses") ?? [];
        if ($list) {
            $email->$method(...$list);
        }
    }
    if ($replyTo = $params['ReplyToAddresses'] ?? []) {
        $email->replyTo(...$replyTo);
    }
    if (null !== $text = sesspec_param($params, 'Message', 'Body', 'Text', 'Data')) {
        $email->text($text);
    }
    if (null !== $html = sesspec_param($params, 'Message', 'Body', 'Html', 'Data')) {
        $email->html($html);
    }
    return $email;
}

/** @return list<Address> */
function sesspec_addresses(array $list): array
{
    return array_map(fn (string $a) => new Address($a), $list);
}

/** Read the job, run $run(job), print the result line. */
function sesspec_main(callable $run): void
{
    $job = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
    try {
        $result = $run($job);
    } catch (SesspecNotSupported $e) {
        $result = ['status' => 'not-supported', 'detail' => $e->getMessage()];
    } catch (Throwable $e) {
        $result = ['status' => 'client-error', 'detail' => substr(get_class($e) . ': ' . $e->getMessage(), 0, 4000)];
    }
    echo 'SESSPEC-RESULT ' . json_encode($result, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) . "\n";
}
