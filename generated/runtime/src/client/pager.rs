//! Every page, and every item of every page, lazily, one page at a time.

use super::{Client, Error, RequestContext};
use crate::{FromObject, Paginated, skip_value};
use futures_util::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use serde::de::MapAccess;
use std::collections::HashSet;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Streams the items of a list operation from its starting page on.
///
/// How it knows there is another page, most reliable first:
///
/// - **`links`**: when the page has a `links` array (Atlas always sends one), a `rel=next`
///   link means another page, its absence means the end, whatever the page's length. The next
///   request takes the link's `pageNum` and `itemsPerPage`, but goes to the operation's own
///   URL: a link never sends credentials elsewhere.
/// - **`totalCount`** (without links): pages go on until that many items have been seen. A
///   page shorter than asked for then means the server caps the page size, and the following
///   pages are asked at that size. An empty page ends the stream (the count was an estimate).
/// - **Neither**: a page shorter than asked for (an empty one included) is the last.
///
/// A page with the same items as an earlier one means the server ignores `pageNum`; a `next`
/// link that does not move forward would never end either. Both end the stream with
/// [`Error::Pagination`] rather than yield the same items forever.
///
/// [`ItemStream`] is the same stream with a name and an inherent `next`; [`PageStream`]
/// yields whole pages.
pub fn paginate<O>(
    client: Client,
    operation: O,
) -> BoxStream<'static, Result<O::Item, Error<O::ErrorBody>>>
where
    O: Paginated + Send + Sync + 'static,
    O::Item: Send,
    O::Output: Send,
{
    page_stream(client, operation)
        .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}

/// What a page stream yields.
type PageResult<O> =
    Result<Page<<O as Paginated>::Item>, Error<<O as crate::Operation>::ErrorBody>>;

/// What an item stream yields.
type ItemResult<O> = Result<<O as Paginated>::Item, Error<<O as crate::Operation>::ErrorBody>>;

/// The pages of a list operation, as a boxed stream; see [`paginate`] for how it pages.
fn page_stream<O>(client: Client, operation: O) -> BoxStream<'static, PageResult<O>>
where
    O: Paginated + Send + Sync + 'static,
    O::Item: Send,
    O::Output: Send,
{
    let (page_num, page_size) = operation.paging();
    let pager = Pager {
        client,
        operation,
        page_num,
        page_size,
        // Where the first page starts, if the server uses the size asked for.
        offset: u64::try_from(page_num.saturating_sub(1)).unwrap_or(0)
            * u64::try_from(page_size).unwrap_or(0),
        seen: HashSet::new(),
    };
    stream::try_unfold(Some(pager), |pager| async move {
        let Some(mut pager) = pager else {
            return Ok(None);
        };
        let (page, next) = pager.next_page().await?;
        Ok(Some((page, next.then_some(pager))))
    })
    .boxed()
}

/// One page of a list operation: its items, and what the server said about the listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    items: Vec<T>,
    total_count: Option<u64>,
    page_num: i32,
    items_per_page: i32,
}

impl<T> Page<T> {
    /// The items of this page.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The items of this page, owned.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// The `totalCount` the server sent with this page: the number of items in the whole
    /// listing, which Atlas documents as an estimate. `None` when it sent none
    /// (`includeCount(false)`).
    pub fn total_count(&self) -> Option<u64> {
        self.total_count
    }

    /// The `pageNum` this page was asked for with.
    pub fn page_num(&self) -> i32 {
        self.page_num
    }

    /// The `itemsPerPage` this page was asked for with.
    pub fn items_per_page(&self) -> i32 {
        self.items_per_page
    }
}

/// Every page of a list operation, fetched lazily one at a time: what a call's `pages()`
/// returns. `O` is the operation's request type, such as `ListFlexBackupsRequest`.
///
/// `next().await` needs no trait in scope; it is also a `futures` `Stream`.
#[must_use = "a stream does nothing until polled"]
pub struct PageStream<O: Paginated> {
    inner: BoxStream<'static, PageResult<O>>,
}

impl<O> PageStream<O>
where
    O: Paginated + Send + Sync + 'static,
    O::Item: Send,
    O::Output: Send,
{
    /// The pages of `operation` from its starting page on; see [`paginate`] for how it pages.
    pub fn new(client: Client, operation: O) -> Self {
        Self {
            inner: page_stream(client, operation),
        }
    }
}

impl<O: Paginated> PageStream<O> {
    /// The next page, `None` after the last one. After an error, the stream ends.
    pub async fn next(&mut self) -> Option<Result<Page<O::Item>, Error<O::ErrorBody>>> {
        self.inner.next().await
    }

