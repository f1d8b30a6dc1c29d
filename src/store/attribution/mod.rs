//! Attribution's storage: customers, their assignments and the ISP's own address space, the record of
//! imports, and what each report was attributed to (with every later change and its reason).

pub(super) mod assignments;
pub(super) mod customers;
pub(super) mod imports;
pub(super) mod reports;
