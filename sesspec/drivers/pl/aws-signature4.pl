# AWS::Signature4 (Debian libaws-signature4-perl), signing only, as its documentation shows:
# the form built by HTTP::Request::Common's POST (URI's query_form encoding), signed with
# $signer->sign($request), sent with LWP::UserAgent. presign-get: $signer->signed_url($url).
# The library reads the region and service from the host name, so the request carries the real
# SES host; SesspecDriver::to_loopback sends it to the loopback endpoint. Temporary credentials:
# -security_token (which signed_url puts in the query); sign() does not add the token, so its
# user sets the X-Amz-Security-Token header before signing, as here.
use strict;
use warnings;
use utf8;
use FindBin;
use lib $FindBin::Bin;
use AWS::Signature4;
use HTTP::Request::Common qw(POST);
use URI;
use SesspecDriver qw(read_job emit http_result user_agent to_loopback send_signed);

my $job = read_job();
my $scenario = $job->{scenario};
my $endpoint = $job->{endpoint};
my $token = $job->{credentials}{session_token};
my $signer = AWS::Signature4->new(
    -access_key => $job->{credentials}{access_key_id},
    -secret_key => $job->{credentials}{secret_access_key},
    (defined $token ? (-security_token => $token) : ()),
);
my $ua = user_agent($endpoint);

my $outcome = eval {
    my @pairs = map { @$_ } @{ $scenario->{form_pairs} };
    if ($scenario->{kind} eq 'presign-get') {
        my $url = URI->new($endpoint->{url});
        $url->query_form(@pairs);
        my ($loop, $host) = to_loopback($signer->signed_url($url, 3600), $endpoint);
        return http_result($ua->get($loop, Host => $host));
    }
    my $request = POST($endpoint->{url}, \@pairs);
    $request->header('X-Amz-Security-Token' => $token) if defined $token;
    $signer->sign($request);
    return send_signed($ua, $request, $endpoint);
};
emit($outcome // { status => 'client-error', detail => substr("$@", 0, 4000) });
