//! Account and token changes made through the admin UI's server functions are audited as the admin.

use abusedesk::domain::role::Role;

use crate::helpers::TestApp;

#[tokio::test]
async fn password_resets_and_tokens_made_in_the_ui_are_audited_as_the_admin() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("ada", Role::Admin).await;
    let bob = app.add_user("bob", Role::Analyst).await;
    let resp = app.call(&admin, "reset_user_password", &[("user_id", &bob.user_id.0.to_string())]).await;
    assert_eq!(resp.status(), 200);
    let resp = app.call(&admin, "create_ingest_token", &[("name", "postfix on mx1"), ("scope", "ingest")]).await;
    assert_eq!(resp.status(), 200);
    let token = app.store.list_ingest_tokens().await.unwrap()[0].ingest_token_id;
    let resp = app.call(&admin, "revoke_ingest_token", &[("id", &token.to_string())]).await;
    assert_eq!(resp.status(), 200);

    for (action, subject) in [
        ("user.password_reset", format!("user:{}", bob.user_id)),
        ("token.created", format!("token:{token}")),
        ("token.revoked", format!("token:{token}")),
    ] {
        let entries = app.store.audit_page(Some(action), Some("ada"), 10, 0).await.unwrap();
        assert_eq!(entries.iter().map(|e| e.subject.clone()).collect::<Vec<_>>(), [subject], "{action}");
    }
}
