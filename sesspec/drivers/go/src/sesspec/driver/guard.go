// Package driver is what the Go drivers share: the loopback guard (this file), the job on
// stdin and the result line on stdout (job.go).
//
// The loopback guard is the same rule as sesspec/drivers/_guard.py.
//
// Clients are handed the real SES host name. Every TCP connection to a host name goes to
// 127.0.0.1 and the endpoint's port ($SESSPEC_LOOPBACK_PORT); "localhost" and loopback
// addresses are dialled as given; any other address is refused. The guarded transport is
// also http.DefaultTransport, and the Go resolver cannot reach a name server, so nothing
// in the process can leave the machine.
package driver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"
)

// route is where a dial to address (host:port) goes, or an error when it is refused.
func route(address string, loopbackPort int) (string, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return "", err
	}
	if host == "localhost" {
		return net.JoinHostPort("127.0.0.1", port), nil
	}
	ip := net.ParseIP(host)
	if ip == nil { // a host name: the endpoint
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(loopbackPort)), nil
	}
	if !ip.IsLoopback() {
		return "", fmt.Errorf("sesspec driver guard: refused %s (loopback only)", address)
	}
	return address, nil
}

// Transport is an http.Transport that dials through route and trusts caPath (when given) on
// top of nothing else: the endpoint's throwaway CA is the only root. It is also installed as
// http.DefaultTransport, and the Go resolver is given no name server.
func Transport(caPath string) (*http.Transport, error) {
	port, err := strconv.Atoi(os.Getenv("SESSPEC_LOOPBACK_PORT"))
	if err != nil || port <= 0 {
		return nil, errors.New("sesspec guard: SESSPEC_LOOPBACK_PORT is not set")
	}
	dialer := &net.Dialer{Timeout: 30 * time.Second}
	transport := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
			target, err := route(address, port)
			if err != nil {
				return nil, err
			}
			return dialer.DialContext(ctx, network, target)
		},
		TLSClientConfig:     &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout: 30 * time.Second,
	}
	if caPath != "" {
		pem, err := os.ReadFile(caPath)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("no certificate in %s", caPath)
		}
		transport.TLSClientConfig.RootCAs = pool
	}
	http.DefaultTransport = transport
	http.DefaultClient.Transport = transport
	net.DefaultResolver = &net.Resolver{
		PreferGo: true,
		Dial: func(context.Context, string, string) (net.Conn, error) {
			return nil, errors.New("sesspec driver guard: no name server (loopback only)")
		},
	}
	return transport, nil
}
