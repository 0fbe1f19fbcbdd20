//! Building responses: JSON bodies, Atlas `ApiError` bodies and the `envelope=true` wrapping.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Response, StatusCode};
use http_body_util::Full;
use serde_json::{Value, json};

/// The media type of the versioned (v2) API that the legacy-snapshots operation requires.
pub(crate) const VERSIONED_JSON: &str = "application/vnd.atlas.2023-01-01+json";
/// The media type of the flex operations.
pub(crate) const FLEX_JSON: &str = "application/vnd.atlas.2024-11-13+json";
/// The media type of the unversioned (v1.0) API and of error bodies.
pub(crate) const PLAIN_JSON: &str = "application/json";

/// An error the handler answers with: an HTTP status and an Atlas `ApiError` body.
#[derive(Debug, Clone)]
pub(crate) struct ApiFailure {
    pub(crate) status: StatusCode,
    pub(crate) body: Value,
}

impl ApiFailure {
    /// An `ApiError` body with the fields Atlas always fills: `error`, `errorCode`, `detail`,
    /// `reason` (the status's reason phrase) and `parameters`.
    pub(crate) fn new(status: StatusCode, error_code: &str, detail: impl Into<String>) -> Self {
        let body = json!({
            "error": status.as_u16(),
            "errorCode": error_code,
            "detail": detail.into(),
            "reason": status.canonical_reason().unwrap_or("Error"),
            "parameters": [],
        });
        ApiFailure { status, body }
    }

    /// Sets the `parameters` array (Atlas puts the offending names and values there).
    pub(crate) fn with_parameters(mut self, parameters: Vec<Value>) -> Self {
        self.body["parameters"] = Value::Array(parameters);
        self
    }

    /// Adds `badRequestDetail.fields` with one field violation.
    pub(crate) fn with_field_violation(mut self, field: &str, description: &str) -> Self {
        self.body["badRequestDetail"] = json!({
            "fields": [{"field": field, "description": description}],
        });
        self
    }

    /// A 400 for a value that cannot be read at all (not a number, wrong pattern).
    pub(crate) fn invalid_parameter(name: &str, value: &str, why: &str) -> Self {
        ApiFailure::new(
            StatusCode::BAD_REQUEST,
            "INVALID_PARAMETER",
            format!("Invalid value {value:?} for parameter {name}: {why}."),
        )
        .with_parameters(vec![json!(name), json!(value)])
    }

    /// A 400 for a well-formed value that breaks a rule (a range).
    pub(crate) fn validation_error(name: &str, value: &str, rule: &str) -> Self {
        ApiFailure::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            format!("Parameter {name} {rule}; got {value}."),
        )
        .with_parameters(vec![json!(name), json!(value)])
        .with_field_violation(name, rule)
    }

    /// A 404 for a group, cluster, instance or snapshot that does not exist.
    pub(crate) fn not_found(detail: impl Into<String>) -> Self {
        ApiFailure::new(StatusCode::NOT_FOUND, "RESOURCE_NOT_FOUND", detail)
    }

    /// The plain (not enveloped) response.
    pub(crate) fn into_response(self, pretty: bool) -> Response<Full<Bytes>> {
        json_response(self.status, &self.body, PLAIN_JSON, pretty)
    }

    /// The response as `envelope` asks: with an envelope, Atlas answers 200 and moves the real
    /// status into the body, for clients that cannot read status codes.
    pub(crate) fn into_enveloped(self, envelope: bool, pretty: bool) -> Response<Full<Bytes>> {
        if envelope {
            let body = json!({"status": self.status.as_u16(), "content": self.body});
            json_response(StatusCode::OK, &body, PLAIN_JSON, pretty)
        } else {
            self.into_response(pretty)
        }
    }
}

/// Wraps a successful body as `envelope=true` asks: lists (objects with `results`) get a
/// `status` field beside the results, anything else becomes `{"status", "content"}`.
pub(crate) fn envelope_success(body: Value, is_list: bool) -> Value {
    match body {
        Value::Object(mut fields) if is_list => {
            fields.insert("status".to_owned(), json!(200));
            Value::Object(fields)
        }
        other => json!({"status": 200, "content": other}),
    }
}

/// A JSON response with the given media type.
pub(crate) fn json_response(
    status: StatusCode,
    body: &Value,
    media_type: &'static str,
    pretty: bool,
) -> Response<Full<Bytes>> {
    // Serializing a `Value` cannot fail (its map keys are always strings).
    let bytes = if pretty {
        serde_json::to_vec_pretty(body)
    } else {
        serde_json::to_vec(body)
    }
    .unwrap_or_default();
    raw_response(status, bytes, media_type)
}

/// A response with a body sent as is.
pub(crate) fn raw_response(
    status: StatusCode,
    body: impl Into<Bytes>,
    media_type: &'static str,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(media_type));
    response
}

/// The query string as name/value pairs, percent-decoded, in order.
pub(crate) fn parse_query(query: Option<&str>) -> Vec<(String, String)> {
    query
        .map(|query| {
            form_urlencoded::parse(query.as_bytes())
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The first value of a query parameter. Names are case-sensitive, as in Atlas.
pub(crate) fn query_value<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// A boolean query parameter; Atlas reads `true`/`false` case-insensitively.
pub(crate) fn bool_param(
    query: &[(String, String)],
    name: &str,
    default: bool,
) -> Result<bool, ApiFailure> {
    match query_value(query, name) {
        None => Ok(default),
        Some(value) if value.eq_ignore_ascii_case("true") => Ok(true),
        Some(value) if value.eq_ignore_ascii_case("false") => Ok(false),
        Some(value) => Err(ApiFailure::invalid_parameter(
            name,
            value,
            "must be true or false",
        )),
    }
}

/// An integer query parameter that must lie in `min..=max`.
pub(crate) fn int_param(
    query: &[(String, String)],
    name: &str,
    default: i64,
    min: i64,
    max: i64,
) -> Result<i64, ApiFailure> {
    let Some(value) = query_value(query, name) else {
        return Ok(default);
    };
    let number: i64 = value
        .parse()
        .map_err(|_| ApiFailure::invalid_parameter(name, value, "must be an integer"))?;
    if (min..=max).contains(&number) {
        Ok(number)
    } else if max == i64::from(i32::MAX) {
        Err(ApiFailure::validation_error(
            name,
            value,
            &format!("must be at least {min}"),
        ))
    } else {
        Err(ApiFailure::validation_error(
            name,
            value,
            &format!("must be between {min} and {max}"),
        ))
    }
}

/// The query string re-encoded with one parameter set to a new value (for `next` and
/// `previous` links).
pub(crate) fn query_with(query: &[(String, String)], name: &str, value: &str) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    let mut replaced = false;
    for (key, current) in query {
        if key == name {
            if !replaced {
                serializer.append_pair(key, value);
                replaced = true;
            }
        } else {
            serializer.append_pair(key, current);
        }
    }
    if !replaced {
        serializer.append_pair(name, value);
    }
    serializer.finish()
}

/// A `links` array entry.
pub(crate) fn link(href: String, rel: &str) -> Value {
    json!({"href": href, "rel": rel})
}
