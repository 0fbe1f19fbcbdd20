//! The typed intermediate representation between the spec and the emitted code.
//!
//! Types live in an arena (`TypeSpace`) and refer to each other by `TypeId`, never by name, so
//! recursive schemas need no special casing. Every item keeps both its wire name and its Rust
//! name; emitters never derive names themselves.

use crate::diagnostics::JsonPointer;
use crate::path_template::PathTemplate;
use std::sync::OnceLock;

/// The whole API, ready to emit.
#[derive(Debug, Clone)]
pub struct Api {
    pub title: String,
    pub description: Option<String>,
    pub version: String,
    /// The first server URL of the spec, the client's default base URL.
    pub default_base_url: Option<String>,
    pub types: TypeSpace,
    /// Sorted by operationId.
    pub operations: Vec<Operation>,
    pub security_schemes: Vec<SecurityScheme>,
    /// One Cargo feature per tag that some operation carries, sorted by feature name.
    pub tag_features: Vec<TagFeature>,
    /// Whether some model is reached by no operation: those compile under
    /// [`UNREFERENCED_MODELS_FEATURE`] only, so that a crate built for a few tags skips them.
    pub has_unreferenced_models: bool,
    /// Every distinct set of parameter rules, once, however many operations check it.
    pub parameter_rules: Vec<SharedRules>,
    /// Every media type an operation asks for in `Accept`, once, sorted by constant name.
    pub accept_media_types: Vec<AcceptMediaType>,
    /// Unversioned names for models that Atlas versions by date, sorted by name.
    pub version_aliases: Vec<VersionAlias>,
}

/// The Cargo feature of the models that no operation reaches.
pub const UNREFERENCED_MODELS_FEATURE: &str = "unreferenced-models";

/// The Cargo feature that turns on every tag's feature and the unreferenced models.
pub const FULL_FEATURE: &str = "full";

/// A Cargo feature that compiles the operations of one tag and the models they reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFeature {
    /// The feature name, e.g. `cloud-backups`.
    pub name: String,
    /// The tag as the spec spells it, e.g. `Cloud Backups`.
    pub tag: String,
    /// The tag's description from the spec's top-level `tags`, if it has one.
    pub description: Option<String>,
    /// How many operations carry the tag.
    pub operation_count: usize,
}

/// The Cargo features under which an item compiles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Gate {
    /// Whatever features are on: an operation without tags, or a model one reaches.
    #[default]
    Always,
    /// When any of these features is on; sorted, never empty.
    AnyOf(Vec<String>),
}

impl Gate {
    /// Whether `feature` is one of the features the item waits for (never for `Always`).
    pub fn is_opened_by(&self, feature: &str) -> bool {
        match self {
            Gate::Always => false,
            Gate::AnyOf(features) => features.iter().any(|name| name == feature),
        }
    }
}

/// The rules of parameters that have the same name, location and constraints in every
/// operation that has them (`groupId`, say): `src/rules.rs` holds them once.
#[derive(Debug, Clone)]
pub struct SharedRules {
    /// The constant's name, e.g. `GROUP_ID`.
    pub name: String,
    /// The first parameter with these rules.
    pub parameter: Parameter,
}

/// A media type that operations ask for in `Accept`: `src/media_types.rs` holds its
/// `HeaderValue` once, however many operations send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptMediaType {
    /// The constant's name, e.g. `APPLICATION_VND_ATLAS_2024_11_13_JSON`.
    pub name: String,
    pub media_type: String,
}

/// An unversioned name for the newest of the models that differ only in a date version:
/// `FlexBackupSnapshot` for `FlexBackupSnapshot20241113`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionAlias {
    /// The type name without the date, taken by no type of the spec.
    pub rust_name: String,
    /// The newest version.
    pub target: TypeId,
    /// Its date, as `YYYYMMDD`.
    pub version: u32,
    /// The other versions, oldest first.
    pub older: Vec<TypeId>,
}

/// Index of a type in the `TypeSpace`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub(crate) usize);

/// All named types of the API.
#[derive(Debug, Clone, Default)]
pub struct TypeSpace {
    types: Vec<TypeDef>,
    /// For each type, the strongly connected component it belongs to in the graph of values
    /// held inline (see [`TypeSpace::holds_itself_inline`]); computed once, on first use.
    inline_components: OnceLock<Vec<usize>>,
}

