# aws-sdk-core v3 (Debian ruby-aws-sdk-core). The SES gem (aws-sdk-ses) is not packaged, so the
# client a user would get from it is assembled here as that gem assembles it: the SES API
# model (sesspec/data/ses-2010-12-01.json, botocore's SES model) turned into Seahorse shapes
# at run time, and a Seahorse::Client::Base subclass with the plugins of aws-sdk-core's own
# awsQuery client (Aws::STS::Client, shipped in aws-sdk-core) in the same order, with
# Aws::Plugins::Protocols::Query and Aws::Plugins::Sign. The only code written here is the
# model loader and an endpoint provider (the `endpoint_provider` option, "any object that
# responds to #resolve_endpoint") that returns the configured endpoint with no auth scheme,
# which is what SES's endpoint rules return for an explicit endpoint; the auth scheme is then
# aws-sdk-core's default (SigV4, the model's signing name). Every byte of the request is built
# by aws-sdk-core: Aws::Query::ParamBuilder flattens and encodes, Aws::Sigv4 signs. The result
# names the handlers that ran, so the report shows the request is aws-sdk-core's own work.
require_relative '_common'
require 'aws-sdk-core'

module SesspecSES
  MODEL = File.expand_path('../../data/ses-2010-12-01.json', __dir__)
  Shapes = Seahorse::Model::Shapes
  KINDS = {
    'structure' => Shapes::StructureShape, 'list' => Shapes::ListShape, 'map' => Shapes::MapShape,
    'string' => Shapes::StringShape, 'integer' => Shapes::IntegerShape,
    'long' => Shapes::IntegerShape, 'boolean' => Shapes::BooleanShape,
    'timestamp' => Shapes::TimestampShape, 'blob' => Shapes::BlobShape,
    'double' => Shapes::FloatShape, 'float' => Shapes::FloatShape
  }.freeze

  # The model's shapes as the code generator writes them into a gem's client_api.rb: members
  # by snake_case name with their wire name as location_name, list members unnamed ("member").
  def self.shapes(model)
    shapes = model['shapes'].to_h { |name, d| [name, KINDS.fetch(d['type']).new(name: name)] }
    model['shapes'].each do |name, d|
      shape = shapes[name]
      ref = ->(m) { Shapes::ShapeRef.new(shape: shapes.fetch(m['shape']), location_name: m['locationName']) }
      case d['type']
      when 'structure'
        required = d['required'] || []
        d['members'].each do |member, m|
          shape.add_member(Sesspec.snake(member).to_sym,
                           Shapes::ShapeRef.new(shape: shapes.fetch(m['shape']), required: required.include?(member),
                                                location_name: m['locationName'] || member))
        end
        shape.struct_class = d['members'].empty? ? Aws::EmptyStructure : Struct.new(*shape.member_names)
      when 'list'
        shape.member = ref.call(d['member'])
        shape.flattened = true if d['flattened']
      when 'map'
        shape.key = ref.call(d['key'])
        shape.value = ref.call(d['value'])
      end
    end
    shapes
  end

  def self.api(model)
    shapes = shapes(model)
    empty = Shapes::ShapeRef.new(shape: Shapes::StructureShape.new(struct_class: Aws::EmptyStructure))
    api = Seahorse::Model::Api.new
    api.version = model['metadata']['apiVersion']
    api.metadata = model['metadata']
    model['operations'].each do |name, op|
      operation = Seahorse::Model::Operation.new
      operation.name = name
      operation.http_method = op['http']['method']
      operation.http_request_uri = op['http']['requestUri']
      operation.input = op['input'] ? Shapes::ShapeRef.new(shape: shapes.fetch(op['input']['shape'])) : empty
      operation.output = op['output'] ? Shapes::ShapeRef.new(shape: shapes.fetch(op['output']['shape'])) : empty
      (op['errors'] || []).each { |e| operation.errors << Shapes::ShapeRef.new(shape: shapes.fetch(e['shape'])) }
      api.add_operation(Sesspec.snake(name).to_sym, operation)
    end
    api
  end

  module Errors
    extend Aws::Errors::DynamicErrors
  end

  # The configured endpoint, as SES's endpoint rules give it for an explicit endpoint.
  class EndpointProvider
    def resolve_endpoint(parameters)
      raise ArgumentError, 'sesspec: no endpoint configured' unless parameters.endpoint

      Aws::Endpoints::Endpoint.new(url: parameters.endpoint)
    end
  end

  EndpointParameters = Struct.new(:region, :endpoint)

  # A gem's Plugins::Endpoints, for the one rule used here.
  class Endpoints < Seahorse::Client::Plugin
    option(:endpoint_provider) { EndpointProvider.new }

    class Handler < Seahorse::Client::Handler
      def call(context)
        config = context.config
        params = EndpointParameters.new(config.region, (config.endpoint.to_s if config.regional_endpoint == false))
        endpoint = config.endpoint_provider.resolve_endpoint(params)
        context.http_request.endpoint = endpoint.url
        context[:endpoint_params] = params
        context[:auth_scheme] = Aws::Endpoints.resolve_auth_scheme(context, endpoint)
        @handler.call(context)
      end
    end

    def add_handlers(handlers, _config)
      handlers.add(Handler, step: :build, priority: 75)
    end
  end

  class Client < Seahorse::Client::Base
    include Aws::ClientStubs

    @identifier = :ses

    set_api(SesspecSES.api(JSON.parse(File.read(MODEL))))

    [Seahorse::Client::Plugins::ContentLength, Aws::Plugins::CredentialsConfiguration,
     Aws::Plugins::Logging, Aws::Plugins::ParamConverter, Aws::Plugins::ParamValidator,
     Aws::Plugins::UserAgent, Aws::Plugins::HelpfulSocketErrors, Aws::Plugins::RetryErrors,
     Aws::Plugins::GlobalConfiguration, Aws::Plugins::RegionalEndpoint,
     Aws::Plugins::EndpointDiscovery, Aws::Plugins::EndpointPattern, Aws::Plugins::ResponsePaging,
     Aws::Plugins::StubResponses, Aws::Plugins::IdempotencyToken, Aws::Plugins::JsonvalueConverter,
     Aws::Plugins::ClientMetricsPlugin, Aws::Plugins::ClientMetricsSendPlugin,
     Aws::Plugins::TransferEncoding, Aws::Plugins::HttpChecksum, Aws::Plugins::ChecksumAlgorithm,
     Aws::Plugins::DefaultsMode, Aws::Plugins::RecursionDetection, Aws::Plugins::Sign,
     Aws::Plugins::Protocols::Query, SesspecSES::Endpoints].each { |plugin| add_plugin(plugin) }

    def build_request(operation_name, params = {})
      context = Seahorse::Client::RequestContext.new(
        operation_name: operation_name, operation: config.api.operation(operation_name),
        client: self, params: params, config: config
      )
      context[:gem_name] = 'aws-sdk-core'
      context[:gem_version] = Aws::CORE_GEM_VERSION
      Seahorse::Client::Request.new(@handlers.for(operation_name), context)
    end

    class << self
      attr_reader :identifier

      def errors_module
        Errors
      end
    end
  end
end

Sesspec.main do |job|
  scenario = job['scenario']
  raise Sesspec::NotSupported, "aws-sdk-core's presigner (Aws::Sigv4) is not wired to query operations" if scenario['kind'] == 'presign-get'

  endpoint = job['endpoint']
  credentials = job['credentials']
  client = SesspecSES::Client.new(
    access_key_id: credentials['access_key_id'],
    secret_access_key: credentials['secret_access_key'],
    session_token: credentials['session_token'],
    region: credentials['region'],
    endpoint: endpoint['url'],
    ssl_ca_bundle: endpoint['ca_path'],
    retry_limit: 0
  )
  operation = Sesspec.snake(scenario['action']).to_sym
  handlers = client.handlers.for(operation).map { |h| h.is_a?(Module) ? h.name : h.class.name }.compact.uniq
  serializers = handlers.grep(/Query|Sign/)
  raise "aws-sdk-core's query serializer is not in the handler stack (#{handlers.join(', ')})" unless handlers.include?('Aws::Query::Handler')

  response = client.public_send(operation, Sesspec.snake_params(scenario['params']))
  Sesspec.ok("handlers: #{serializers.join(', ')}", response.data.to_h.transform_keys(&:to_s).transform_values { |v| v.to_s[0, 200] })
end
