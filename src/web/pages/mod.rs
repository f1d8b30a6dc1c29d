//! One file per page.

mod account_page;
mod admin_imports_page;
mod admin_tokens_page;
mod admin_users_page;
mod customer_page;
mod customers_page;
mod home_page;
mod login_page;
mod lookup_page;
mod message_page;
mod messages_page;
mod not_found_page;
mod unattributed_page;

pub use account_page::AccountPage;
pub use admin_imports_page::{AdminImportPage, AdminImportsPage};
pub use admin_tokens_page::AdminTokensPage;
pub use admin_users_page::AdminUsersPage;
pub use customer_page::CustomerPage;
pub use customers_page::CustomersPage;
pub use home_page::HomePage;
pub use login_page::LoginPage;
pub use lookup_page::LookupPage;
pub use message_page::MessagePage;
pub use messages_page::MessagesPage;
pub use not_found_page::NotFoundPage;
pub use unattributed_page::UnattributedPage;
