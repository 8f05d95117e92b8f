# aws-sdk v1 (Debian ruby-aws-sdk): AWS::SimpleEmailService::Client, each operation called
# with the scenario's params in the SDK's snake_case form; the SDK flattens, encodes and signs
# (SigV4). It is told the real SES host (simple_email_service_port when the URL names a port;
# session_token for temporary credentials); the guard in _common.rb connects it to the endpoint.
require_relative '_common'
require 'aws-sdk-v1'

Sesspec.main do |job|
  scenario = job['scenario']
  raise Sesspec::NotSupported, 'aws-sdk v1 has no presigned-URL API for SES' if scenario['kind'] == 'presign-get'

  endpoint = job['endpoint']
  credentials = job['credentials']
  port = endpoint['told_port'] ? { simple_email_service_port: endpoint['told_port'] } : {}
  token = credentials['session_token'] ? { session_token: credentials['session_token'] } : {}
  client = AWS::SimpleEmailService::Client.new(
    access_key_id: credentials['access_key_id'],
    secret_access_key: credentials['secret_access_key'],
    region: credentials['region'],
    simple_email_service_endpoint: endpoint['host'],
    use_ssl: endpoint['tls'],
    ssl_ca_file: endpoint['ca_path'],
    max_retries: 0,
    **port,
    **token
  )
  method = Sesspec.snake(scenario['action']).to_sym
  unless client.respond_to?(method)
    raise Sesspec::NotSupported, "aws-sdk v1's SES model has no #{scenario['action']}"
  end

  response = client.public_send(method, Sesspec.snake_params(scenario['params']))
  Sesspec.ok('', response.data.to_h { |k, v| [k.to_s, v.to_s[0, 200]] })
end
