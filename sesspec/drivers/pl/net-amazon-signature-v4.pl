# Net::Amazon::Signature::V4 (Debian libnet-amazon-signature-v4-perl), signing only, as its
# documentation shows: Net::Amazon::Signature::V4->new({access_key_id, secret, endpoint =>
# $region, service => 'ses', security_token}) (the token only for temporary credentials) and
# $sig->sign($request) on the form built by HTTP::Request::Common's POST (URI's query_form
# encoding), sent with LWP::UserAgent. It signs every header the request has when signed (here
# Content-Length and Content-Type, and the Host, X-Amz-Date and X-Amz-Content-Sha256 it adds).
# SesspecDriver::to_loopback sends the signed request to the loopback endpoint.
use strict;
use warnings;
use utf8;
use FindBin;
use lib $FindBin::Bin;
use Net::Amazon::Signature::V4;
use HTTP::Request::Common qw(POST);
use SesspecDriver qw(read_job emit user_agent send_signed);

my $job = read_job();
my $scenario = $job->{scenario};
my $endpoint = $job->{endpoint};
my $credentials = $job->{credentials};
my $signer = Net::Amazon::Signature::V4->new({
    access_key_id => $credentials->{access_key_id},
    secret        => $credentials->{secret_access_key},
    endpoint      => $credentials->{region},
    service       => 'ses',
    (defined $credentials->{session_token} ? (security_token => $credentials->{session_token}) : ()),
});
my $ua = user_agent($endpoint);

my $outcome = eval {
    die "Net::Amazon::Signature::V4 signs headers only (no presigned URL)\n"
        if $scenario->{kind} eq 'presign-get';
    my @pairs = map { @$_ } @{ $scenario->{form_pairs} };
    my $request = POST($endpoint->{url}, \@pairs);
    $signer->sign($request);
    return send_signed($ua, $request, $endpoint);
};
emit($outcome // { status => 'client-error', detail => substr("$@", 0, 4000) });
