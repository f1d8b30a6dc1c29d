//! Attribution: which customer held an address at a moment, and the imports that say who held what.
//!
//! The rules are pure, below the store: [`holding`] (assignments and the verdict: CGNAT port range, lease or
//! static block, the most specific match wins), [`index`] (the in-memory lookup), [`conflicts`] (overlaps no
//! rule resolves), [`csv_import`] and [`radius`] (readers of the customers and assignments CSV and of
//! FreeRADIUS accounting detail). Two services use the store: [`attribute`] names each report's customer at
//! its incident time (and again when an import changes who held what); [`imports`] runs and records an
//! import, from the command line, the admin upload and the demo alike.

pub mod attribute;
pub mod conflicts;
pub mod csv_import;
pub mod holding;
pub mod imports;
pub mod index;
pub mod radius;
