# Shared by the Perl drivers: the job on stdin, the result line on stdout, an LWP user agent
# that trusts the endpoint's CA, and the loopback guard.
#
# Guard: the signing libraries sign a request for the real SES host (their region and
# service may come from the host name); to_loopback then sends it to 127.0.0.1 and the
# endpoint's port with that Host header kept, and the TLS server name and certificate check
# keep the real name. Nothing but 127.0.0.1 is ever connected to.
package SesspecDriver;

use strict;
use warnings;
use Exporter 'import';
use JSON::PP;
use LWP::UserAgent;

our @EXPORT_OK = qw(read_job emit http_result user_agent to_loopback send_signed);

binmode STDOUT, ':encoding(UTF-8)';

sub read_job {
    return JSON::PP->new->decode(do { local $/; <STDIN> });
}

sub emit {
    my ($result) = @_;
    print 'SESSPEC-RESULT ' . JSON::PP->new->canonical->encode($result) . "\n";
}

sub http_result {
    my ($response) = @_;
    my $text = substr($response->decoded_content // '', 0, 1000);
    return { status => 'ok', detail => 'HTTP ' . $response->code, response => { body => substr($text, 0, 500) } }
        if $response->is_success;
    return { status => 'client-error', detail => 'HTTP ' . $response->code . ": $text" };
}

# TLS as to the real host: its name in the SNI and checked against the certificate.
sub user_agent {
    my ($endpoint) = @_;
    my $ua = LWP::UserAgent->new(
        timeout  => 30,
        ssl_opts => {
            SSL_ca_file       => $endpoint->{ca_path},
            verify_hostname   => 1,
            SSL_hostname      => $endpoint->{host},
            SSL_verifycn_name => $endpoint->{host},
        },
    );
    $ua->env_proxy(0);
    return $ua;
}

# The loopback endpoint, for a URL or request made for the real host: (URI, Host header).
sub to_loopback {
    my ($uri, $endpoint) = @_;
    my $host = $uri->host;
    $uri = $uri->clone;
    $uri->host('127.0.0.1');
    $uri->port($endpoint->{port});
    die "sesspec driver guard: refused $uri (loopback only)\n" unless $uri->host eq '127.0.0.1';
    return ($uri, $host);
}

# Send a request signed for the real host to the loopback endpoint; its outcome. The Host
# header is what LWP would send to the URL: the one the signer set, if it set one, else the
# URL's authority (host, and port when the URL names one).
sub send_signed {
    my ($ua, $request, $endpoint) = @_;
    my $authority = $request->uri->authority;
    my ($loop) = to_loopback($request->uri, $endpoint);
    $request->uri($loop);
    $request->header(Host => $request->header('Host') // $authority);
    return http_result($ua->request($request));
}

1;