impl TypeSpace {
    pub(crate) fn reserve(&mut self, placeholder: TypeDef) -> TypeId {
        self.types.push(placeholder);
        self.inline_components = OnceLock::new();
        TypeId(self.types.len() - 1)
    }

    pub(crate) fn set_kind(&mut self, id: TypeId, kind: TypeKind) {
        self.types[id.0].kind = kind;
        self.inline_components = OnceLock::new();
    }

    /// Whether a value of type `from` may hold, without a `Vec`, map or enum in between, a
    /// value of type `to` that holds a `from` again: a struct field of type `to` in `from`
    /// must then be boxed for `from` to have a finite size. Linear in the size of the type
    /// space, once; constant per question after that.
    pub fn holds_itself_inline(&self, from: TypeId, to: TypeId) -> bool {
        let components = self.inline_components.get_or_init(|| {
            self.strongly_connected_components(|kind| match kind {
                TypeKind::Struct(structure) => structure
                    .fields
                    .iter()
                    .filter_map(|field| field.ty.named())
                    .collect(),
                TypeKind::Alias(target) | TypeKind::Newtype(target) => {
                    target.named().into_iter().collect()
                }
                // Enum variants of named types are boxed, so a oneOf never makes a cycle
                // infinite.
                TypeKind::StringEnum(_)
                | TypeKind::SharedEnum(_)
                | TypeKind::SharedEnumInstance(_)
                | TypeKind::OneOf(_)
                | TypeKind::ErrorByStatus(_) => Vec::new(),
            })
        });
        components[from.0] == components[to.0]
    }

    /// Tarjan's algorithm, iterative so that a chain of thousands of schemas cannot overflow
    /// the stack: for each type, the index of its strongly connected component in the graph
    /// whose edges `edges` gives. Two types share an index exactly when each reaches the other.
    pub(crate) fn strongly_connected_components(
        &self,
        edges: impl Fn(&TypeKind) -> Vec<TypeId>,
    ) -> Vec<usize> {
        const UNVISITED: usize = usize::MAX;
        let count = self.types.len();
        let successors: Vec<Vec<TypeId>> = self.types.iter().map(|def| edges(&def.kind)).collect();
        let mut index = vec![UNVISITED; count];
        let mut low_link = vec![0; count];
        let mut on_stack = vec![false; count];
        let mut component = vec![UNVISITED; count];
        let mut stack: Vec<usize> = Vec::new();
        let mut next_index = 0;
        let mut next_component = 0;
        for root in 0..count {
            if index[root] != UNVISITED {
                continue;
            }
            // (node, how many of its successors were looked at)
            let mut calls: Vec<(usize, usize)> = vec![(root, 0)];
            index[root] = next_index;
            low_link[root] = next_index;
            next_index += 1;
            stack.push(root);
            on_stack[root] = true;
            while let Some(&mut (node, ref mut position)) = calls.last_mut() {
                if let Some(&TypeId(successor)) = successors[node].get(*position) {
                    *position += 1;
                    if index[successor] == UNVISITED {
                        index[successor] = next_index;
                        low_link[successor] = next_index;
                        next_index += 1;
                        stack.push(successor);
                        on_stack[successor] = true;
                        calls.push((successor, 0));
                    } else if on_stack[successor] {
                        low_link[node] = low_link[node].min(index[successor]);
                    }
                    continue;
                }
                calls.pop();
                if let Some(&(parent, _)) = calls.last() {
                    low_link[parent] = low_link[parent].min(low_link[node]);
                }
                if low_link[node] == index[node] {
                    while let Some(member) = stack.pop() {
                        on_stack[member] = false;
                        component[member] = next_component;
                        if member == node {
                            break;
                        }
                    }
                    next_component += 1;
                }
            }
        }
        component
    }

    pub(crate) fn set_gate(&mut self, id: TypeId, gate: Gate) {
        self.types[id.0].gate = gate;
    }

    pub(crate) fn set_docs(&mut self, id: TypeId, docs: Option<String>, deprecated: bool) {
        let def = &mut self.types[id.0];
        def.docs = docs;
        def.deprecated = deprecated;
    }

