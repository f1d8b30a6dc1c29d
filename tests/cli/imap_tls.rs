//! `abusedesk collect imaps://…` against the private Dovecot serving implicit TLS with a certificate the test
//! makes (`openssl` CLI: a CA of its own and a server certificate for 127.0.0.1 signed by it). Without
//! `--imap-ca-file` the collector refuses the unknown issuer and stores nothing; with the CA's file it trusts
//! the server (besides the public roots) and collects each message once; a file without a certificate is
//! refused with its name. Without Dovecot or openssl the test says why it skips; under CI it fails.

use std::path::Path;
use std::process::Command;

use crate::imap::{append, collect, message, ok, same_set, stored, Dovecot};

/// Runs openssl with `args` in `dir`, failing the test with its output when it fails.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl").current_dir(dir).args(args).output().unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A CA (`ca.pem`) and a server certificate for 127.0.0.1 signed by it (`cert.pem`, `key.pem`) in `dir`.
fn make_certificates(dir: &Path) {
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    let ca = ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=abusedesk test CA"];
    openssl(dir, &[&["req", "-x509"][..], &ec, &ca].concat());
    openssl(dir, &[&["req"][..], &ec, &["-keyout", "key.pem", "-out", "req.csr", "-subj", "/CN=127.0.0.1"]].concat());
    let ext = "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n";
    std::fs::write(dir.join("ext.cnf"), ext).unwrap();
    openssl(
        dir,
        &["x509", "-req", "-in", "req.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2"]
            .into_iter()
            .chain(["-extfile", "ext.cnf", "-out", "cert.pem"])
            .collect::<Vec<_>>(),
    );
}

#[tokio::test]
async fn collect_over_tls_trusts_a_private_ca_only_when_given_its_file() {
    let what = "the IMAP-over-TLS test (it needs Dovecot and openssl)";
    if Command::new("openssl").arg("version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "the openssl CLI must be installed under CI");
        eprintln!("SKIPPED {what}: the openssl command is not installed");
        return;
    }
    // Dovecot's master reads the key as root when it starts.
    let certs = tempfile::tempdir().unwrap();
    make_certificates(certs.path());
    let Some(dovecot) = Dovecot::start_with(what, Some(certs.path())) else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/imap.db", dir.path().display());
    let sent: Vec<Vec<u8>> = (0..3).map(|i| message(i, 50)).collect();
    append(&dovecot, &sent).await;
    let url = format!("imaps://abuse@127.0.0.1:{}/INBOX", dovecot.tls_port.unwrap());

    let refused = collect(&db, &url, &[]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && stderr.contains("TLS handshake"), "an unknown issuer is refused: {stderr}");
    assert!(stored(&db).await.is_empty(), "nothing stored without trust");

    let ca = certs.path().join("ca.pem");
    let out = ok(&collect(&db, &url, &["--imap-ca-file", ca.to_str().unwrap()]));
    assert!(out.contains("3 stored"), "{out}");
    same_set(&stored(&db).await, &sent);

    let key = certs.path().join("key.pem");
    let wrong = collect(&db, &url, &["--imap-ca-file", key.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(!wrong.status.success() && stderr.contains("no PEM certificate"), "{stderr}");
    assert!(stderr.contains("key.pem"), "the file is named: {stderr}");
}
