# fog-aws (Debian ruby-fog-aws): Fog::AWS::SES as its documentation shows, with the region's
# default host; send_email(source, destination, message, options) and
# send_raw_email(message, options) are the SES Classic calls it has. fog builds, encodes and
# signs the form itself (AWS3-HTTPS over the Date header; aws_session_token for temporary
# credentials; port: the URL's). The guard in _common.rb connects it to the endpoint.
require_relative '_common'
require 'fog/aws'

Sesspec.main do |job|
  scenario = job['scenario']
  raise Sesspec::NotSupported, 'fog-aws has no presigned-URL API for SES' if scenario['kind'] == 'presign-get'

  endpoint = job['endpoint']
  credentials = job['credentials']
  Excon.defaults[:ssl_ca_file] = endpoint['ca_path'] if endpoint['ca_path']
  token = credentials['session_token'] ? { aws_session_token: credentials['session_token'] } : {}
  ses = Fog::AWS::SES.new(
    aws_access_key_id: credentials['access_key_id'],
    aws_secret_access_key: credentials['secret_access_key'],
    region: credentials['region'],
    scheme: endpoint['tls'] ? 'https' : 'http',
    port: endpoint['told_port'] || (endpoint['tls'] ? 443 : 80),
    **token
  )
  params = scenario['params']
  response =
    case scenario['action']
    when 'SendEmail'
      extra = params.keys - %w[Source Destination Message ReplyToAddresses ReturnPath]
      raise Sesspec::NotSupported, "fog-aws's send_email takes no #{extra.join(', ')}" unless extra.empty?

      ses.send_email(params['Source'], params['Destination'], params['Message'],
                     params.slice('ReplyToAddresses', 'ReturnPath'))
    when 'SendRawEmail'
      ses.send_raw_email(params['RawMessage']['Data'], params.slice('Source', 'Destinations'))
    else
      raise Sesspec::NotSupported, "fog-aws has no #{scenario['action']} for SES"
    end
  Sesspec.ok("HTTP #{response.status}", { 'body' => response.body.to_s[0, 500] })
end
