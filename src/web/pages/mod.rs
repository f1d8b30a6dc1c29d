//! One file per page.

mod account_page;
mod admin_imports_page;
mod admin_tokens_page;
mod admin_users_page;
mod audit_page;
mod case_page;
mod cases_page;
mod customer_page;
mod customers_page;
mod home_page;
mod login_page;
mod lookup_page;
mod message_page;
mod messages_page;
mod not_found_page;
mod reviews_page;
mod unattributed_page;

pub use account_page::AccountPage;
pub use admin_imports_page::{AdminImportPage, AdminImportsPage};
pub use admin_tokens_page::AdminTokensPage;
pub use admin_users_page::AdminUsersPage;
pub use audit_page::AuditPage;
pub use case_page::CasePage;
pub use cases_page::CasesPage;
pub use customer_page::CustomerPage;
pub use customers_page::CustomersPage;
pub use home_page::HomePage;
pub use login_page::LoginPage;
pub use lookup_page::LookupPage;
pub use message_page::MessagePage;
pub use messages_page::MessagesPage;
pub use not_found_page::NotFoundPage;
pub use reviews_page::ReviewsPage;
pub use unattributed_page::UnattributedPage;
