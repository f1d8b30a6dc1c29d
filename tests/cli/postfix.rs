//! A real MTA delivering into `serve --lmtp`: a private Postfix (Debian's package; its own config and queue
//! in a temp dir, smtpd on a free loopback port, `default_transport = lmtp:inet:127.0.0.1:PORT`) takes
//! messages by SMTP from the test (lettre's client) and hands them to the desk over LMTP.
//!
//! What is compared: each stored message is exactly one header field Postfix prepends (`Received: from …
//! by mx.test.example (Postfix) with ESMTP id …`, folded over several lines) followed by the submitted bytes
//! unchanged (CRLF line endings, a line starting with a dot, 8-bit UTF-8 text) except for their
//! `Return-Path` field, which Postfix's cleanup drops from every message it receives (the final delivery
//! writes one). Postfix changes nothing else here: its LMTP client adds no Return-Path or Delivered-To,
//! header rewriting is off for this client, and the messages carry their own Date, From and Message-ID.
//! A message to two recipients is one LMTP transaction, stored once with two arrivals. Then `serve` is
//! killed with SIGKILL: Postfix keeps what it accepts meanwhile in its queue, retries once `serve` is back,
//! and each message is stored once.
//!
//! Postfix's master runs only as root. Without Postfix or root the test says why it skips; under CI it fails.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use abusedesk::store::Store;
use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::lmtp::{free_port, serve, spamcop};

const POSTFIX: &str = "/usr/sbin/postfix";

/// A private Postfix instance, stopped when dropped.
struct Postfix {
    dir: tempfile::TempDir,
    child: Child,
    smtp_port: u16,
}