    /// The next page, `Ok(None)` after the last one: for `while let Some(page) =
    /// pages.try_next().await? { ... }`.
    ///
    /// # Errors
    ///
    /// The page's request failed; see [`Error`].
    pub async fn try_next(&mut self) -> Result<Option<Page<O::Item>>, Error<O::ErrorBody>> {
        self.inner.next().await.transpose()
    }
}

impl<O: Paginated> Stream for PageStream<O> {
    type Item = Result<Page<O::Item>, Error<O::ErrorBody>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<O: Paginated> fmt::Debug for PageStream<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream")
            .field("operation", &O::OPERATION_ID)
            .finish_non_exhaustive()
    }
}

/// Every item of every page of a list operation, fetched lazily one page at a time: what a
/// call's `stream()` returns. `O` is the operation's request type, such as
/// `ListFlexBackupsRequest`.
///
/// `next().await` needs no trait in scope; it is also a `futures` `Stream`.
#[must_use = "a stream does nothing until polled"]
pub struct ItemStream<O: Paginated> {
    pages: PageStream<O>,
    /// The rest of the current page.
    buffered: std::vec::IntoIter<O::Item>,
    total_count: Option<u64>,
}

impl<O> ItemStream<O>
where
    O: Paginated + Send + Sync + 'static,
    O::Item: Send,
    O::Output: Send,
{
    /// The items of `operation` from its starting page on; see [`paginate`] for how it
    /// pages.
    pub fn new(client: Client, operation: O) -> Self {
        Self {
            pages: PageStream::new(client, operation),
            buffered: Vec::new().into_iter(),
            total_count: None,
        }
    }
}

impl<O: Paginated> ItemStream<O> {
    /// The next item, `None` after the last one. After an error, the stream ends.
    pub async fn next(&mut self) -> Option<Result<O::Item, Error<O::ErrorBody>>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    /// The next item, `Ok(None)` after the last one: for `while let Some(item) =
    /// items.try_next().await? { ... }`.
    ///
    /// # Errors
    ///
    /// The request of the page holding it failed; see [`Error`].
    pub async fn try_next(&mut self) -> Result<Option<O::Item>, Error<O::ErrorBody>> {
        self.next().await.transpose()
    }

    /// Every remaining item, collected.
    ///
    /// # Errors
    ///
    /// The first page that fails.
    pub async fn collect_all(mut self) -> Result<Vec<O::Item>, Error<O::ErrorBody>> {
        let mut items = Vec::new();
        while let Some(item) = self.try_next().await? {
            items.push(item);
        }
        Ok(items)
    }

    /// The `totalCount` of the latest page fetched (see [`Page::total_count`]); `None` before
    /// the first page, or when the server sends none.
    pub fn total_count(&self) -> Option<u64> {
        self.total_count
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<ItemResult<O>>> {
        loop {
            if let Some(item) = self.buffered.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.inner.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => {
                    self.total_count = page.total_count;
                    self.buffered = page.items.into_iter();
                }
            }
        }
    }
}

// Nothing in it is ever pinned in place: the buffered items move out by value.
impl<O: Paginated> Unpin for ItemStream<O> {}

impl<O: Paginated> Stream for ItemStream<O> {
    type Item = Result<O::Item, Error<O::ErrorBody>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

impl<O: Paginated> fmt::Debug for ItemStream<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream")
            .field("operation", &O::OPERATION_ID)
            .field("buffered", &self.buffered.len())
            .field("total_count", &self.total_count)
            .finish_non_exhaustive()
    }
}

struct Pager<O> {
    client: Client,
    operation: O,
    /// The page to ask for next, and its size.
    page_num: i32,
    page_size: i32,
    /// How many items precede the next page.
    offset: u64,
    /// Fingerprints of the pages streamed so far.
    seen: HashSet<u64>,
}

