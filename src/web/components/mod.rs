//! Reusable view pieces.

pub mod casework;
pub mod nav;
pub mod notice;
pub mod time;
