//! Reaching an IMAP server: TCP, TLS (rustls with the Mozilla roots of `webpki-roots`, no OpenSSL, plus the
//! certificates of `--imap-ca-file`), the greeting and LOGIN, each under a time limit.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::rustls::pki_types::pem::PemObject;

use super::target::Target;
use super::{CollectError, Settings};

/// A certificate in DER, as rustls takes it.
pub type Certificate = tokio_rustls::rustls::pki_types::CertificateDer<'static>;

/// A CA file is a few certificates; anything much larger is not one.
const MAX_CA_FILE_BYTES: u64 = 1024 * 1024;

/// A byte stream to the server, TLS or (loopback, or explicitly allowed) plain.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Io for T {}

/// A logged-in IMAP session.
pub type Session = async_imap::Session<Box<dyn Io>>;

/// Runs one network step under `limit`, naming it in the error.
pub(super) async fn timed<T, E: std::fmt::Display>(
    limit: Duration,
    what: &str,
    step: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, CollectError> {
    match tokio::time::timeout(limit, step).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(CollectError::Network(format!("{what}: {e}"))),
        Err(_) => Err(CollectError::Network(format!("{what}: no answer within {}s", limit.as_secs()))),
    }
}

/// Connects, reads the greeting and logs in.
///
/// # Errors
/// [`CollectError::Network`] for anything that went wrong on the way, the server's refusal included.
pub async fn login(target: &Target, password: &str, settings: &Settings) -> Result<Session, CollectError> {
    let limit = settings.network_timeout;
    let addr = (target.host.as_str(), target.port);
    let tcp = timed(limit, "connect", TcpStream::connect(addr)).await?;
    let _ = tcp.set_nodelay(true);
    let stream: Box<dyn Io> = if target.tls {
        let name = rustls_pki_types_name(&target.host)?;
        let tls = timed(limit, "TLS handshake", connector(&settings.extra_roots)?.connect(name, tcp)).await?;
        Box::new(tls)
    } else {
        Box::new(tcp)
    };
    let mut client = async_imap::Client::new(stream);
    match timed(limit, "greeting", client.read_response()).await? {
        Some(_) => {}
        None => return Err(CollectError::Network("the server closed the connection before greeting".to_owned())),
    }
    let login = client.login(&target.user, password);
    match tokio::time::timeout(limit, login).await {
        Ok(Ok(session)) => Ok(session),
        Ok(Err((e, _))) => Err(CollectError::Network(format!("login as {} refused: {e}", target.user))),
        Err(_) => Err(CollectError::Network(format!("login: no answer within {}s", limit.as_secs()))),
    }
}

/// Reads the certificates of a PEM file (`--imap-ca-file`) and checks that rustls takes each as a root.
///
/// # Errors
/// A text naming the file and what is wrong: unreadable, too large, no certificate, or one rustls refuses.
pub fn read_ca_file(path: &Path) -> Result<Vec<Certificate>, String> {
    let named = |e: &dyn std::fmt::Display| format!("--imap-ca-file {}: {e}", path.display());
    let size = std::fs::metadata(path).map_err(|e| named(&e))?.len();
    if size > MAX_CA_FILE_BYTES {
        return Err(named(&format!("{size} bytes; a CA file holds a few certificates")));
    }
    let pem = std::fs::read(path).map_err(|e| named(&e))?;
    let certs: Vec<Certificate> = Certificate::pem_slice_iter(&pem).collect::<Result<_, _>>().map_err(|e| named(&e))?;
    if certs.is_empty() {
        return Err(named(&"no PEM certificate (-----BEGIN CERTIFICATE-----) in it"));
    }
    let mut roots = tokio_rustls::rustls::RootCertStore::empty();
    for cert in &certs {
        roots.add(cert.clone()).map_err(|e| named(&e))?;
    }
    Ok(certs)
}

fn connector(extra_roots: &[Certificate]) -> Result<tokio_rustls::TlsConnector, CollectError> {
    let mut roots = tokio_rustls::rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    for cert in extra_roots {
        roots.add(cert.clone()).map_err(|e| CollectError::Network(format!("TLS set-up: {e}")))?;
    }
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| CollectError::Network(format!("TLS set-up: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

fn rustls_pki_types_name(host: &str) -> Result<tokio_rustls::rustls::pki_types::ServerName<'static>, CollectError> {
    tokio_rustls::rustls::pki_types::ServerName::try_from(host.to_owned())
        .map_err(|_| CollectError::Network(format!("{host:?} is not a valid TLS server name")))
}
