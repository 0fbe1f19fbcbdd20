//! `cargo xtask spec drift`: compare each of our operations with the official one of the same
//! `operationId` (or, once renamed, of the same method and path: see `pair_operations`),
//! recursively through `$ref`s, and list every difference with its pointer on both sides.

use super::report::{Class, Difference};
use super::tree::{Operation, Pointer, deref, entries, field, operations, show, str_field};
use serde_yaml::Value;
use std::collections::{BTreeMap, HashSet};

/// Schema keywords compared one by one: constraints, shape and the flags that change the
/// generated code. Documentation (`description`, `example`, ...) is not drift, and neither are
/// `readOnly`/`writeOnly`: the official spec marks every response field read-only, which
/// only says which side may leave a field out, and would bury the report.
const SCHEMA_KEYWORDS: [&str; 15] = [
    "type",
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "default",
    "nullable",
    "deprecated",
];

/// Everything `spec drift` found.
#[derive(Debug, Clone, Default)]
pub struct Drift {
    /// Our operations that the official spec also has.
    pub compared: usize,
    /// Our operations that the official spec does not have.
    pub missing_upstream: usize,
    pub differences: Vec<Difference>,
    /// `$ref`s that could not be followed, on either side.
    pub problems: Vec<String>,
}

type Key = (Pointer, Pointer, String, String);

/// Compares every operation of `ours` with `theirs`.
pub fn drift(ours: &Value, theirs: &Value) -> Drift {
    let official = operations(theirs);
    let mut found: BTreeMap<Key, Difference> = BTreeMap::new();
    let mut drift = Drift::default();
    let ours_operations = operations(ours);
    let pairs = pair_operations(&ours_operations, &official);
    for (op, paired) in ours_operations.iter().zip(pairs) {
        let mut comparer = Comparer {
            ours,
            theirs,
            official_ids: official.iter().map(|o| o.id.as_str()).collect(),
            operation_id: op.id.clone(),
            visited: HashSet::new(),
            found: &mut found,
            problems: &mut drift.problems,
        };
        let Some(other) = paired.map(|index| &official[index]) else {
            drift.missing_upstream += 1;
            comparer.record(
                Class::UpstreamRemoved,
                "operation",
                format!(
                    "operation `{}` ({} {})",
                    op.id,
                    op.method.to_uppercase(),
                    op.path
                ),
                op.pointer.clone(),
                Pointer::root().push("paths"),
            );
            continue;
        };
        drift.compared += 1;
        if other.id != op.id {
            comparer.record(
                Class::WeDiffer,
                "operationId",
                format!("operationId ours `{}`, official `{}`", op.id, other.id),
                op.pointer.push("operationId"),
                other.pointer.push("operationId"),
            );
        }
        comparer.operation(op, other);
    }
    drift.differences = found.into_values().collect();
    drift.problems.sort();
    drift.problems.dedup();
    drift
}

/// Whether an official operation (second) is the counterpart of one of ours (first).
type OperationMatch = dyn Fn(&Operation<'_>, &Operation<'_>) -> bool;

/// The official operation each of ours is compared with, by index, each official one taken
/// at most once: the same `operationId` on the same method and path first; then the same
/// method and path under another name (Atlas renames operations: August 2026 gave most of them
/// shorter names, and a name may pass to another operation); then the same `operationId`
/// elsewhere (an operation that moved, as from `/api/atlas/v1.0` to `/api/atlas/v2`).
fn pair_operations(ours: &[Operation<'_>], official: &[Operation<'_>]) -> Vec<Option<usize>> {
    let mut pairs: Vec<Option<usize>> = vec![None; ours.len()];
    let mut taken = vec![false; official.len()];
    let passes: [&OperationMatch; 3] = [
        &|a, b| a.id == b.id && same_place(a, b),
        &same_place,
        &|a, b| a.id == b.id,
    ];
    for matches in passes {
        for (op, pair) in ours.iter().zip(pairs.iter_mut()) {
            if pair.is_some() {
                continue;
            }
            let found =
                (0..official.len()).find(|&index| !taken[index] && matches(op, &official[index]));
            if let Some(index) = found {
                taken[index] = true;
                *pair = Some(index);
            }
        }
    }
    pairs
}

