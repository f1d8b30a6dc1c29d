//! Reusable view pieces.

pub mod casework;
pub mod dispute;
pub mod home;
pub mod disputes;
pub mod nav;
pub mod notice;
pub mod pager;
pub mod time;