impl<O: Paginated> Pager<O> {
    /// The next page, and whether another page follows.
    async fn next_page(&mut self) -> Result<(Page<O::Item>, bool), Error<O::ErrorBody>> {
        let (page_num, items_per_page) = (self.page_num, self.page_size);
        let request = self.operation.with_paging(page_num, items_per_page);
        let answer = self.client.execute_keeping_body(&request).await?;
        let meta = PageMeta::read(&answer.body);
        let context = answer.context;
        let items = O::into_items(answer.output);
        let count = items.len();
        let stop = |reason: String| Error::Pagination {
            context: context.clone(),
            reason,
        };
        if let Some(fingerprint) = meta.results.filter(|_| count > 0) {
            if !self.seen.insert(fingerprint.0) {
                return Err(stop(format!(
                    "page {} has the same {count} items as an earlier page: the server seems to ignore pageNum",
                    self.page_num
                )));
            }
        }
        self.offset += count as u64;
        let next = match meta.links {
            Some(links) => self.follow_links(&links, count, &context)?,
            None => self.without_links(meta.total_count, count, &context)?,
        };
        if let Some((page_num, page_size)) = next {
            self.page_num = page_num;
            self.page_size = page_size;
        }
        let page = Page {
            items,
            total_count: meta.total_count,
            page_num,
            items_per_page,
        };
        Ok((page, next.is_some()))
    }

    /// The next page and size as the server's `next` link says, or `None` without one.
    fn follow_links(
        &self,
        links: &[Link],
        count: usize,
        context: &RequestContext,
    ) -> Result<Option<(i32, i32)>, Error<O::ErrorBody>> {
        let Some(href) = links
            .iter()
            .find(|link| link.rel.as_deref() == Some("next"))
            .and_then(|link| link.href.as_deref())
        else {
            return Ok(None);
        };
        // A next link beside no items would let a server lead the stream on forever.
        if count == 0 {
            return Ok(None);
        }
        let (page_num, page_size) = query_paging(href);
        let page_num = page_num.unwrap_or(self.page_num.saturating_add(1));
        if page_num <= self.page_num {
            return Err(Error::Pagination {
                context: context.clone(),
                reason: format!(
                    "the next link of page {} leads to page {page_num}, which would never end",
                    self.page_num
                ),
            });
        }
        Ok(Some((page_num, page_size.unwrap_or(self.page_size))))
    }

    /// The next page and size from `totalCount` and the page's length, for a server that
    /// sends no links.
    fn without_links(
        &self,
        total: Option<u64>,
        count: usize,
        context: &RequestContext,
    ) -> Result<Option<(i32, i32)>, Error<O::ErrorBody>> {
        let asked = usize::try_from(self.page_size).unwrap_or(0);
        let more = match total {
            _ if count == 0 => false,
            Some(total) => self.offset < total,
            None => count >= asked,
        };
        if !more {
            return Ok(None);
        }
        // A short page that is not the last: the server caps the page size at `count`.
        let size = if count < asked {
            i32::try_from(count).unwrap_or(i32::MAX)
        } else {
            self.page_size
        };
        let size_u64 = u64::try_from(size).unwrap_or(1).max(1);
        let page = (self.offset % size_u64 == 0)
            .then(|| i32::try_from(self.offset / size_u64 + 1).ok())
            .flatten();
        match page {
            Some(page) => Ok(Some((page, size))),
            None => Err(Error::Pagination {
                context: context.clone(),
                reason: format!(
                    "page {} has {count} of the {} items asked for, and {} of the totalCount {} items are missing, but no page of {size} items starts after item {}",
                    self.page_num,
                    self.page_size,
                    total.unwrap_or(0).saturating_sub(self.offset),
                    total.unwrap_or(0),
                    self.offset
                ),
            }),
        }
    }
}

/// What a page says about the listing, beside its items.
#[derive(Default)]
struct PageMeta {
    links: Option<Vec<Link>>,
    total_count: Option<u64>,
    results: Option<Fingerprint>,
}

impl PageMeta {
    /// Read from a body that already parsed into the page type, so it is JSON. An enveloped
    /// list keeps these fields beside `status`, at the top.
    fn read(body: &[u8]) -> PageMeta {
        serde_json::from_slice(body).unwrap_or_default()
    }
}

impl<'de> serde::Deserialize<'de> for PageMeta {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::deserialize_object(deserializer, "PageMeta")
    }
}

impl FromObject for PageMeta {
    const FIELDS: &'static [&'static str] = &["links", "totalCount", "results"];
    const EXPECTING: &'static str = "a page";
    type Partial = Self;

    fn read_field<'de, A: MapAccess<'de>>(
        meta: &mut Self,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match index {
            0 => meta.links = lenient(map)?,
            1 => meta.total_count = lenient(map)?,
            2 => meta.results = map.next_value()?,
            _ => skip_value(map)?,
        }
        Ok(())
    }

    fn finish<E: serde::de::Error>(meta: Self) -> Result<Self, E> {
        Ok(meta)
    }
}

#[derive(Default)]
struct Link {
    rel: Option<String>,
    href: Option<String>,
}

