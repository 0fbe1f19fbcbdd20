//! Request handling: recording, routing, authentication, faults, parameter checks and the
//! bodies of the four operations.

use super::dataset::{Snapshot, SnapshotKind};
use super::http_util::{
    ApiFailure, FLEX_JSON, PLAIN_JSON, VERSIONED_JSON, bool_param, envelope_success, int_param,
    json_response, link, parse_query, query_value, query_with,
};
use super::{Endpoint, Outcome, RecordedRequest, Shared, TOKEN_PATH, auth, faults};
use http::header::{ACCEPT, AUTHORIZATION, HeaderMap};
use http::{Method, Request, StatusCode};
use hyper::body::Incoming;
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

/// A request path matched to an operation, with its path parameters percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Route {
    endpoint: Endpoint,
    group: String,
    cluster: String,
    snapshot: Option<String>,
}

/// The spec's patterns. Hand-written checks rather than regexes: they are one-liners, and the
/// server then needs no regex engine.
fn is_object_id(value: &str) -> bool {
    value.len() == 24
        && value
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn is_cluster_name(value: &str) -> bool {
    value
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Handles one request from start to finish.
pub(crate) async fn handle(shared: &Shared, request: Request<Incoming>) -> Outcome {
    let path = request.uri().path().to_owned();
    let route = match_route(&path);
    let endpoint = if path == TOKEN_PATH {
        Some(Endpoint::Token)
    } else {
        route.as_ref().map(|route| route.endpoint)
    };
    record(shared, &request, endpoint);

    if path == TOKEN_PATH {
        return auth::token_endpoint(shared, request).await;
    }
    let Some(route) = route else {
        shared.lock().stats.unknown_path_requests += 1;
        let failure = ApiFailure::not_found(format!("No resource at {path}."));
        return Outcome::Respond(failure.into_response(false));
    };
    *shared
        .lock()
        .stats
        .api_requests
        .entry(route.endpoint)
        .or_default() += 1;

    if request.method() != Method::GET {
        let failure = ApiFailure::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            format!("{} is not allowed here; use GET.", request.method()),
        );
        return Outcome::Respond(failure.into_response(false));
    }
    // Digest signs the request-target exactly as sent, so compare with that, not a decoded
    // or re-encoded form.
    let target = request
        .uri()
        .path_and_query()
        .map_or(path.as_str(), |target| target.as_str());
    if let Err(response) = auth::authenticate(shared, request.method(), target, request.headers()) {
        return Outcome::Respond(*response);
    }
    if let Some(outcome) = faults::apply(shared, route.endpoint).await {
        return outcome;
    }

    let query = parse_query(request.uri().query());
    // An unreadable `envelope` cannot be honoured, so its own error is never enveloped.
    let envelope = match bool_param(&query, "envelope", false) {
        Ok(envelope) => envelope,
        Err(failure) => return Outcome::Respond(failure.into_response(false)),
    };
    let pretty = match bool_param(&query, "pretty", false) {
        Ok(pretty) => pretty,
        Err(failure) => return Outcome::Respond(failure.into_enveloped(envelope, false)),
    };
    let answer = answer(shared, &route, &query, request.headers());
    let response = match answer {
        Ok((body, media_type)) => {
            let is_list = !matches!(
                route.endpoint,
                Endpoint::GetSharedClusterBackup | Endpoint::GetFlexBackup
            );
            let body = if envelope {
                envelope_success(body, is_list)
            } else {
                body
            };
            json_response(StatusCode::OK, &body, media_type, pretty)
        }
        Err(failure) => failure.into_enveloped(envelope, pretty),
    };
    Outcome::Respond(response)
}

/// Stores the request for [`super::AtlasServer::requests`], without credentials.
fn record(shared: &Shared, request: &Request<Incoming>, endpoint: Option<Endpoint>) {
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes());
            let value = if name == AUTHORIZATION {
                value
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            } else {
                value.into_owned()
            };
            (name.as_str().to_owned(), value)
        })
        .collect();
    let recorded = RecordedRequest {
        method: request.method().as_str().to_owned(),
        path: request.uri().path().to_owned(),
        query: request.uri().query().map(str::to_owned),
        headers,
        endpoint,
    };
    shared.lock().requests.push(recorded);
}