fn same_place(a: &Operation<'_>, b: &Operation<'_>) -> bool {
    a.method == b.method && a.path == b.path
}

struct Comparer<'a> {
    ours: &'a Value,
    theirs: &'a Value,
    official_ids: HashSet<&'a str>,
    operation_id: String,
    /// Pairs of schemas already compared for this operation: recursion ends on cycles.
    visited: HashSet<(Pointer, Pointer)>,
    found: &'a mut BTreeMap<Key, Difference>,
    problems: &'a mut Vec<String>,
}

/// One side of a comparison: where it is and what is there.
type Side<'v> = (Pointer, &'v Value);

impl<'a> Comparer<'a> {
    fn record(
        &mut self,
        class: Class,
        kind: &str,
        message: String,
        ours: Pointer,
        official: Pointer,
    ) {
        let key = (
            ours.clone(),
            official.clone(),
            kind.to_owned(),
            message.clone(),
        );
        let entry = self.found.entry(key).or_insert_with(|| Difference {
            class,
            kind: kind.to_owned(),
            message,
            ours,
            official,
            operations: Vec::new(),
        });
        if !entry.operations.contains(&self.operation_id) {
            entry.operations.push(self.operation_id.clone());
        }
    }

    /// A keyword that is a single value: present on one side only, or different.
    fn keyword(
        &mut self,
        ours: &Side<'_>,
        theirs: &Side<'_>,
        keyword: &str,
        kind: &str,
        what: &str,
    ) {
        let (a, b) = (field(ours.1, keyword), field(theirs.1, keyword));
        let (our_at, their_at) = (ours.0.push(keyword), theirs.0.push(keyword));
        match (a, b) {
            (None, None) => {}
            (None, Some(b)) => self.record(
                Class::WeLack,
                kind,
                format!("{what}: `{keyword}: {}`", show(b)),
                our_at,
                their_at,
            ),
            (Some(a), None) => self.record(
                Class::UpstreamRemoved,
                kind,
                format!("{what}: `{keyword}: {}`", show(a)),
                our_at,
                their_at,
            ),
            (Some(a), Some(b)) if !same(a, b) => self.record(
                Class::WeDiffer,
                kind,
                format!("{what}: `{keyword}` ours {}, official {}", show(a), show(b)),
                our_at,
                their_at,
            ),
            _ => {}
        }
    }

    fn resolve<'v>(&mut self, document: &'v Value, side: Side<'v>) -> Option<Side<'v>> {
        match deref(document, side.0, side.1) {
            Ok(resolved) => Some(resolved),
            Err(problem) => {
                let whose = if std::ptr::eq(document, self.ours) {
                    "ours"
                } else {
                    "official"
                };
                self.problems.push(format!("{whose} {problem}"));
                None
            }
        }
    }

    fn operation(&mut self, ours: &Operation<'_>, theirs: &Operation<'_>) {
        let (o, t) = (
            (ours.pointer.clone(), ours.value),
            (theirs.pointer.clone(), theirs.value),
        );
        if ours.path != theirs.path {
            self.record(
                Class::WeDiffer,
                "path",
                format!("path ours `{}`, official `{}`", ours.path, theirs.path),
                ours.pointer.clone(),
                theirs.pointer.clone(),
            );
        }
        if ours.method != theirs.method {
            self.record(
                Class::WeDiffer,
                "method",
                format!("method ours {}, official {}", ours.method, theirs.method),
                ours.pointer.clone(),
                theirs.pointer.clone(),
            );
        }
        let flag =
            |value: &Value| field(value, "deprecated").and_then(Value::as_bool) == Some(true);
        match (flag(ours.value), flag(theirs.value)) {
            (false, true) => self.record(
                Class::WeLack,
                "deprecated",
                "`deprecated: true`".to_owned(),
                ours.pointer.push("deprecated"),
                theirs.pointer.push("deprecated"),
            ),
            (true, false) => self.record(
                Class::UpstreamRemoved,
                "deprecated",
                "`deprecated: true`".to_owned(),
                ours.pointer.push("deprecated"),
                theirs.pointer.push("deprecated"),
            ),
            _ => {}
        }
        self.keyword(&o, &t, "x-sunset", "sunset", "operation");
        self.replacement(ours, theirs);
        self.parameters(ours, theirs);
        self.request_body(&o, &t);
        self.responses(&o, &t);
    }

