use abusedesk::store::{self, Store};

use crate::backends::on_each_backend;

#[tokio::test]
async fn the_first_value_of_a_setting_wins_until_it_is_replaced() {
    on_each_backend(|s: Store| async move {
        assert_eq!(s.find_setting("k").await.unwrap(), None);
        assert_eq!(s.init_setting("k", "first", store::now()).await.unwrap(), "first");
        assert_eq!(s.init_setting("k", "second", store::now()).await.unwrap(), "first");
        s.put_setting("k", "third", store::now()).await.unwrap();
        assert_eq!(s.find_setting("k").await.unwrap().as_deref(), Some("third"));
        s.put_setting("fresh", "v", store::now()).await.unwrap();
        assert_eq!(s.find_setting("fresh").await.unwrap().as_deref(), Some("v"));
    })
    .await;
}
