//! Every item of every page, lazily, one page at a time.

use super::{Client, Error};
use crate::runtime::Paginated;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};

/// Streams the items of a list operation from its starting page on.
///
/// A page shorter than the page size (an empty one included) is the last. `totalCount` is
/// not consulted: Atlas calls it an estimate, and it is absent with `includeCount=false`, so
/// trusting it could truncate the list or ask for pages that never end.
pub fn paginate<O>(
    client: Client,
    operation: O,
) -> BoxStream<'static, Result<O::Item, Error<O::ErrorBody>>>
where
    O: Paginated + Send + Sync + 'static,
    O::Item: Send,
    O::Output: Send,
{
    let (first_page, page_size) = operation.paging();
    let state = Some((client, operation, first_page));
    stream::try_unfold(state, move |state| async move {
        let Some((client, operation, page_num)) = state else {
            return Ok(None);
        };
        let page = operation.with_paging(page_num, page_size);
        let items = O::into_items(client.execute(&page).await?);
        let full = i32::try_from(items.len()).is_ok_and(|len| len >= page_size);
        let next = match page_num.checked_add(1) {
            Some(next) if full => Some((client, operation, next)),
            _ => None,
        };
        Ok(Some((stream::iter(items.into_iter().map(Ok)), next)))
    })
    .try_flatten()
    .boxed()
}
