//! Reusable view pieces.

pub mod nav;
pub mod notice;
pub mod time;