fn match_route(path: &str) -> Option<Route> {
    let rest = path.strip_prefix("/api/atlas/")?;
    let segments: Vec<&str> = rest.split('/').collect();
    let decode = |segment: &str| percent_decode_str(segment).decode_utf8_lossy().into_owned();
    let (endpoint, group, cluster, snapshot) = match segments.as_slice() {
        [
            "v1.0",
            "groups",
            group,
            "clusters",
            cluster,
            "backup",
            "tenant",
            "snapshots",
        ] => (Endpoint::ListSharedClusterBackups, group, cluster, None),
        [
            "v1.0",
            "groups",
            group,
            "clusters",
            cluster,
            "backup",
            "tenant",
            "snapshots",
            snapshot,
        ] => (
            Endpoint::GetSharedClusterBackup,
            group,
            cluster,
            Some(decode(snapshot)),
        ),
        [
            "v1.0",
            "groups",
            group,
            "serverless",
            cluster,
            "backup",
            "snapshots",
        ] => (Endpoint::ListServerlessBackups, group, cluster, None),
        ["v2", "groups", group, "clusters", cluster, "snapshots"] => {
            (Endpoint::ListLegacySnapshots, group, cluster, None)
        }
        [
            "v2",
            "groups",
            group,
            "flexClusters",
            name,
            "backup",
            "snapshots",
        ] => (Endpoint::ListFlexBackups, group, name, None),
        [
            "v2",
            "groups",
            group,
            "flexClusters",
            name,
            "backup",
            "snapshots",
            snapshot,
        ] => (Endpoint::GetFlexBackup, group, name, Some(decode(snapshot))),
        _ => return None,
    };
    Some(Route {
        endpoint,
        group: decode(group),
        cluster: decode(cluster),
        snapshot,
    })
}

