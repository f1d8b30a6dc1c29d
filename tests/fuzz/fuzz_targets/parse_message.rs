//! Fuzz target: any bytes through the parser entry point every channel uses, and its outcome through the
//! JSON that `abusedesk parse --json` prints. The property is the one the desk promises for network input:
//! no panic escapes and nothing hangs, whatever arrives.
//!
//! libfuzzer-sys aborts on every panic, even one that is caught. mail-parser 0.11 panics on some malformed
//! MIME ("Invalid part ID, could not find multipart", found by this target), and `parse::mime` catches
//! that and reads the message as unreadable, which is the promised behaviour. So the default panic hook is
//! put back: a caught panic is printed and fuzzing goes on, while a panic that escapes `parse_message` is
//! still caught by libfuzzer-sys around this function, which aborts and saves the input.

#![no_main]

use libfuzzer_sys::fuzz_target;

static DEFAULT_HOOK: std::sync::Once = std::sync::Once::new();

fuzz_target!(|raw: &[u8]| {
    DEFAULT_HOOK.call_once(|| drop(std::panic::take_hook()));
    if let Ok(parsed) = abusedesk::parse::parse_message(raw) {
        serde_json::to_string(&parsed.reports).expect("reports serialise");
    }
});
