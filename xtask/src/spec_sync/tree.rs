//! JSON pointers (RFC 6901) into YAML trees, local `$ref`s, and small accessors.

use serde_yaml::Value;
use std::fmt;

/// A JSON pointer, kept escaped (`~0` for `~`, `~1` for `/`); the empty pointer is the root.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pointer(String);

impl Pointer {
    pub fn root() -> Self {
        Self::default()
    }

    /// The pointer one level down, through a mapping key or an array index (unescaped).
    pub fn push(&self, token: &str) -> Self {
        Self(format!("{}/{}", self.0, escape(token)))
    }

    pub fn index(&self, index: usize) -> Self {
        Self(format!("{}/{index}", self.0))
    }

    /// The pointer of a local `$ref` (`#/components/schemas/Foo`); `None` for other files.
    pub fn from_ref(reference: &str) -> Option<Self> {
        let pointer = reference.strip_prefix('#')?;
        (pointer.is_empty() || pointer.starts_with('/')).then(|| Self(pointer.to_owned()))
    }

    /// The unescaped tokens, root first.
    pub fn tokens(&self) -> Vec<String> {
        if self.0.is_empty() {
            return Vec::new();
        }
        self.0[1..].split('/').map(unescape).collect()
    }

    pub fn get<'a>(&self, root: &'a Value) -> Option<&'a Value> {
        self.tokens()
            .iter()
            .try_fold(root, |node, token| match node {
                Value::Sequence(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                Value::Mapping(_) => field(node, token),
                _ => None,
            })
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// A mapping key as text: YAML allows `200:` (a number) where JSON would have `"200"`.
pub fn key_text(key: &Value) -> Option<String> {
    match key {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// The entries of a mapping with text keys, in document order; empty for anything else.
pub fn entries(value: &Value) -> Vec<(String, &Value)> {
    match value {
        Value::Mapping(map) => map
            .iter()
            .filter_map(|(key, value)| Some((key_text(key)?, value)))
            .collect(),
        _ => Vec::new(),
    }
}

pub fn field<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    match value {
        Value::Mapping(map) => map
            .iter()
            .find(|(key, _)| key_text(key).as_deref() == Some(name))
            .map(|(_, value)| value),
        _ => None,
    }
}

pub fn str_field<'a>(value: &'a Value, name: &str) -> Option<&'a str> {
    field(value, name).and_then(Value::as_str)
}

/// The target of a `$ref` node, following chains of `$ref`s; the node itself when it is not a
/// reference. Errors name the reference that cannot be followed.
pub fn deref<'a>(
    document: &'a Value,
    pointer: Pointer,
    node: &'a Value,
) -> Result<(Pointer, &'a Value), String> {
    let (mut pointer, mut node) = (pointer, node);
    let mut seen = Vec::new();
    while let Some(reference) = str_field(node, "$ref") {
        let target = Pointer::from_ref(reference)
            .ok_or_else(|| format!("{pointer}: $ref {reference:?} leaves the document"))?;
        if seen.contains(&target) {
            return Err(format!("{pointer}: $ref {reference:?} refers to itself"));
        }
        node = target
            .get(document)
            .ok_or_else(|| format!("{pointer}: $ref {reference:?} points at nothing"))?;
        seen.push(target.clone());
        pointer = target;
    }
    Ok((pointer, node))
}

/// A scalar or small tree as one line, for reports: JSON, which is also valid YAML.
pub fn show(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| format!("{value:?}"))
}

/// The HTTP methods an OpenAPI path item can hold, in the order reports list them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of a document.
#[derive(Debug, Clone)]
pub struct Operation<'a> {
    pub id: String,
    pub path: String,
    pub method: &'static str,
    pub pointer: Pointer,
    pub path_item: &'a Value,
    pub value: &'a Value,
}

/// Every operation with an `operationId`, in document order.
pub fn operations(document: &Value) -> Vec<Operation<'_>> {
    let paths = Pointer::root().push("paths");
    let Some(items) = field(document, "paths") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (path, item) in entries(items) {
        for method in METHODS {
            let Some(value) = field(item, method) else {
                continue;
            };
            if let Some(id) = str_field(value, "operationId") {
                found.push(Operation {
                    id: id.to_owned(),
                    path: path.clone(),
                    method,
                    pointer: paths.push(&path).push(method),
                    path_item: item,
                    value,
                });
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_and_resolve() {
        let document: Value =
            serde_yaml::from_str("paths:\n  /a~b:\n    get: {x: [1, 2]}\n").unwrap_or_default();
        let pointer = Pointer::root().push("paths").push("/a~b").push("get");
        assert_eq!(pointer.to_string(), "#/paths/~1a~0b/get");
        assert_eq!(pointer.tokens(), ["paths", "/a~b", "get"]);
        let second = pointer.push("x").index(1);
        assert_eq!(second.get(&document), Some(&Value::from(2)));
        assert_eq!(
            Pointer::from_ref("#/paths/~1a~0b/get"),
            Some(pointer.clone())
        );
        assert_eq!(Pointer::from_ref("other.yaml#/a"), None);
    }

    #[test]
    fn ref_loops_are_errors() {
        let document: Value =
            serde_yaml::from_str("a: {$ref: '#/b'}\nb: {$ref: '#/a'}\n").unwrap_or_default();
        let start = Pointer::root().push("a");
        let node = start.get(&document).unwrap_or(&Value::Null);
        let error = deref(&document, start, node).err().unwrap_or_default();
        assert!(error.contains("refers to itself"), "{error}");
    }
}
