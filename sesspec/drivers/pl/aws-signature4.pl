# AWS::Signature4 (Debian libaws-signature4-perl), signing only, as its documentation shows:
# the form built by HTTP::Request::Common's POST (URI's query_form encoding), signed with
# $signer->sign($request), sent with LWP::UserAgent. presign-get: $signer->signed_url($url).
# The library reads the region and service from the host name, so the request carries the real
# SES host; it is then sent to the loopback endpoint with that Host header kept, and nothing
# but 127.0.0.1 is ever connected to.
use strict;
use warnings;
use utf8;
use JSON::PP;
use AWS::Signature4;
use HTTP::Request::Common qw(POST);
use LWP::UserAgent;
use URI;

binmode STDOUT, ':encoding(UTF-8)';

sub result {
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

my $job = JSON::PP->new->decode(do { local $/; <STDIN> });
my $scenario = $job->{scenario};
my $endpoint = $job->{endpoint};
my $signer = AWS::Signature4->new(
    -access_key => $job->{credentials}{access_key_id},
    -secret_key => $job->{credentials}{secret_access_key},
);
# TLS as to the real host: its name in the SNI and checked against the certificate.
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

# The loopback endpoint, for a URL or request made for the real host.
sub to_loopback {
    my ($uri) = @_;
    my $host = $uri->host;
    $uri = $uri->clone;
    $uri->host('127.0.0.1');
    $uri->port($endpoint->{port});
    die "sesspec driver guard: refused $uri (loopback only)\n" unless $uri->host eq '127.0.0.1';
    return ($uri, $host);
}

my $outcome = eval {
    my @pairs = map { @$_ } @{ $scenario->{form_pairs} };
    if ($scenario->{kind} eq 'presign-get') {
        my $url = URI->new($endpoint->{url});
        $url->query_form(@pairs);
        my ($loop, $host) = to_loopback($signer->signed_url($url, 3600));
        return http_result($ua->get($loop, Host => $host));
    }
    my $request = POST($endpoint->{url}, \@pairs);
    $signer->sign($request);
    my ($loop, $host) = to_loopback($request->uri);
    $request->uri($loop);
    $request->header(Host => $host);
    return http_result($ua->request($request));
};
result($outcome // { status => 'client-error', detail => substr("$@", 0, 4000) });