    pub fn len(&self) -> usize {
        self.types.len()
    }

    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }

    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    pub fn iter(&self) -> impl Iterator<Item = (TypeId, &TypeDef)> {
        self.types
            .iter()
            .enumerate()
            .map(|(index, def)| (TypeId(index), def))
    }
}

/// A named Rust type generated from a component schema or an inline schema.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust type name, e.g. `BackupSnapshot` or `BackupSnapshotPartTypeName`.
    pub rust_name: String,
    /// The module file stem, e.g. `backup_snapshot`.
    pub module_name: String,
    /// Where the schema is defined.
    pub origin: JsonPointer,
    pub docs: Option<String>,
    pub deprecated: bool,
    pub kind: TypeKind,
    /// The features whose operations reach this type (see `lower::features`).
    pub gate: Gate,
}

impl TypeDef {
    /// Whether users name the type: a model of the spec, not the crate's plumbing.
    pub fn is_model(&self) -> bool {
        !matches!(self.kind, TypeKind::SharedEnum(_))
    }
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Struct(StructType),
    StringEnum(StringEnum),
    /// `oneOf` or `anyOf`: one of several types, told apart by a discriminator property or
    /// by trying each in order.
    OneOf(OneOfType),
    /// A named schema that is just another type, e.g. `type: array` at component level.
    Alias(TypeRef),
    /// A named schema that is another type containing itself, e.g. an array of itself: a
    /// struct with one public field, because a Rust type alias cannot be recursive.
    Newtype(TypeRef),
    /// The error body of an operation whose error statuses document different schemas:
    /// the status says which one a body is.
    ErrorByStatus(ErrorByStatus),
    /// The values of every string enum that lists exactly these (see `lower::shared_enums`):
    /// one generic enum, which users meet through those enums' aliases, whose parameter is a
    /// marker type per enum.
    SharedEnum(StringEnum),
    /// A string enum whose values a [`TypeKind::SharedEnum`] holds: the alias of that enum
    /// with a marker of this one's own, so that it stays a type of its own.
    SharedEnumInstance(TypeId),
}

#[derive(Debug, Clone)]
pub struct ErrorByStatus {
    /// One variant per distinct schema, in the order of their first status.
    pub variants: Vec<ErrorVariant>,
    /// The variant that keeps, as JSON, a body of a status no variant documents.
    pub fallback_variant: String,
}

#[derive(Debug, Clone)]
pub struct ErrorVariant {
    pub rust_name: String,
    pub ty: TypeRef,
    /// The documented statuses whose body this is, sorted.
    pub statuses: Vec<u16>,
}

#[derive(Debug, Clone)]
pub struct StructType {
    pub fields: Vec<Field>,
    /// `additionalProperties` beside `properties`: the other keys, with values of this type.
    pub additional: Option<TypeRef>,
}

#[derive(Debug, Clone)]
pub struct OneOfType {
    pub variants: Vec<OneOfVariant>,
    /// The property whose value names the variant, when the spec gives one.
    pub discriminator: Option<String>,
    /// The variant that keeps, as JSON, a value no listed variant matches.
    pub fallback_variant: String,
}

