//! The API shape users of fluent Rust SDKs expect: client calls are types that can be named,
//! stored and returned; optional parameters pass through as `Option`s; getters read `get_*`.

use atlas_snapshots::Client;
use atlas_snapshots::operations::{ListFlexBackupsCall, ListFlexBackupsRequest};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";

/// A service layer that builds a call in one place and sends it in another: only possible
/// when the call type can be named.
struct PendingListing {
    call: ListFlexBackupsCall,
}

fn prepare(client: &Client, page_size: Option<i32>) -> PendingListing {
    PendingListing {
        call: client
            .list_flex_backups(GROUP, "Flex0")
            .set_items_per_page(page_size),
    }
}

fn client() -> Client {
    Client::builder()
        .bearer_token("token")
        .build()
        .expect("a bearer-token client needs no network to build")
}

#[test]
fn a_call_can_be_named_stored_and_returned() {
    let pending = prepare(&client(), Some(50));
    assert_eq!(pending.call.request().get_items_per_page(), Some(50));
    assert_eq!(pending.call.request().get_group_id(), GROUP);
}

#[test]
fn an_optional_parameter_passes_through_as_an_option() {
    let pending = prepare(&client(), None);
    assert_eq!(pending.call.request().get_items_per_page(), None);

    let request = ListFlexBackupsRequest::new(GROUP, "Flex0")
        .items_per_page(10)
        .set_items_per_page(None)
        .set_page_num(Some(3));
    assert_eq!(request.get_items_per_page(), None);
    assert_eq!(request.get_page_num(), Some(3));
    let sent = request.build_request("https://cloud.mongodb.com").unwrap();
    assert_eq!(sent.uri().query(), Some("pageNum=3"));
}