impl<'de> serde::Deserialize<'de> for Link {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::deserialize_object(deserializer, "Link")
    }
}

impl FromObject for Link {
    const FIELDS: &'static [&'static str] = &["rel", "href"];
    const EXPECTING: &'static str = "a link";
    type Partial = Self;

    fn read_field<'de, A: MapAccess<'de>>(
        link: &mut Self,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match index {
            0 => link.rel = lenient(map)?,
            1 => link.href = lenient(map)?,
            _ => skip_value(map)?,
        }
        Ok(())
    }

    fn finish<E: serde::de::Error>(link: Self) -> Result<Self, E> {
        Ok(link)
    }
}

/// A field the page type already accepted, in whatever shape: `None` when it is not the
/// shape the pager can use (a negative count, say).
fn lenient<'de, A, T>(map: &mut A) -> Result<Option<T>, A::Error>
where
    A: MapAccess<'de>,
    T: serde::de::DeserializeOwned,
{
    let value: serde_json::Value = map.next_value()?;
    Ok(serde_json::from_value(value).ok())
}

/// `pageNum` and `itemsPerPage` from the query of a link.
fn query_paging(href: &str) -> (Option<i32>, Option<i32>) {
    let query = href
        .split_once('?')
        .map_or("", |(_, query)| query)
        .split('#')
        .next()
        .unwrap_or("");
    let mut paging = (None, None);
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let value = value.parse::<i32>().ok().filter(|value| *value > 0);
        match name.as_ref() {
            "pageNum" => paging.0 = value,
            "itemsPerPage" => paging.1 = value,
            _ => {}
        }
    }
    paging
}

/// A hash of a JSON value's content, read without building it: two pages with the same
/// items have the same fingerprint.
struct Fingerprint(u64);

impl<'de> serde::Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FingerprintVisitor)
    }
}

struct FingerprintVisitor;

fn hash_of(tag: u8, value: impl Hash) -> Fingerprint {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    tag.hash(&mut hasher);
    value.hash(&mut hasher);
    Fingerprint(hasher.finish())
}

impl<'de> serde::de::Visitor<'de> for FingerprintVisitor {
    type Value = Fingerprint;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Fingerprint, E> {
        Ok(hash_of(0, ()))
    }

    fn visit_bool<E>(self, value: bool) -> Result<Fingerprint, E> {
        Ok(hash_of(1, value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Fingerprint, E> {
        Ok(hash_of(2, value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Fingerprint, E> {
        Ok(hash_of(3, value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Fingerprint, E> {
        Ok(hash_of(4, value.to_bits()))
    }

    fn visit_str<E>(self, value: &str) -> Result<Fingerprint, E> {
        Ok(hash_of(5, value))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Fingerprint, A::Error> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        6u8.hash(&mut hasher);
        while let Some(Fingerprint(element)) = seq.next_element()? {
            element.hash(&mut hasher);
        }
        Ok(Fingerprint(hasher.finish()))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Fingerprint, A::Error> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        7u8.hash(&mut hasher);
        while let Some((key, Fingerprint(value))) = map.next_entry::<String, Fingerprint>()? {
            key.hash(&mut hasher);
            value.hash(&mut hasher);
        }
        Ok(Fingerprint(hasher.finish()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_give_the_next_page_and_size() {
        assert_eq!(
            query_paging("https://x/api?pageNum=3&itemsPerPage=100#top"),
            (Some(3), Some(100))
        );
        assert_eq!(query_paging("/api?envelope=false"), (None, None));
        assert_eq!(query_paging("/api?pageNum=-1"), (None, None));
    }

    #[test]
    fn fingerprints_see_content_not_layout() {
        let print = |text: &str| serde_json::from_str::<Fingerprint>(text).unwrap().0;
        assert_eq!(print(r#"[{"a": 1}]"#), print(r#"[ { "a" : 1 } ]"#));
        assert_ne!(print(r#"[{"a": 1}]"#), print(r#"[{"a": 2}]"#));
        assert_ne!(print(r#"["1"]"#), print("[1]"));
    }

    #[test]
    fn page_meta_tolerates_odd_shapes() {
        let meta = PageMeta::read(br#"{"totalCount": -3, "links": "no", "results": []}"#);
        assert!(meta.total_count.is_none() && meta.links.is_none());
        let meta = PageMeta::read(
            br#"{"totalCount": 7, "links": [{"rel": "next", "href": "?pageNum=2"}]}"#,
        );
        assert_eq!(meta.total_count, Some(7));
        assert_eq!(meta.links.map(|links| links.len()), Some(1));
    }
}