impl Drop for Postfix {
    fn drop(&mut self) {
        // `postfix stop` makes the master stop its daemons; `start-fg` then returns.
        let _ = Command::new(POSTFIX).arg("-c").arg(self.dir.path().join("etc")).arg("stop").output();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// One service a line, as master.cf has them; nothing chrooted, so nothing needs copying into the queue.
const MASTER_CF: &str = "\
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
smtp      unix  - - n -  - smtp
relay     unix  - - n -  - smtp
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
lmtp      unix  - - n -  - lmtp
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
";

impl Postfix {
    /// Starts one relaying everything to LMTP on `lmtp_port`, or says why it cannot (and fails under CI).
    fn start(what: &str, lmtp_port: u16) -> Option<Postfix> {
        let missing = if !std::path::Path::new(POSTFIX).exists() {
            Some("Postfix is not installed (apt-get install postfix)")
        } else if !is_root() {
            Some("Postfix's master daemon runs only as root")
        } else {
            None
        };
        if let Some(why) = missing {
            assert!(std::env::var_os("CI").is_none(), "{what} must run under CI: {why} (.ci/setup installs it)");
            eprintln!("SKIPPED {what}: {why}");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // Postfix's daemons run as its own user and must reach the queue below the temp dir.
        std::fs::set_permissions(root, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        std::fs::create_dir(root.join("etc")).unwrap();
        std::fs::create_dir(root.join("queue")).unwrap();
        let smtp_port = free_port();
        let r = root.display();
        let main_cf = format!(
            "compatibility_level = 3.6\nqueue_directory = {r}/queue\ndata_directory = {r}/data\n\
             maillog_file = {r}/maillog\nmaillog_file_prefixes = {r}\nmail_owner = postfix\n\
             myhostname = mx.test.example\nmydestination =\ninet_interfaces = 127.0.0.1\ninet_protocols = ipv4\n\
             mynetworks = 127.0.0.0/8\nsmtpd_relay_restrictions = permit_mynetworks, reject\n\
             local_header_rewrite_clients =\nalias_maps =\nalias_database =\nbiff = no\n\
             default_transport = lmtp:inet:127.0.0.1:{lmtp_port}\nrelay_transport = $default_transport\n\
             queue_run_delay = 1s\nminimal_backoff_time = 1s\nmaximal_backoff_time = 2s\n"
        );
        std::fs::write(root.join("etc/main.cf"), main_cf).unwrap();
        let master_cf = format!("127.0.0.1:{smtp_port} inet n - n - - smtpd\n{MASTER_CF}");
        std::fs::write(root.join("etc/master.cf"), master_cf).unwrap();
        let etc = root.join("etc");
        // `check` creates the queue's directories with the owners Postfix wants.
        let check = Command::new(POSTFIX).arg("-c").arg(&etc).arg("check").output().unwrap();
        assert!(check.status.success(), "postfix check: {}", String::from_utf8_lossy(&check.stderr));
        let child = Command::new(POSTFIX)
            .arg("-c")
            .arg(&etc)
            .arg("start-fg")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let postfix = Postfix { dir, child, smtp_port };
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", smtp_port)).is_ok() {
                return Some(postfix);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("Postfix never listened on {smtp_port}: {}", postfix.log());
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("maillog")).unwrap_or_default()
    }

    /// Submits a message by SMTP; Postfix answers once it is in its queue.
    async fn submit(&self, raw: &[u8], recipients: &[&str]) {
        // lettre ends DATA with CRLF.CRLF itself, so the message's own last CRLF would become an empty line.
        let raw = raw.strip_suffix(b"\r\n").unwrap_or(raw);
        let smtp = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1").port(self.smtp_port).build();
        let to = recipients.iter().map(|r| r.parse().unwrap()).collect();
        let envelope = Envelope::new(Some("reports@spamcop.example".parse().unwrap()), to).unwrap();
        smtp.send_raw(&envelope, raw).await.unwrap();
    }
}

/// A distinct message with CRLF line endings, a line starting with a dot and a line of 8-bit UTF-8 text.
fn message(i: usize) -> Vec<u8> {
    let text = String::from_utf8(spamcop(i)).unwrap().replace("\r\n", "\n");
    format!("{text}.a line starting with a dot\nGrüße aus dem Netz, Nachricht {i}\n").replace('\n', "\r\n").into_bytes()
}

/// Every stored message's bytes, its arrivals and its recipients, once `count` are stored and parsed.
async fn stored(db: &str, count: i64, postfix: &Postfix) -> Vec<(Vec<u8>, i64, String)> {
    let store = Store::connect(db).await.unwrap();
    for _ in 0..600 {
        let c = store.count_intake().await.unwrap();
        if c.messages >= count && store.count_messages_in("pending").await.unwrap() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut all = Vec::new();
    for m in store.list_messages(None, 10_000, 0).await.unwrap() {
        let raw = store.find_message_raw(m.inbound_message_id).await.unwrap().unwrap();
        all.push((raw, m.arrivals, m.recipients.unwrap_or_default()));
    }
    store.close().await;
    assert_eq!(all.len(), usize::try_from(count).unwrap(), "messages stored; Postfix's log:\n{}", postfix.log());
    all
}

/// The submitted bytes without their `Return-Path` field: Postfix's cleanup drops that field from mail it
/// receives (the final delivery adds it), and only that.
fn without_return_path(sent: &[u8]) -> Vec<u8> {
    let mut kept = Vec::with_capacity(sent.len());
    let mut dropping = false;
    let mut in_header = true;
    for line in sent.split_inclusive(|&b| b == b'\n') {
        if in_header && line == b"\r\n" {
            in_header = false;
        }
        if in_header && !line.starts_with(b" ") && !line.starts_with(b"\t") {
            dropping = line.to_ascii_lowercase().starts_with(b"return-path:");
        }
        if !(in_header && dropping) {
            kept.extend_from_slice(line);
        }
    }
    kept
}

/// The stored bytes are one `Received:` field by this Postfix, then the submitted bytes unchanged but for a
/// `Return-Path` field dropped.
fn is_verbatim_after_one_received(stored: &[u8], sent: &[u8]) -> bool {
    let sent = without_return_path(sent);
    let Some(prefix) = stored.len().checked_sub(sent.len()).map(|n| &stored[..n]) else { return false };
    let Ok(prefix) = std::str::from_utf8(prefix) else { return false };
    let lines: Vec<&str> = prefix.split_inclusive("\r\n").collect();
    stored.ends_with(&sent)
        && prefix.starts_with("Received: from ")
        && prefix.contains("by mx.test.example (Postfix) with ESMTP id ")
        && lines.iter().all(|l| l.ends_with("\r\n"))
        && lines[1..].iter().all(|l| l.starts_with([' ', '\t']))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postfix_delivers_over_lmtp_each_message_once_verbatim_and_its_queue_covers_a_killed_serve() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/desk.db", dir.path().display());
    let lmtp_port = free_port();
    let Some(postfix) = Postfix::start("the Postfix-over-LMTP test", lmtp_port) else { return };
    let node = serve(&db, lmtp_port, &[]).await;

    // 20 messages, one of them to two recipients (one LMTP transaction: one message, two arrivals).
    let first: Vec<Vec<u8>> = (0..20).map(message).collect();
    for (i, m) in first.iter().enumerate() {
        let two = ["abuse@isp.example", "postmaster@isp.example"];
        postfix.submit(m, if i == 7 { &two } else { &two[..1] }).await;
    }
    let got = stored(&db, 20, &postfix).await;
    for (i, sent) in first.iter().enumerate() {
        let matching: Vec<_> = got.iter().filter(|(raw, ..)| is_verbatim_after_one_received(raw, sent)).collect();
        let first_stored = String::from_utf8_lossy(&got[0].0[..got[0].0.len().min(600)]).into_owned();
        assert_eq!(matching.len(), 1, "message {i} stored once as expected; one stored begins {first_stored:?}");
        let (raw, arrivals, recipients) = matching[0];
        let head = String::from_utf8_lossy(&raw[..raw.len() - without_return_path(sent).len()]).into_owned();
        let mut recipients: Vec<&str> = recipients.split(", ").collect();
        recipients.sort_unstable();
        if i == 7 {
            assert_eq!((*arrivals, recipients), (2, vec!["abuse@isp.example", "postmaster@isp.example"]), "{head}");
        } else {
            assert_eq!((*arrivals, recipients), (1, vec!["abuse@isp.example"]));
            assert!(head.contains("for <abuse@isp.example>"), "the recipient is in the Received field: {head}");
        }
    }

    // serve dies (SIGKILL); Postfix accepts 10 more into its queue, and delivers them when serve is back.
    let mut node = node;
    node.0.kill().unwrap();
    node.0.wait().unwrap();
    let later: Vec<Vec<u8>> = (20..30).map(message).collect();
    for m in &later {
        postfix.submit(m, &["abuse@isp.example"]).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(postfix.log().contains("status=deferred"), "Postfix kept them queued: {}", postfix.log());
    let _node = serve(&db, lmtp_port, &[]).await;
    let got = stored(&db, 30, &postfix).await;
    for (i, sent) in first.iter().chain(&later).enumerate() {
        let arrivals: Vec<i64> =
            got.iter().filter(|(raw, ..)| is_verbatim_after_one_received(raw, sent)).map(|(_, a, _)| *a).collect();
        assert_eq!(arrivals, vec![if i == 7 { 2 } else { 1 }], "message {i} stored once, arrived once per recipient");
    }
}