/// The body of a successful answer and its media type, or the error to send.
fn answer(
    shared: &Shared,
    route: &Route,
    query: &[(String, String)],
    headers: &HeaderMap,
) -> Result<(Value, &'static str), ApiFailure> {
    // Content negotiation comes first in Atlas: the versioned API picks the handler from the
    // version in `Accept`, before any parameter is read.
    let versioned = match route.endpoint {
        Endpoint::ListLegacySnapshots => Some(VERSIONED_JSON),
        Endpoint::ListFlexBackups | Endpoint::GetFlexBackup => Some(FLEX_JSON),
        _ => None,
    };
    if let Some(media_type) = versioned.filter(|media_type| !accepts(headers, media_type)) {
        return Err(ApiFailure::new(
            StatusCode::NOT_ACCEPTABLE,
            "INVALID_ACCEPT_HEADER",
            format!("Invalid accept header or version date; send Accept: {media_type}."),
        ));
    }
    check_path_params(route)?;
    let dataset = &shared.config.dataset;
    let (kind, what) = match route.endpoint {
        Endpoint::ListServerlessBackups => (SnapshotKind::Serverless, "serverless instance"),
        Endpoint::ListLegacySnapshots => (SnapshotKind::Legacy, "cluster"),
        Endpoint::ListFlexBackups | Endpoint::GetFlexBackup => {
            (SnapshotKind::Tenant, "flex cluster")
        }
        _ => (SnapshotKind::Tenant, "cluster"),
    };
    let (group, cluster) = (route.group.as_str(), route.cluster.as_str());
    let lookup = || {
        dataset.snapshots(kind, group, cluster).ok_or_else(|| {
            if dataset.has_group(group) {
                ApiFailure::not_found(format!(
                    "No {what} named {cluster} exists in group {group}."
                ))
            } else {
                ApiFailure::not_found(format!("No group with ID {group} exists."))
            }
        })
    };
    let render =
        |snapshot: &Snapshot| dataset.render(kind, group, cluster, snapshot, &shared.base_url);

    match route.endpoint {
        Endpoint::GetSharedClusterBackup | Endpoint::GetFlexBackup => {
            let id = route.snapshot.as_deref().unwrap_or_default();
            let snapshots = lookup()?;
            let snapshot = snapshots
                .iter()
                .find(|snapshot| snapshot.id == id)
                .ok_or_else(|| {
                    ApiFailure::not_found(format!(
                        "No snapshot with ID {id} exists for cluster {cluster}."
                    ))
                })?;
            Ok((render(snapshot), versioned.unwrap_or(PLAIN_JSON)))
        }
        Endpoint::ListSharedClusterBackups => {
            // The spec gives this operation no paging parameters: it returns every snapshot.
            let snapshots = lookup()?;
            let results: Vec<Value> = snapshots.iter().map(render).collect();
            let mut body = json!({
                "links": [link(self_href(shared, route, query), "self")],
                "results": results,
            });
            body["totalCount"] = json!(skewed(shared, snapshots.len()));
            Ok((body, PLAIN_JSON))
        }
        Endpoint::ListServerlessBackups
        | Endpoint::ListLegacySnapshots
        | Endpoint::ListFlexBackups => {
            let paging = Paging::read(query)?;
            let complete_filter = if route.endpoint == Endpoint::ListLegacySnapshots {
                completed_filter(query)?
            } else {
                None
            };
            let snapshots = lookup()?;
            let selected: Vec<&Snapshot> = snapshots
                .iter()
                .filter(|snapshot| complete_filter.is_none_or(|want| snapshot.complete == want))
                .collect();
            let page = paging.window(selected.len());
            let results: Vec<Value> = selected[page.clone()].iter().map(|s| render(s)).collect();
            let mut links = vec![link(self_href(shared, route, query), "self")];
            if paging.page_num > 1 {
                let previous = (paging.page_num - 1).to_string();
                links.push(link(href_with(shared, route, query, &previous), "previous"));
            }
            if page.end < selected.len() {
                let next = (paging.page_num + 1).to_string();
                links.push(link(href_with(shared, route, query, &next), "next"));
            }
            let mut body = json!({"links": links, "results": results});
            if paging.include_count {
                body["totalCount"] = json!(skewed(shared, selected.len()));
            }
            Ok((body, versioned.unwrap_or(PLAIN_JSON)))
        }
        Endpoint::Token => Err(ApiFailure::not_found("No such operation.")),
    }
}

/// Checks the path parameters against the spec's patterns and lengths.
fn check_path_params(route: &Route) -> Result<(), ApiFailure> {
    if !is_object_id(&route.group) {
        return Err(ApiFailure::invalid_parameter(
            "groupId",
            &route.group,
            "must match ^([a-f0-9]{24})$",
        ));
    }
    if !is_cluster_name(&route.cluster) {
        return Err(ApiFailure::invalid_parameter(
            "clusterName",
            &route.cluster,
            "must match ^[a-zA-Z0-9][a-zA-Z0-9-]*$",
        ));
    }
    // Only the legacy operation's spec gives clusterName a maximum length.
    if route.endpoint == Endpoint::ListLegacySnapshots && route.cluster.len() > 64 {
        return Err(ApiFailure::validation_error(
            "clusterName",
            &route.cluster,
            "must be at most 64 characters long",
        ));
    }
    if let Some(snapshot) = &route.snapshot {
        if !is_object_id(snapshot) {
            return Err(ApiFailure::invalid_parameter(
                "snapshotId",
                snapshot,
                "must match ^([a-f0-9]{24})$",
            ));
        }
    }
    Ok(())
}