    /// Ours says `x-replaced-by: {operationId}`; the official spec names the replacement in
    /// `x-replaced-by` too, or links it from `externalDocs` (`.../operation/listFlexBackups`).
    fn replacement(&mut self, ours: &Operation<'_>, theirs: &Operation<'_>) {
        let our_id = field(ours.value, "x-replaced-by").and_then(|r| str_field(r, "operationId"));
        let our_at = ours.pointer.push("x-replaced-by").push("operationId");
        let (their_id, their_at) =
            match field(theirs.value, "x-replaced-by").and_then(|r| str_field(r, "operationId")) {
                Some(id) => (
                    Some(id.to_owned()),
                    theirs.pointer.push("x-replaced-by").push("operationId"),
                ),
                None => (
                    field(theirs.value, "externalDocs")
                        .and_then(|docs| str_field(docs, "url"))
                        .and_then(|url| {
                            url.rsplit("/operation/")
                                .next()
                                .filter(|_| url.contains("/operation/"))
                        })
                        .map(|id| id.split(['#', '?']).next().unwrap_or(id).to_owned())
                        .filter(|id| *id != theirs.id && self.official_ids.contains(id.as_str())),
                    theirs.pointer.push("externalDocs").push("url"),
                ),
            };
        match (our_id, their_id.as_deref()) {
            (None, Some(b)) => self.record(
                Class::WeLack,
                "replacement",
                format!("replaced by `{b}`"),
                our_at,
                their_at,
            ),
            (Some(a), None) => self.record(
                Class::UpstreamRemoved,
                "replacement",
                format!("replaced by `{a}`"),
                our_at,
                their_at,
            ),
            (Some(a), Some(b)) if a != b => self.record(
                Class::WeDiffer,
                "replacement",
                format!("replaced by ours `{a}`, official `{b}`"),
                our_at,
                their_at,
            ),
            _ => {}
        }
    }

