//! LMTP (RFC 2033) into the running desk: mail servers hand messages to `serve` the way they hand them to
//! Dovecot or Cyrus, with an answer per recipient once the message is durably stored.
//!
//! [`session`] is the conversation as a pure state machine; [`listener`] owns the sockets and commits
//! concurrent deliveries together.

pub mod listener;
pub mod session;

pub use listener::{start, Endpoint};
pub use session::Limits;