/// The legacy operation's `completed`: `Some(true)` (the default) keeps complete snapshots,
/// `Some(false)` incomplete ones, `None` (`all`) every one.
fn completed_filter(query: &[(String, String)]) -> Result<Option<bool>, ApiFailure> {
    match query_value(query, "completed") {
        None | Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some("all") => Ok(None),
        Some(other) => Err(ApiFailure::invalid_parameter(
            "completed",
            other,
            "must be all, true or false",
        )),
    }
}

/// The paging parameters of the list operations.
#[derive(Debug, Clone, Copy)]
struct Paging {
    page_num: i64,
    items_per_page: i64,
    include_count: bool,
}

impl Paging {
    fn read(query: &[(String, String)]) -> Result<Paging, ApiFailure> {
        Ok(Paging {
            include_count: bool_param(query, "includeCount", true)?,
            items_per_page: int_param(query, "itemsPerPage", 100, 1, 500)?,
            page_num: int_param(query, "pageNum", 1, 1, i64::from(i32::MAX))?,
        })
    }

    /// The indexes of the page among `len` items; empty past the end.
    fn window(self, len: usize) -> std::ops::Range<usize> {
        let size = usize::try_from(self.items_per_page).unwrap_or(usize::MAX);
        let page = usize::try_from(self.page_num - 1).unwrap_or(usize::MAX);
        let start = page.saturating_mul(size).min(len);
        start..start.saturating_add(size).min(len)
    }
}

/// `totalCount` as configured: the real count plus the skew, never negative.
fn skewed(shared: &Shared, count: usize) -> i64 {
    let count = i64::try_from(count).unwrap_or(i64::MAX);
    count.saturating_add(shared.config.total_count_skew).max(0)
}

fn self_href(shared: &Shared, route: &Route, query: &[(String, String)]) -> String {
    let path = route_path(route);
    if query.is_empty() {
        format!("{}{path}", shared.base_url)
    } else {
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(query)
            .finish();
        format!("{}{path}?{query}", shared.base_url)
    }
}

fn href_with(shared: &Shared, route: &Route, query: &[(String, String)], page: &str) -> String {
    let query = query_with(query, "pageNum", page);
    format!("{}{}?{query}", shared.base_url, route_path(route))
}

/// The route's path with its parameters filled in (they passed validation, so they need no
/// percent-encoding).
fn route_path(route: &Route) -> String {
    let snapshot = route.snapshot.as_deref().unwrap_or_default();
    route.endpoint.path(&route.group, &route.cluster, snapshot)
}

/// Whether `Accept` lists this versioned media type (parameters such as `q` and `charset` are
/// ignored; wildcards do not count, since the version must be named).
fn accepts(headers: &HeaderMap, wanted: &str) -> bool {
    headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|item| item.split(';').next().unwrap_or_default().trim())
        .any(|media_type| media_type.eq_ignore_ascii_case(wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_match_the_spec_templates() {
        for endpoint in Endpoint::API {
            let path = endpoint
                .template()
                .replace("{groupId}", "32b6e34b3d91647abb20e7b8")
                .replace("{clusterName}", "Cluster%2D0")
                .replace("{name}", "Cluster%2D0")
                .replace("{snapshotId}", "5f4007f327a3bd7b6f4103c5");
            let route = match_route(&path).unwrap();
            assert_eq!(route.endpoint, endpoint);
            assert_eq!(route.cluster, "Cluster-0");
            assert_eq!(route_path(&route), path.replace("%2D", "-"));
        }
        assert_eq!(
            match_route("/api/atlas/v2/groups/x/clusters/y/snapshots/"),
            None
        );
    }

    #[test]
    fn paging_windows() {
        let paging = |page_num, items_per_page| Paging {
            page_num,
            items_per_page,
            include_count: true,
        };
        assert_eq!(paging(1, 100).window(250), 0..100);
        assert_eq!(paging(3, 100).window(250), 200..250);
        assert_eq!(paging(4, 100).window(250), 250..250);
        assert_eq!(paging(i64::from(i32::MAX), 500).window(3), 3..3);
    }
}
