//! One file per page.

mod account_page;
mod admin_tokens_page;
mod admin_users_page;
mod home_page;
mod login_page;
mod message_page;
mod messages_page;
mod not_found_page;

pub use account_page::AccountPage;
pub use admin_tokens_page::AdminTokensPage;
pub use admin_users_page::AdminUsersPage;
pub use home_page::HomePage;
pub use login_page::LoginPage;
pub use message_page::MessagePage;
pub use messages_page::MessagesPage;
pub use not_found_page::NotFoundPage;