#[derive(Debug, Clone)]
pub struct OneOfVariant {
    pub rust_name: String,
    pub ty: TypeRef,
    /// The discriminator values that select this variant.
    pub tag_values: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub wire_name: String,
    pub rust_name: String,
    pub ty: TypeRef,
    pub required: bool,
    /// The server fills this field; it is never demanded from a client.
    pub read_only: bool,
    /// `null` is a valid value (OpenAPI 3.0 `nullable`).
    pub nullable: bool,
    /// The default the server applies, rendered for docs.
    pub default: Option<String>,
    pub docs: Option<String>,
    pub deprecated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StringEnum {
    pub variants: Vec<EnumVariant>,
    /// The name of the variant that keeps values the spec does not list.
    pub fallback_variant: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EnumVariant {
    pub wire_value: String,
    pub rust_name: String,
    /// Which of the spec's value groups list this value, for a `oneOf` of string enums.
    pub groups: Vec<String>,
}

/// A use of a type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    Named(TypeId),
    Primitive(Primitive),
    List(Box<TypeRef>),
    /// A JSON object with arbitrary keys, values of the given type.
    Map(Box<TypeRef>),
    /// Any JSON value.
    Any,
}

impl TypeRef {
    /// The named type this is, if it is one (not one inside a list or map).
    pub fn named(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) => Some(*id),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Primitive {
    String,
    /// `format: date-time`.
    DateTime,
    /// `format: date`.
    Date,
    Boolean,
    I32,
    I64,
    F32,
    F64,
}

/// One API operation.
#[derive(Debug, Clone)]
pub struct Operation {
    pub operation_id: String,
    /// Snake-case method name, e.g. `list_legacy_snapshots`.
    pub fn_name: String,
    /// The request builder type, e.g. `ListLegacySnapshotsRequest`.
    pub request_type: String,
    /// The module file stem.
    pub module_name: String,
    pub origin: JsonPointer,
    pub method: Method,
    pub path: PathTemplate,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    /// The features of the operation's tags; `Always` for an operation without tags.
    pub gate: Gate,
    pub reference_url: Option<String>,
    pub deprecation: Option<Deprecation>,
    /// Path parameters in template order, then query and header parameters in spec order.
    pub parameters: Vec<Parameter>,
    pub success: SuccessResponse,
    /// Documented non-2xx responses, sorted by status.
    pub errors: Vec<ErrorResponse>,
    /// The type of a documented error body, if any error has one: the schema every error
    /// status shares, or an `ErrorByStatus` type when they differ.
    pub error_body: Option<TypeRef>,
    /// Set when the operation pages through a list the way Atlas does.
    pub pagination: Option<Pagination>,
    /// The JSON request body, if the operation takes one.
    pub body: Option<RequestBody>,
}

#[derive(Debug, Clone)]
pub struct RequestBody {
    /// The builder's field and argument name.
    pub rust_name: String,
    /// The media type sent in `Content-Type`.
    pub media_type: String,
    pub ty: TypeRef,
    pub required: bool,
    pub docs: Option<String>,
}

/// Atlas's paging convention: integer query parameters `pageNum` and `itemsPerPage`, and a
/// success body whose `results` array holds the items.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// Rust name of the page number parameter.
    pub page_param: String,
    /// Rust name of the page size parameter.
    pub size_param: String,
    /// The page size the server uses when none is sent.
    pub default_size: i32,
    /// Rust name of the `results` field.
    pub results_field: String,
    /// Whether `results` is required (else it is an `Option`).
    pub results_required: bool,
    pub item: TypeRef,
}

impl Method {
    /// Whether repeating the request has the effect of sending it once (RFC 9110).
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Patch,
    Head,
    Options,
    Trace,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
        }
    }
}

/// Why and until when an operation is deprecated, and what replaces it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deprecation {
    /// `deprecated: true` in the spec.
    pub deprecated: bool,
    /// `x-sunset`: when Atlas removes the operation, as the spec gives it (e.g. `2026-01`).
    pub sunset: Option<String>,
    pub replacement: Option<Replacement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    pub operation_id: String,
    /// The generated method and request type of the replacement, when the spec has that
    /// operation too.
    pub generated: Option<ReplacementItems>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacementItems {
    pub fn_name: String,
    pub request_type: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    Path,
    Query,
    Header,
}

#[derive(Debug, Clone)]
pub struct Parameter {
    pub wire_name: String,
    pub rust_name: String,
    pub location: ParameterLocation,
    pub required: bool,
    pub ty: ParameterType,
    pub constraints: Constraints,
    /// The default the server applies when the parameter is absent, rendered for docs.
    pub default: Option<String>,
    pub docs: Option<String>,
    /// Example value from the spec, rendered as the wire string.
    pub example: Option<String>,
    pub deprecated: bool,
    /// `x-response-envelope`: when true, the server wraps the response in an envelope.
    pub switches_envelope: bool,
    /// Set for array parameters: `ty` and `constraints` are then those of each item.
    pub list: Option<ListStyle>,
    /// The name of its rules among [`Api::parameter_rules`], when the builder checks it.
    pub rules: Option<String>,
}

impl Parameter {
    /// Whether the builder checks the parameter: it has rules in the spec, or it is a string
    /// path segment, which the runtime never lets be empty, `.` or `..` (that would address
    /// another resource), and names the parameter when it refuses one.
    pub fn is_checked(&self) -> bool {
        !self.constraints.is_empty()
            || (self.location == ParameterLocation::Path
                && self.ty == ParameterType::String
                && self.list.is_none())
    }

