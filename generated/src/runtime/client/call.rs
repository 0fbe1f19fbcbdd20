//! One operation's call on the client: what `Client::list_flex_backups(..)` and its siblings
//! return.
//!
//! Every operation has the same `send`, and every list operation the same `stream`, `pages`
//! and `collect_all`: they live here once, generic over the request type, and each operation
//! module names its call (`pub type ListFlexBackupsCall = Call<ListFlexBackupsRequest>`) and
//! adds only the setters of its own optional parameters. A per-operation copy of these async
//! methods used to be compiled for each of Atlas's hundreds of operations whether or not a
//! program sent it; generic, they are compiled for the operations a program uses.

use super::{Client, Error, ItemStream, PageStream};
use crate::runtime::{Operation, Paginated};

/// A request bound to a client, ready to send with [`Call::send`]. Each operation names its
/// own, such as `ListFlexBackupsCall`, with setters for its optional parameters.
#[derive(Debug, Clone)]
#[must_use = "a call does nothing until it is sent"]
pub struct Call<R> {
    pub(crate) client: Client,
    pub(crate) request: R,
}

impl<R> Call<R> {
    /// A call of `request` through `client`; `Client`'s operation methods build these.
    pub fn new(client: Client, request: R) -> Self {
        Self { client, request }
    }

    /// The request as built so far.
    pub fn request(&self) -> &R {
        &self.request
    }

    /// The request, to send it another way (or through another client).
    pub fn into_request(self) -> R {
        self.request
    }
}

impl<R: Operation> Call<R> {
    /// Sends the request (retrying as the client's policy allows) and parses the answer.
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub async fn send(self) -> Result<R::Output, Error<R::ErrorBody>> {
        self.client.execute(&self.request).await
    }
}

impl<R> Call<R>
where
    R: Paginated + Send + Sync + 'static,
    R::Item: Send,
    R::Output: Send,
{
    /// Every item of every page from the starting page on, fetched lazily one page at a
    /// time. `next().await` on it needs no trait in scope.
    pub fn stream(self) -> ItemStream<R> {
        ItemStream::new(self.client, self.request)
    }

    /// Every page from the starting page on, fetched lazily one at a time, each with its
    /// items and the server's `totalCount`. `next().await` on it needs no trait in scope.
    pub fn pages(self) -> PageStream<R> {
        PageStream::new(self.client, self.request)
    }

    /// Every item of every page, collected.
    ///
    /// # Errors
    ///
    /// The first page that fails.
    pub async fn collect_all(self) -> Result<Vec<R::Item>, Error<R::ErrorBody>> {
        futures_util::TryStreamExt::try_collect(self.stream()).await
    }
}
