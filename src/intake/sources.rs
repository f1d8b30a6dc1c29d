//! What `abusedesk import` reads: single message files (.eml or anything else), directories (walked in
//! name order), Maildir folders (`cur/` and `new/`) and mbox files (split at `From ` lines).
//!
//! Splitting is deterministic, so importing the same mbox twice yields the same bytes for each message and
//! the second import only records copies.

use std::fs;
use std::path::{Path, PathBuf};

/// One message found in the inputs, or why a file could not be read.
#[derive(Debug)]
pub struct Found {
    /// Where it came from: a path, or `path#N` for the N-th message of an mbox.
    pub origin: String,
    pub bytes: Result<Vec<u8>, String>,
}

/// Every file the paths name, in a stable order: directories are walked recursively in name order (a
/// Maildir's `tmp/`, which holds half-delivered mail, is skipped), hidden files are skipped. A path that
/// does not exist or cannot be listed comes back with its error, so one bad path does not stop an import.
///
/// A symbolic link to a directory met while walking is not followed (it comes back with a note): a link to
/// an ancestor would make the walk endless, and a link elsewhere imports what the operator did not name.
/// The paths given themselves, and links to files, are followed.
pub fn expand(paths: &[PathBuf]) -> Vec<(PathBuf, Option<String>)> {
    let mut out = Vec::new();
    for path in paths {
        walk(path, &mut out);
    }
    out
}

/// What a symbolic link found inside a walked directory is reported as.
const LINKED_DIRECTORY: &str = "a symbolic link to a directory; not followed";

fn walk(path: &Path, out: &mut Vec<(PathBuf, Option<String>)>) {
    match fs::metadata(path) {
        Err(e) => out.push((path.to_path_buf(), Some(e.to_string()))),
        Ok(meta) if meta.is_dir() => match fs::read_dir(path) {
            Err(e) => out.push((path.to_path_buf(), Some(e.to_string()))),
            Ok(entries) => {
                let mut children: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
                children.sort();
                for child in children {
                    let name = child.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                    if name.starts_with('.') || (name == "tmp" && is_maildir(path)) {
                        continue;
                    }
                    if is_linked_directory(&child) {
                        out.push((child, Some(LINKED_DIRECTORY.to_owned())));
                    } else {
                        walk(&child, out);
                    }
                }
            }
        },
        Ok(_) => out.push((path.to_path_buf(), None)),
    }
}

fn is_linked_directory(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) && path.is_dir()
}

fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() && dir.join("new").is_dir()
}

/// The messages in one file: several when it is an mbox, else the whole file as one message.
pub fn read_file(path: &Path) -> Vec<Found> {
    let shown = path.display().to_string();
    match fs::read(path) {
        Err(e) => vec![Found { origin: shown, bytes: Err(e.to_string()) }],
        Ok(bytes) => {
            let parts = split_mbox(&bytes);
            if parts.len() <= 1 {
                return vec![Found { origin: shown, bytes: Ok(bytes) }];
            }
            parts
                .into_iter()
                .enumerate()
                .map(|(i, part)| Found { origin: format!("{shown}#{}", i + 1), bytes: Ok(part) })
                .collect()
        }
    }
}

/// Splits an mbox into its messages: a message starts at an envelope line (`From sender date`) that is the
/// first line of the file or follows an empty line (mboxo/mboxrd). The `From ` envelope line itself is not part
/// of the message, and `>From ` quoting (mboxrd) is undone. A file that does not start with `From ` is one
/// message, not an mbox.
pub fn split_mbox(bytes: &[u8]) -> Vec<Vec<u8>> {
    if !bytes.starts_with(b"From ") {
        return vec![bytes.to_vec()];
    }
    let mut messages = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    let mut previous_blank = true;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let content = line.strip_suffix(b"\n").unwrap_or(line);
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        if previous_blank && is_envelope_line(content) {
            if let Some(done) = current.take() {
                messages.push(finish(done));
            }
            current = Some(Vec::new());
        } else if let Some(message) = current.as_mut() {
            message.extend_from_slice(unquote_from(line));
        }
        previous_blank = content.is_empty();
    }
    if let Some(done) = current {
        messages.push(finish(done));
    }
    messages.retain(|m| !m.is_empty());
    messages
}