    /// Whether two parameters are checked by the same rules, under the same names.
    pub fn same_rules(&self, other: &Parameter) -> bool {
        self.wire_name == other.wire_name
            && self.rust_name == other.rust_name
            && self.location == other.location
            && self.constraints == other.constraints
    }
}

/// How an array parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStyle {
    /// `?tag=a&tag=b` (query, `style: form`, `explode: true`, the default).
    Repeated,
    /// `?tag=a,b` (query with `explode: false`; headers).
    CommaSeparated,
}

/// The Rust types a parameter can take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParameterType {
    String,
    Boolean,
    I32,
    I64,
    F64,
    /// A string enum defined in the type space.
    Enum(TypeId),
}

/// Validation rules checked before a request is built.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    pub pattern: Option<Pattern>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    /// A list parameter's `minItems`, `maxItems` and `uniqueItems`; the rules above apply
    /// to each of its items.
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub unique_items: bool,
}

/// A `pattern` from the spec and the engine that can run it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pattern {
    pub source: String,
    pub engine: PatternEngine,
}

/// What runs a pattern. Most patterns are simple enough to compile into steps the runtime
/// matches without any engine; the rest run on a small, linear-time engine; look-around
/// (which ECMA-262, the dialect of OpenAPI patterns, has) needs a backtracking one. A crate
/// depends only on the engines its patterns need.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PatternEngine {
    /// The runtime's `Matcher`, with the steps the generator compiled.
    Compiled(crate::matcher::Matcher),
    /// `regex-lite`.
    Linear,
    /// `fancy-regex`.
    Backtracking,
}

impl Api {
    /// Every distinct pattern the builders check, sorted: `src/patterns.rs` compiles each once.
    pub fn patterns(&self) -> Vec<&Pattern> {
        let mut patterns: Vec<&Pattern> = self
            .operations
            .iter()
            .flat_map(|operation| &operation.parameters)
            .filter_map(|parameter| parameter.constraints.pattern.as_ref())
            .collect();
        patterns.sort();
        patterns.dedup();
        patterns
    }

    /// Whether the type is the body of some documented error status, which the runtime asks
    /// for its `errorCode` and `detail`.
    pub fn is_error_body(&self, id: TypeId) -> bool {
        self.operations.iter().any(|operation| {
            operation
                .errors
                .iter()
                .any(|error| error.body == Some(TypeRef::Named(id)))
        })
    }

    /// Whether any pattern runs on an engine that `uses` picks out.
    pub fn uses_pattern_engine(&self, uses: impl Fn(&PatternEngine) -> bool) -> bool {
        self.patterns().iter().any(|pattern| uses(&pattern.engine))
    }
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Whether each value (or each item of a list) has rules of its own.
    pub fn constrains_each_value(&self) -> bool {
        self.pattern.is_some()
            || self.min_length.is_some()
            || self.max_length.is_some()
            || self.minimum.is_some()
            || self.maximum.is_some()
    }

    /// Whether the list as a whole has rules (its count or its repeats).
    pub fn constrains_items(&self) -> bool {
        self.min_items.is_some() || self.max_items.is_some() || self.unique_items
    }
}

#[derive(Debug, Clone)]
pub struct SuccessResponse {
    /// The documented 2xx statuses.
    pub statuses: Vec<u16>,
    /// The media type sent in `Accept`, when the success response has a body.
    pub media_type: Option<String>,
    /// The name of that media type among [`Api::accept_media_types`].
    pub accept_constant: Option<String>,
    /// The JSON body type; `None` when no 2xx response has a JSON body.
    pub body: Option<TypeRef>,
    /// The success body is not JSON (a gzip download, say): it is returned as bytes.
    pub raw: bool,
    /// Documented 2xx statuses without a body, beside others with one: the body is then an
    /// `Option`.
    pub empty_statuses: Vec<u16>,
}

#[derive(Debug, Clone)]
pub struct ErrorResponse {
    pub status: u16,
    pub description: String,
    /// The JSON body this status documents.
    pub body: Option<TypeRef>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityScheme {
    HttpDigest { name: String },
    HttpBearer { name: String },
    OAuthClientCredentials { name: String, token_url: String },
}
