//! `abusedesk collect` against a real Dovecot started by the test (its own config in a temp dir: passwd-file
//! login, Maildir in the temp dir, a free loopback port, plain text on loopback): messages appended over
//! IMAP arrive once each with their bytes unchanged and are flagged \Seen, a message over the size limit
//! stays in the mailbox unflagged; a collector killed with SIGKILL between its commit and the flagging
//! (held there by the documented test hook) stores nothing twice on the next run, which only flags; a
//! done folder receives the collected messages; a changed UIDVALIDITY stops collecting until accepted.
//! Without Dovecot the tests say why they skip; under CI they fail instead.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use abusedesk::store::Store;
use async_imap::Session;
use tokio::net::TcpStream;

use crate::postgres::TestPostgres;

const DOVECOT: &str = "/usr/sbin/dovecot";
pub(crate) const PASSWORD: &str = "s3cret-for-tests";

/// A private Dovecot, stopped when dropped.
pub(crate) struct Dovecot {
    pub(crate) dir: tempfile::TempDir,
    child: Child,
    port: u16,
    /// The implicit-TLS port, when started with a certificate (see `imap_tls`).
    pub(crate) tls_port: Option<u16>,
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        // SIGTERM: the master stops its login and mail processes too.
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

/// The uid and gid of a system user, from /etc/passwd.
fn system_user(name: &str) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    let line = passwd.lines().find(|l| l.split(':').next() == Some(name))?;
    let fields: Vec<&str> = line.split(':').collect();
    Some((fields.get(2)?.parse().ok()?, fields.get(3)?.parse().ok()?))
}

impl Dovecot {
    /// Starts one, or says why it cannot (and fails under CI).
    fn start(what: &str) -> Option<Dovecot> {
        Dovecot::start_with(what, None)
    }