/// An mbox envelope line: `From sender date`, where the date has a time of day. Requiring the time keeps a
/// body line such as "From the start of the week…" after a blank line (unquoted by a careless writer) from
/// splitting a message in two.
fn is_envelope_line(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"From ") else { return false };
    rest.split(|&b| b == b' ').filter(|w| !w.is_empty()).count() >= 3
        && rest.windows(5).any(|w| {
            w[0].is_ascii_digit() && w[1].is_ascii_digit() && w[2] == b':' && w[3].is_ascii_digit() && w[4].is_ascii_digit()
        })
}

/// mboxrd stores a body line `From x` as `>From x` (and `>From` as `>>From`); remove one level.
fn unquote_from(line: &[u8]) -> &[u8] {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    if quotes > 0 && line.get(quotes..).is_some_and(|rest| rest.starts_with(b"From ")) {
        line.get(1..).unwrap_or(line)
    } else {
        line
    }
}

/// The blank line that separates messages belongs to the mbox, not to the message.
fn finish(mut message: Vec<u8>) -> Vec<u8> {
    while message.ends_with(b"\n\n") || message.ends_with(b"\r\n\r\n") {
        message.pop();
        if message.ends_with(b"\r") {
            message.pop();
        }
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    const MBOX: &[u8] = b"From a@example.org Mon Jan  1 00:00:00 2024\nSubject: one\n\nbody one\n>From the start\n\n\
From b@example.org Mon Jan  1 00:00:01 2024\nSubject: two\n\nFrom inside a paragraph stays\n\n";

    #[test]
    fn an_mbox_splits_at_from_lines_after_blank_lines() {
        let parts = split_mbox(MBOX);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], b"Subject: one\n\nbody one\nFrom the start\n".to_vec());
        assert!(parts[1].starts_with(b"Subject: two\n"));
    }

    #[test]
    fn splitting_twice_gives_the_same_bytes() {
        assert_eq!(split_mbox(MBOX), split_mbox(MBOX));
    }

    #[test]
    fn a_plain_message_is_one_message_even_if_it_quotes_from_lines() {
        let eml = b"Subject: hi\n\nFrom here on\n".to_vec();
        assert_eq!(split_mbox(&eml), vec![eml]);
    }

    #[test]
    fn directories_are_walked_in_order_and_maildir_tmp_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["cur", "new", "tmp"] {
            fs::create_dir(dir.path().join(sub)).unwrap();
        }
        fs::write(dir.path().join("new/2"), b"Subject: b\n\nx").unwrap();
        fs::write(dir.path().join("cur/1"), b"Subject: a\n\nx").unwrap();
        fs::write(dir.path().join("tmp/3"), b"Subject: c\n\nx").unwrap();
        fs::write(dir.path().join(".hidden"), b"x").unwrap();
        let found: Vec<String> = expand(&[dir.path().to_path_buf(), dir.path().join("missing")])
            .into_iter()
            .map(|(p, err)| format!("{}{}", p.strip_prefix(dir.path()).unwrap().display(), if err.is_some() { "!" } else { "" }))
            .collect();
        assert_eq!(found, ["cur/1", "new/2", "missing!"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("a")).unwrap();
        fs::write(dir.path().join("a/1.eml"), b"Subject: a\n\nx").unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("a/up")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("a/1.eml"), dir.path().join("a/2.eml")).unwrap();
        let found = expand(&[dir.path().to_path_buf()]);
        let shown: Vec<(String, Option<String>)> = found
            .into_iter()
            .map(|(p, err)| (p.strip_prefix(dir.path()).unwrap().display().to_string(), err))
            .collect();
        assert_eq!(
            shown,
            [("a/1.eml".to_owned(), None), ("a/2.eml".to_owned(), None), ("a/up".to_owned(), Some(LINKED_DIRECTORY.to_owned()))],
            "a link to a file is read; a link to a directory (here an ancestor) is named, not walked"
        );
    }
}