    /// The effective parameters of an operation: the path item's, overridden by the
    /// operation's own, keyed by `(in, name)`, each resolved.
    fn effective_parameters<'v>(
        &mut self,
        document: &'v Value,
        op: &Operation<'v>,
    ) -> Vec<((String, String), Side<'v>)> {
        let path_item = op.pointer.tokens();
        let item_at = Pointer::root().push("paths").push(&path_item[1]);
        let mut found: Vec<((String, String), Side<'v>)> = Vec::new();
        for (at, owner) in [(item_at, op.path_item), (op.pointer.clone(), op.value)] {
            let Some(Value::Sequence(list)) = field(owner, "parameters") else {
                continue;
            };
            for (index, entry) in list.iter().enumerate() {
                let Some(side) =
                    self.resolve(document, (at.push("parameters").index(index), entry))
                else {
                    continue;
                };
                let key = (
                    str_field(side.1, "in").unwrap_or_default().to_owned(),
                    str_field(side.1, "name").unwrap_or_default().to_owned(),
                );
                found.retain(|(existing, _)| *existing != key);
                found.push((key, side));
            }
        }
        found
    }

    fn parameters(&mut self, ours: &Operation<'_>, theirs: &Operation<'_>) {
        let our_list = self.effective_parameters(self.ours, ours);
        let their_list = self.effective_parameters(self.theirs, theirs);
        for ((location, name), our) in &our_list {
            let what = format!("{location} parameter `{name}`");
            let Some((_, their)) = their_list
                .iter()
                .find(|(key, _)| *key == (location.clone(), name.clone()))
            else {
                self.record(
                    Class::UpstreamRemoved,
                    "parameter",
                    what,
                    our.0.clone(),
                    theirs.pointer.push("parameters"),
                );
                continue;
            };
            let required = |side: &Side<'_>| {
                location == "path"
                    || field(side.1, "required").and_then(Value::as_bool) == Some(true)
            };
            if required(our) != required(their) {
                self.record(
                    Class::WeDiffer,
                    "required",
                    format!(
                        "{what}: `required` ours {}, official {}",
                        required(our),
                        required(their)
                    ),
                    our.0.push("required"),
                    their.0.push("required"),
                );
            }
            self.keyword(our, their, "deprecated", "deprecated", &what);
            match (field(our.1, "schema"), field(their.1, "schema")) {
                (Some(a), Some(b)) => self.schema(
                    (our.0.push("schema"), a),
                    (their.0.push("schema"), b),
                    &what,
                ),
                (a, b) => self.presence(
                    a.is_some(),
                    b.is_some(),
                    "schema",
                    format!("{what}: schema"),
                    our.0.push("schema"),
                    their.0.push("schema"),
                ),
            }
        }
        for ((location, name), their) in &their_list {
            if !our_list
                .iter()
                .any(|(key, _)| *key == (location.clone(), name.clone()))
            {
                self.record(
                    Class::WeLack,
                    "parameter",
                    format!("{location} parameter `{name}`"),
                    ours.pointer.push("parameters"),
                    their.0.clone(),
                );
            }
        }
    }

    /// Something present on one side only (nothing when both or neither have it).
    fn presence(
        &mut self,
        ours: bool,
        theirs: bool,
        kind: &str,
        what: String,
        our_at: Pointer,
        their_at: Pointer,
    ) {
        match (ours, theirs) {
            (false, true) => self.record(Class::WeLack, kind, what, our_at, their_at),
            (true, false) => self.record(Class::UpstreamRemoved, kind, what, our_at, their_at),
            _ => {}
        }
    }

    fn request_body(&mut self, ours: &Side<'_>, theirs: &Side<'_>) {
        let (a, b) = (field(ours.1, "requestBody"), field(theirs.1, "requestBody"));
        let (our_at, their_at) = (ours.0.push("requestBody"), theirs.0.push("requestBody"));
        let (Some(a), Some(b)) = (a, b) else {
            self.presence(
                a.is_some(),
                b.is_some(),
                "requestBody",
                "request body".to_owned(),
                our_at,
                their_at,
            );
            return;
        };
        let (Some(our), Some(their)) = (
            self.resolve(self.ours, (our_at, a)),
            self.resolve(self.theirs, (their_at, b)),
        ) else {
            return;
        };
        self.keyword(&our, &their, "required", "required", "request body");
        self.content(&our, &their, "request body");
    }

    fn responses(&mut self, ours: &Side<'_>, theirs: &Side<'_>) {
        let empty = Value::Null;
        let our_map = field(ours.1, "responses").unwrap_or(&empty);
        let their_map = field(theirs.1, "responses").unwrap_or(&empty);
        let (our_at, their_at) = (ours.0.push("responses"), theirs.0.push("responses"));
        for (status, a) in entries(our_map) {
            let what = format!("response {status}");
            match field(their_map, &status) {
                None => self.record(
                    Class::UpstreamRemoved,
                    "response",
                    what,
                    our_at.push(&status),
                    their_at.clone(),
                ),
                Some(b) => {
                    let resolved = (
                        self.resolve(self.ours, (our_at.push(&status), a)),
                        self.resolve(self.theirs, (their_at.push(&status), b)),
                    );
                    if let (Some(our), Some(their)) = resolved {
                        self.content(&our, &their, &what);
                    }
                }
            }
        }
        for (status, _) in entries(their_map) {
            if field(our_map, &status).is_none() {
                self.record(
                    Class::WeLack,
                    "response",
                    format!("response {status}"),
                    our_at.clone(),
                    their_at.push(&status),
                );
            }
        }
    }

    /// Media types of a body: the same ones are compared schema by schema; of the others,
    /// ours and theirs are paired newest with newest (a version change), and what is left is
    /// missing on one side.
    fn content(&mut self, ours: &Side<'_>, theirs: &Side<'_>, what: &str) {
        let empty = Value::Null;
        let a = field(ours.1, "content").unwrap_or(&empty);
        let b = field(theirs.1, "content").unwrap_or(&empty);
        let (our_at, their_at) = (ours.0.push("content"), theirs.0.push("content"));
        let mut pairs = Vec::new();
        let mut our_rest: Vec<String> = Vec::new();
        for (media, _) in entries(a) {
            if field(b, &media).is_some() {
                pairs.push((media.clone(), media));
            } else {
                our_rest.push(media);
            }
        }
        let mut their_rest: Vec<String> = entries(b)
            .into_iter()
            .map(|(m, _)| m)
            .filter(|m| field(a, m).is_none())
            .collect();
        our_rest.sort();
        their_rest.sort();
        while let (Some(mine), Some(other)) = (our_rest.last(), their_rest.last()) {
            self.record(
                Class::WeDiffer,
                "mediaType",
                format!("{what}: media type ours `{mine}`, official `{other}`"),
                our_at.push(mine),
                their_at.push(other),
            );
            pairs.push((mine.clone(), other.clone()));
            our_rest.pop();
            their_rest.pop();
        }
        for media in our_rest {
            self.record(
                Class::UpstreamRemoved,
                "mediaType",
                format!("{what}: media type `{media}`"),
                our_at.push(&media),
                their_at.clone(),
            );
        }
        for media in their_rest {
            self.record(
                Class::WeLack,
                "mediaType",
                format!("{what}: media type `{media}`"),
                our_at.clone(),
                their_at.push(&media),
            );
        }
        for (mine, other) in pairs {
            let (m, t) = (
                field(a, &mine).unwrap_or(&empty),
                field(b, &other).unwrap_or(&empty),
            );
            let (m_at, t_at) = (
                our_at.push(&mine).push("schema"),
                their_at.push(&other).push("schema"),
            );
            match (field(m, "schema"), field(t, "schema")) {
                (Some(x), Some(y)) => self.schema((m_at, x), (t_at, y), &format!("{what} body")),
                (x, y) => self.presence(
                    x.is_some(),
                    y.is_some(),
                    "schema",
                    format!("{what}: body schema"),
                    m_at,
                    t_at,
                ),
            }
        }
    }

    fn schema(&mut self, ours: Side<'_>, theirs: Side<'_>, what: &str) {
        let (Some(our), Some(their)) = (
            self.resolve(self.ours, ours),
            self.resolve(self.theirs, theirs),
        ) else {
            return;
        };
        if !self.visited.insert((our.0.clone(), their.0.clone())) {
            return;
        }
        // A named schema is reported under its name: where the maintainer edits it.
        let what = match our.0.tokens().as_slice() {
            [components, schemas, name] if components == "components" && schemas == "schemas" => {
                name.clone()
            }
            _ => what.to_owned(),
        };
        for keyword in SCHEMA_KEYWORDS {
            self.keyword(&our, &their, keyword, keyword, &what);
        }
        self.enum_values(&our, &their, &what);
        self.properties(&our, &their, &what);
        self.required_properties(&our, &their, &what);
        for (keyword, suffix) in [("items", "[]"), ("additionalProperties", ".*")] {
            match (field(our.1, keyword), field(their.1, keyword)) {
                (Some(a @ Value::Mapping(_)), Some(b @ Value::Mapping(_))) => {
                    self.schema(
                        (our.0.push(keyword), a),
                        (their.0.push(keyword), b),
                        &format!("{what}{suffix}"),
                    );
                }
                _ => self.keyword(&our, &their, keyword, keyword, &what),
            }
        }
        for keyword in ["allOf", "oneOf", "anyOf"] {
            match (field(our.1, keyword), field(their.1, keyword)) {
                (Some(Value::Sequence(a)), Some(Value::Sequence(b))) => {
                    for (index, (x, y)) in a.iter().zip(b).enumerate() {
                        self.schema(
                            (our.0.push(keyword).index(index), x),
                            (their.0.push(keyword).index(index), y),
                            &format!("{what} {keyword}[{index}]"),
                        );
                    }
                    if a.len() != b.len() {
                        self.record(
                            Class::WeDiffer,
                            keyword,
                            format!(
                                "{what}: `{keyword}` has {} members, official {}",
                                a.len(),
                                b.len()
                            ),
                            our.0.push(keyword),
                            their.0.push(keyword),
                        );
                    }
                }
                (a, b) => self.presence(
                    a.is_some(),
                    b.is_some(),
                    keyword,
                    format!("{what}: `{keyword}`"),
                    our.0.push(keyword),
                    their.0.push(keyword),
                ),
            }
        }
        self.keyword(&our, &their, "discriminator", "discriminator", &what);
    }

    fn enum_values(&mut self, ours: &Side<'_>, theirs: &Side<'_>, what: &str) {
        let values = |side: &Side<'_>| -> Vec<String> {
            match field(side.1, "enum") {
                Some(Value::Sequence(items)) => items.iter().map(show).collect(),
                _ => Vec::new(),
            }
        };
        let (a, b) = (values(ours), values(theirs));
        let (our_at, their_at) = (ours.0.push("enum"), theirs.0.push("enum"));
        for (index, value) in a.iter().enumerate() {
            if !b.contains(value) {
                self.record(
                    Class::UpstreamRemoved,
                    "enum",
                    format!("{what}: enum value {value}"),
                    our_at.index(index),
                    their_at.clone(),
                );
            }
        }
        for (index, value) in b.iter().enumerate() {
            if !a.contains(value) {
                self.record(
                    Class::WeLack,
                    "enum",
                    format!("{what}: enum value {value}"),
                    our_at.clone(),
                    their_at.index(index),
                );
            }
        }
    }

    fn properties(&mut self, ours: &Side<'_>, theirs: &Side<'_>, what: &str) {
        let empty = Value::Null;
        let a = field(ours.1, "properties").unwrap_or(&empty);
        let b = field(theirs.1, "properties").unwrap_or(&empty);
        let (our_at, their_at) = (ours.0.push("properties"), theirs.0.push("properties"));
        for (name, x) in entries(a) {
            match field(b, &name) {
                Some(y) => self.schema(
                    (our_at.push(&name), x),
                    (their_at.push(&name), y),
                    &format!("{what}.{name}"),
                ),
                None => self.record(
                    Class::UpstreamRemoved,
                    "property",
                    format!("{what}: property `{name}`"),
                    our_at.push(&name),
                    their_at.push(&name),
                ),
            }
        }
        for (name, _) in entries(b) {
            if field(a, &name).is_none() {
                self.record(
                    Class::WeLack,
                    "property",
                    format!("{what}: property `{name}`"),
                    our_at.push(&name),
                    their_at.push(&name),
                );
            }
        }
    }

    fn required_properties(&mut self, ours: &Side<'_>, theirs: &Side<'_>, what: &str) {
        let names = |side: &Side<'_>| -> Vec<String> {
            match field(side.1, "required") {
                Some(Value::Sequence(items)) => items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let (a, b) = (names(ours), names(theirs));
        let (our_at, their_at) = (ours.0.push("required"), theirs.0.push("required"));
        for (index, name) in a.iter().enumerate() {
            if !b.contains(name) {
                self.record(
                    Class::UpstreamRemoved,
                    "required",
                    format!("{what}: `{name}` required"),
                    our_at.index(index),
                    their_at.clone(),
                );
            }
        }
        for (index, name) in b.iter().enumerate() {
            if !a.contains(name) {
                self.record(
                    Class::WeLack,
                    "required",
                    format!("{what}: `{name}` required"),
                    our_at.clone(),
                    their_at.index(index),
                );
            }
        }
    }
}

/// Equal values; numbers by value (`1199145600` and `1199145600.0` are the same minimum).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}