    /// Starts one; with `tls` (a directory holding `cert.pem` and `key.pem`) it serves imaps on a port of its
    /// own as well, the plain port staying for the test's own appends.
    pub(crate) fn start_with(what: &str, tls: Option<&std::path::Path>) -> Option<Dovecot> {
        let users = system_user("dovecot").zip(system_user("dovenull"));
        if !std::path::Path::new(DOVECOT).exists() || users.is_none() {
            assert!(std::env::var_os("CI").is_none(), "Dovecot (dovecot-imapd) must be installed under CI: .ci/setup");
            let _ = writeln!(std::io::stderr(), "SKIPPED {what}: Dovecot is not installed (apt-get install dovecot-imapd)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mail = root.join("mail");
        std::fs::create_dir(&mail).unwrap();
        let (uid, gid) = system_user("dovecot").unwrap();
        std::os::unix::fs::chown(&mail, Some(uid), Some(gid)).unwrap();
        // The login and mail processes run as Dovecot's users and must reach the config and the mail.
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(root.join("passwd"), format!("abuse:{{PLAIN}}{PASSWORD}\n")).unwrap();
        let free = || std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let port = free();
        let tls_port = tls.map(|_| free());
        let (ssl, imaps) = match (tls, tls_port) {
            (Some(certs), Some(p)) => {
                let c = certs.display();
                let ssl = format!("yes\nssl_cert = <{c}/cert.pem\nssl_key = <{c}/key.pem");
                (ssl, format!("address = 127.0.0.1\n    port = {p}"))
            }
            _ => ("no".to_owned(), "port = 0".to_owned()),
        };
        let r = root.display();
        let config = format!(
            "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {r}/run\nstate_dir = {r}/state\ninstance_name = t{port}\n\
             log_path = {r}/dovecot.log\nssl = {ssl}\ndisable_plaintext_auth = no\nauth_mechanisms = plain login\n\
             mail_location = maildir:{r}/mail/%u\nmail_uid = dovecot\nmail_gid = dovecot\nfirst_valid_uid = 1\n\
             default_login_user = dovenull\ndefault_internal_user = dovecot\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {r}/passwd\n}}\n\
             userdb {{\n  driver = static\n  args = uid=dovecot gid=dovecot home={r}/mail/%u\n}}\n\
             service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n\
               inet_listener imaps {{\n    {imaps}\n  }}\n}}\n"
        );
        std::fs::write(root.join("dovecot.conf"), config).unwrap();
        let child = Command::new(DOVECOT)
            .args(["-F", "-c"])
            .arg(root.join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let dovecot = Dovecot { dir, child, port, tls_port };
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(dovecot);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let log = std::fs::read_to_string(dovecot.dir.path().join("dovecot.log")).unwrap_or_default();
        panic!("Dovecot never listened on {port}: {log}");
    }

    pub(crate) fn url(&self) -> String {
        format!("imap+insecure://abuse@127.0.0.1:{}/INBOX", self.port)
    }

    async fn session(&self) -> Session<TcpStream> {
        let tcp = TcpStream::connect(("127.0.0.1", self.port)).await.unwrap();
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await.unwrap().unwrap();
        client.login("abuse", PASSWORD).await.map_err(|(e, _)| e).unwrap()
    }
}

/// Appends messages to INBOX (a test's mail server delivering).
pub(crate) async fn append(dovecot: &Dovecot, messages: &[Vec<u8>]) {
    let mut s = dovecot.session().await;
    for m in messages {
        s.append("INBOX", None, None, m).await.unwrap();
    }
    s.logout().await.unwrap();
}

/// The UIDs in `mailbox` matching `query` (`SEEN`, `UNSEEN`, `ALL`), sorted.
pub(crate) async fn uids(dovecot: &Dovecot, mailbox: &str, query: &str) -> Vec<u32> {
    let mut s = dovecot.session().await;
    s.select(mailbox).await.unwrap();
    let mut found: Vec<u32> = s.uid_search(query).await.unwrap().into_iter().collect();
    found.sort_unstable();
    s.logout().await.unwrap();
    found
}

/// A distinct small report.
pub(crate) fn message(i: usize, filler: usize) -> Vec<u8> {
    format!(
        "From: reports@spamcop.example\r\nTo: abuse@isp.example\r\nSubject: report {i}\r\nMessage-ID: <{i}@t>\r\n\r\n\
         Spam from 192.0.2.{} at 2026-12-07 10:00:00 UTC\r\n{}\r\n",
        i % 250,
        "x".repeat(filler)
    )
    .into_bytes()
}

pub(crate) fn collect(db: &str, url: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_abusedesk"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", db)
        .env("ABUSEDESK_IMAP_PASSWORD", PASSWORD)
        .env("RUST_LOG", "warn")
        .args(["--max-message-bytes", "20000", "collect", url])
        .args(extra)
        .output()
        .unwrap()
}

pub(crate) fn ok(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "collect failed: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// Every stored message's bytes, and its arrival count.
pub(crate) async fn stored(db: &str) -> Vec<(Vec<u8>, i64)> {
    let store = Store::connect(db).await.unwrap();
    let mut all = Vec::new();
    for m in store.list_messages(None, 10_000, 0).await.unwrap() {
        all.push((store.find_message_raw(m.inbound_message_id).await.unwrap().unwrap(), m.arrivals));
    }
    assert!(store.last_arrival("imap").await.unwrap().is_some() || all.is_empty(), "arrivals on the imap channel");
    store.close().await;
    all
}

pub(crate) fn same_set(stored: &[(Vec<u8>, i64)], sent: &[Vec<u8>]) {
    let mut got: Vec<&Vec<u8>> = stored.iter().map(|(raw, _)| raw).collect();
    let mut want: Vec<&Vec<u8>> = sent.iter().collect();
    got.sort();
    want.sort();
    assert!(got == want, "stored {} messages, sent {}", got.len(), want.len());
    assert!(stored.iter().all(|(_, arrivals)| *arrivals == 1), "every message arrived exactly once");
}

async fn collects_once_each_and_leaves_the_oversized_unflagged(db: &str) {
    let Some(dovecot) = Dovecot::start("the IMAP collector test (it needs Dovecot)") else { return };
    let small: Vec<Vec<u8>> = (0..5).map(|i| message(i, 100)).collect();
    append(&dovecot, &small).await;
    append(&dovecot, &[message(99, 30_000)]).await; // over --max-message-bytes 20000
    let out = ok(&collect(db, &dovecot.url(), &[]));
    assert!(out.contains("5 stored, 0 copies of stored messages, 0 marked done from an interrupted run, 1 left"), "{out}");
    same_set(&stored(db).await, &small);
    assert_eq!(uids(&dovecot, "INBOX", "UNSEEN").await, vec![6], "only the oversized message is left unflagged");
    assert_eq!(uids(&dovecot, "INBOX", "SEEN").await, vec![1, 2, 3, 4, 5]);

    // Nothing twice on the next pass; a new message is taken.
    let out = ok(&collect(db, &dovecot.url(), &[]));
    assert!(out.contains("0 stored, 0 copies"), "{out}");
    let later = message(7, 10);
    append(&dovecot, std::slice::from_ref(&later)).await;
    let out = ok(&collect(db, &dovecot.url(), &[]));
    assert!(out.contains("1 stored"), "{out}");
    let mut all = small.clone();
    all.push(later);
    same_set(&stored(db).await, &all);
}

async fn a_kill_between_commit_and_flagging_stores_nothing_twice(db: &str) {
    let Some(dovecot) = Dovecot::start("the IMAP kill test (it needs Dovecot)") else { return };
    let sent: Vec<Vec<u8>> = (0..30).map(|i| message(i, 200)).collect();
    append(&dovecot, &sent).await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_abusedesk"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", db)
        .env("ABUSEDESK_IMAP_PASSWORD", PASSWORD)
        .env("ABUSEDESK_TEST_IMAP_PAUSE_AFTER_COMMIT", "120")
        .env("RUST_LOG", "warn")
        .args(["collect", &dovecot.url(), "--imap-lease-seconds", "5"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let paused = lines.by_ref().map_while(Result::ok).any(|l| l.contains("batch committed"));
    assert!(paused, "the collector never reached its commit");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    same_set(&stored(db).await, &sent);
    assert_eq!(uids(&dovecot, "INBOX", "SEEN").await, Vec::<u32>::new(), "killed before flagging anything");
    let out = ok(&collect(db, &dovecot.url(), &[]));
    assert!(out.contains("another process is collecting"), "the dead collector's claim holds until it expires: {out}");
    tokio::time::sleep(Duration::from_millis(5500)).await;

    let out = ok(&collect(db, &dovecot.url(), &[]));
    assert!(out.contains("0 stored, 0 copies of stored messages, 30 marked done from an interrupted run"), "{out}");
    same_set(&stored(db).await, &sent);
    assert_eq!(uids(&dovecot, "INBOX", "SEEN").await, (1..=30).collect::<Vec<u32>>());
}

#[tokio::test]
async fn collect_stores_each_message_once_and_flags_it_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/imap.db", dir.path().display());
    collects_once_each_and_leaves_the_oversized_unflagged(&db).await;
}

#[tokio::test]
async fn collect_stores_each_message_once_and_flags_it_on_postgres() {
    let Some(pg) = TestPostgres::create("the IMAP collector test on PostgreSQL").await else { return };
    collects_once_each_and_leaves_the_oversized_unflagged(&pg.url).await;
    pg.drop_database().await;
}

#[tokio::test]
async fn collect_killed_after_its_commit_flags_on_rerun_without_storing_again_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/imap.db", dir.path().display());
    a_kill_between_commit_and_flagging_stores_nothing_twice(&db).await;
}

#[tokio::test]
async fn collect_killed_after_its_commit_flags_on_rerun_without_storing_again_on_postgres() {
    let Some(pg) = TestPostgres::create("the IMAP kill test on PostgreSQL").await else { return };
    a_kill_between_commit_and_flagging_stores_nothing_twice(&pg.url).await;
    pg.drop_database().await;
}

#[tokio::test]
async fn a_done_folder_receives_the_messages_and_a_changed_uidvalidity_stops_collecting_until_accepted() {
    let Some(dovecot) = Dovecot::start("the IMAP done-folder test (it needs Dovecot)") else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/imap.db", dir.path().display());
    let mut s = dovecot.session().await;
    s.create("Processed").await.unwrap();
    s.logout().await.unwrap();
    let first: Vec<Vec<u8>> = (0..3).map(|i| message(i, 10)).collect();
    append(&dovecot, &first).await;
    let out = ok(&collect(&db, &dovecot.url(), &["--imap-done-folder", "Processed"]));
    assert!(out.contains("3 stored"), "{out}");
    assert!(uids(&dovecot, "INBOX", "ALL").await.is_empty(), "moved out of INBOX");
    assert_eq!(uids(&dovecot, "Processed", "ALL").await.len(), 3);

    // Dovecot renumbers a mailbox whose UID list and index are lost: a new UIDVALIDITY (from the clock, so
    // a second later than the first).
    tokio::time::sleep(Duration::from_millis(1100)).await;
    for entry in std::fs::read_dir(dovecot.dir.path().join("mail/abuse")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("dovecot-uidlist") || name.starts_with("dovecot.index") {
            std::fs::remove_file(&path).unwrap();
        }
    }
    let again = message(10, 10);
    append(&dovecot, std::slice::from_ref(&again)).await;
    let out = collect(&db, &dovecot.url(), &["--imap-done-folder", "Processed"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("UIDVALIDITY"), "{}", String::from_utf8_lossy(&out.stderr));
    let store = Store::connect(&db).await.unwrap();
    let boxes = store.list_imap_mailboxes().await.unwrap();
    assert!(boxes[0].problem.as_deref().is_some_and(|p| p.contains("UIDVALIDITY")), "{boxes:?}");
    store.close().await;

    let out = ok(&collect(&db, &dovecot.url(), &["--imap-done-folder", "Processed", "--accept-uidvalidity"]));
    assert!(out.contains("1 stored"), "only what is still in INBOX is taken: {out}");
    let mut all = first.clone();
    all.push(again);
    same_set(&stored(&db).await, &all);
}
