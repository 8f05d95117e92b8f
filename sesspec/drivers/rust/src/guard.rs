//! The loopback guard of the Rust driver: the same rule as sesspec/drivers/_guard.py.
//!
//! The SDK is given this HTTP client (the SDK's `HttpClient` hook), which does every request's
//! connection itself: a host name goes to 127.0.0.1 and the endpoint's port
//! ($SESSPEC_LOOPBACK_PORT), "localhost" and loopback addresses are dialled as given, and any
//! other address is refused. Names are never looked up, so nothing leaves the machine. TLS
//! trusts the endpoint's throwaway CA alone (rustls, with the job's PEM as its only root), and
//! the request goes out over HTTP/1.1 (hyper) as the SDK made it, with the Host header hyper's
//! own client would add.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio_rustls::rustls;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Where a connection to host:port goes, or the refusal.
pub fn route(host: &str, port: u16, loopback_port: u16) -> Result<SocketAddr, Error> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare == "localhost" {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    match bare.parse::<IpAddr>() {
        Ok(ip) if ip.is_loopback() => Ok(SocketAddr::new(ip, port)),
        Ok(ip) => {
            let shown = if ip.is_ipv6() { format!("[{bare}]") } else { bare.to_string() };
            Err(format!("sesspec driver guard: refused {shown}:{port} (loopback only)").into())
        }
        Err(_) => Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), loopback_port)),
    }
}

/// The guarded client (see the module documentation).
#[derive(Clone, Debug)]
pub struct Guarded {
    tls: Arc<rustls::ClientConfig>,
    loopback_port: u16,
}

impl Guarded {
    pub fn new(ca_path: Option<&str>, loopback_port: u16) -> Result<Self, Error> {
        let mut roots = rustls::RootCertStore::empty();
        if let Some(path) = ca_path {
            let pem = std::fs::read(path)?;
            for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
                roots.add(cert?)?;
            }
        }
        // ring, as the SDK's own rustls client may use: it builds with cc alone (aws-lc-rs
        // needs cmake). Its lack of post-quantum key exchange does not matter to a loopback
        // endpoint with a throwaway CA.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Self { tls: Arc::new(tls), loopback_port })
    }

    /// One request: connect where route says, then HTTP/1.1 (over TLS for https).
    pub async fn send(&self, request: http::Request<Full<Bytes>>) -> Result<http::Response<Bytes>, Error> {
        let uri = request.uri().clone();
        let https = uri.scheme_str() == Some("https");
        let host = uri.host().ok_or("no host in the URL")?.to_string();
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let address = route(&host, port, self.loopback_port)?;
        let tcp = TcpStream::connect(address).await?;
        let (mut parts, body) = request.into_parts();
        if !parts.headers.contains_key(http::header::HOST) {
            let authority = uri.authority().ok_or("no authority in the URL")?;
            let default = if https { 443 } else { 80 };
            let value = match authority.port_u16() {
                Some(p) if p != default => authority.as_str().to_string(),
                _ => authority.host().to_string(),
            };
            parts.headers.insert(http::header::HOST, value.parse()?);
        }
        parts.uri = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/").parse()?;
        let request = http::Request::from_parts(parts, body);
        if https {
            let name = rustls::pki_types::ServerName::try_from(host.trim_start_matches('[').trim_end_matches(']').to_string())?;
            let stream = tokio_rustls::TlsConnector::from(self.tls.clone()).connect(name, tcp).await?;
            roundtrip(TokioIo::new(stream), request).await
        } else {
            roundtrip(TokioIo::new(tcp), request).await
        }
    }
}

async fn roundtrip<T>(io: T, request: http::Request<Full<Bytes>>) -> Result<http::Response<Bytes>, Error>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io).await?;
    tokio::spawn(connection);
    let response = sender.send_request(request).await?;
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await?.to_bytes();
    Ok(http::Response::from_parts(parts, bytes))
}

impl HttpConnector for Guarded {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let this = self.clone();
        HttpConnectorFuture::new(async move {
            let request = request.try_into_http1x().map_err(|e| ConnectorError::other(e.into(), None))?;
            let (parts, body) = request.into_parts();
            let bytes = body.bytes().map(Bytes::copy_from_slice).unwrap_or_default();
            let request = http::Request::from_parts(parts, Full::new(bytes));
            let response = this.send(request).await.map_err(ConnectorError::io)?;
            let (parts, body) = response.into_parts();
            HttpResponse::try_from(http::Response::from_parts(parts, SdkBody::from(body)))
                .map_err(|e| ConnectorError::other(e.into(), None))
        })
    }
}

impl HttpClient for Guarded {
    fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

/// --probe: a plain-HTTP GET of url through the guard (its status, or the error).
pub async fn probe(client: &Guarded, url: &str) -> String {
    let request = match http::Request::get(url).body(Full::new(Bytes::new())) {
        Ok(r) => r,
        Err(e) => return e.to_string(),
    };
    match client.send(request).await {
        Ok(response) => response.status().as_u16().to_string(),
        Err(e) => e.to_string(),
    }
}
