# Shared by the Ruby drivers: the loopback guard, the job on stdin, the result line on stdout.
#
# Guard: clients are handed the real SES host name. Every TCP connection a client opens to a
# host name goes to 127.0.0.1 and the endpoint's port ($SESSPEC_LOOPBACK_PORT); a connection
# to an IP address that is not loopback is refused, so a client that ignores its endpoint
# setting fails instead of reaching AWS (the same guard as sesspec/drivers/_guard.py).
# Clients that resolve names themselves (Excon: Resolv, then Socket#connect) get 127.0.0.1 for
# any name, and their connection to the HTTP(S) port is sent to the endpoint's port.
require 'json'
require 'socket'
require 'ipaddr'
require 'resolv'

module Sesspec
  class NotSupported < StandardError; end

  LOOPBACK_PORT = Integer(ENV.fetch('SESSPEC_LOOPBACK_PORT'))

  def self.route(host, port)
    name = host.to_s.delete_prefix('[').delete_suffix(']')
    return ['127.0.0.1', port] if name == 'localhost'
    begin
      address = IPAddr.new(name)
    rescue IPAddr::InvalidAddressError
      return ['127.0.0.1', LOOPBACK_PORT] # a host name: the endpoint
    end
    raise Errno::ECONNREFUSED, "sesspec driver guard: refused #{host} (loopback only)" unless address.loopback?

    [name, port]
  end

  def self.ip?(name)
    IPAddr.new(name.to_s.delete_prefix('[').delete_suffix(']'))
    true
  rescue IPAddr::InvalidAddressError
    false
  end

  # A socket address (packed or Addrinfo), sent to the endpoint (standard HTTP(S) port on loopback) or refused.
  def self.route_sockaddr(sockaddr)
    address = sockaddr.is_a?(Addrinfo) ? sockaddr : Addrinfo.new(sockaddr)
    return sockaddr unless address.ip?

    host, port = route(address.ip_address, address.ip_port)
    port = LOOPBACK_PORT if [80, 443].include?(port)
    Socket.sockaddr_in(port, host)
  end

  def self.snake(name)
    name.gsub(/([a-z0-9])([A-Z])/, '\1_\2').gsub(/([A-Z]+)([A-Z][a-z])/, '\1_\2').downcase
  end

  # SES params (botocore-style member names) as snake_case symbols, the form the Ruby SDKs take.
  def self.snake_params(value)
    case value
    when Hash then value.to_h { |k, v| [snake(k).to_sym, snake_params(v)] }
    when Array then value.map { |v| snake_params(v) }
    else value
    end
  end

  def self.ok(detail = '', response = {})
    { 'status' => 'ok', 'detail' => detail, 'response' => response }
  end

  def self.main
    job = JSON.parse($stdin.read)
    result =
      begin
        yield job
      rescue NotSupported => e
        { 'status' => 'not-supported', 'detail' => e.message }
      rescue StandardError => e
        { 'status' => 'client-error', 'detail' => "#{e.class}: #{e.message}"[0, 4000] }
      end
    $stdout.write("SESSPEC-RESULT #{JSON.generate(result)}\n")
  end
end

# Net::HTTP connects with Socket.tcp (Ruby 3.1); other code with TCPSocket.new / open.
class << Socket
  alias_method :sesspec_tcp, :tcp

  def tcp(host, port, *rest, **options, &block)
    host, port = Sesspec.route(host, port)
    sesspec_tcp(host, port, *rest, **options, &block)
  end
end

class << Resolv
  alias_method :sesspec_each_address, :each_address

  def each_address(name, &block)
    return sesspec_each_address(name, &block) if Sesspec.ip?(name)

    yield '127.0.0.1'
  end
end

class Socket
  alias sesspec_connect connect
  alias sesspec_connect_nonblock connect_nonblock

  def connect(sockaddr)
    sesspec_connect(Sesspec.route_sockaddr(sockaddr))
  end

  def connect_nonblock(sockaddr, **options)
    sesspec_connect_nonblock(Sesspec.route_sockaddr(sockaddr), **options)
  end
end

class TCPSocket
  alias sesspec_initialize initialize

  def initialize(host, port, *rest)
    host, port = Sesspec.route(host, port)
    sesspec_initialize(host, port, *rest)
  end
end
