//! The loopback guard of the rusoto driver: the same rule as sesspec/drivers/_guard.py and the
//! aws-sdk-ses driver's (sesspec/drivers/rust/src/guard.rs).
//!
//! rusoto is given an HTTP client built on this connector (`HttpClient::from_connector`): a host
//! name goes to 127.0.0.1 and the endpoint's port ($SESSPEC_LOOPBACK_PORT), "localhost" and
//! loopback addresses are dialled as given, and any other address is refused. Names are never
//! looked up, so nothing leaves the machine. TLS (hyper-rustls, as rusoto's own "rustls"
//! client) trusts the endpoint's throwaway CA alone.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper::service::Service;
use hyper::Uri;
use tokio::net::TcpStream;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

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

/// The guarded TCP connector (see the module documentation); hyper-rustls adds TLS on top.
#[derive(Clone, Debug)]
pub struct Guard {
    pub loopback_port: u16,
}

impl Service<Uri> for Guard {
    type Response = TcpStream;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<TcpStream, Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let loopback_port = self.loopback_port;
        Box::pin(async move {
            let https = uri.scheme_str() == Some("https");
            let host = uri.host().ok_or("no host in the URL")?.to_string();
            let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
            let address = route(&host, port, loopback_port)?;
            Ok(TcpStream::connect(address).await?)
        })
    }
}

/// TLS trusting the PEM file's certificates alone (none: trusting nothing).
pub fn tls(ca_path: Option<&str>) -> Result<rustls::ClientConfig, Error> {
    let mut roots = rustls::RootCertStore::empty();
    if let Some(path) = ca_path {
        let pem = std::fs::read(path)?;
        let certs = rustls_pemfile::certs(&mut pem.as_slice())?;
        let (_added, _ignored) = roots.add_parsable_certificates(&certs);
    }
    Ok(rustls::ClientConfig::builder()
        .with_safe_defaults()
        .with_root_certificates(roots)
        .with_no_client_auth())
}
