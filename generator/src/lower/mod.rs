//! Stage 2: the `openapiv3` document lowered into the typed IR, with every semantic check.
//!
//! Lowering never stops at the first problem: it records each one with its JSON pointer and
//! carries on, so a maintainer sees everything wrong with a spec in one run.

mod bodies;
mod composition;
pub mod features;
mod media_types;
mod normalize;
mod operations;
mod parameters;
mod rules;
mod schemas;
mod shared_enums;
mod versions;

use crate::diagnostics::{Diagnostic, JsonPointer, Sink};
use crate::ir::{Api, Gate, SecurityScheme, TypeDef, TypeId, TypeKind, TypeRef, TypeSpace};
use crate::naming;
use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr};
use std::collections::BTreeMap;

/// Lowers a loaded document into the IR, or returns every problem found.
pub fn lower(mut document: OpenAPI) -> Result<Api, Vec<Diagnostic>> {
    let normalization_problems = normalize::normalize(&mut document);
    let document = &document;
    let mut lowerer = Lowerer::new(document);
    lowerer.declare_component_schemas();
    lowerer.lower_component_schemas();
    lowerer.check_alias_cycles();
    lowerer.promote_recursive_aliases();
    let mut operations = lowerer.lower_operations();
    let tag_features = lowerer.assign_tag_features(&mut operations);
    let security_schemes = lowerer.lower_security_schemes();
    if !lowerer.sink.is_empty() || !normalization_problems.is_empty() {
        // A schema normalisation refused is reported once, with the keyword that is wrong,
        // not again as an unsupported shape.
        let mut problems = lowerer.sink.into_items();
        problems.retain(|problem| {
            !normalization_problems
                .iter()
                .any(|refused| refused.pointer.is_within_one_of(&problem.pointer))
        });
        problems.extend(normalization_problems);
        return Err(problems);
    }
    shared_enums::share_enum_values(&mut lowerer.types);
    let has_unreferenced_models = features::gate_models(&mut lowerer.types, &operations);
    let parameter_rules = rules::share_rules(&mut operations);
    let accept_media_types = media_types::share_media_types(&mut operations);
    let version_aliases = versions::version_aliases(&lowerer.types);
    Ok(Api {
        title: document.info.title.clone(),
        description: document.info.description.clone(),
        version: document.info.version.clone(),
        default_base_url: document.servers.first().map(|server| server.url.clone()),
        types: lowerer.types,
        operations,
        security_schemes,
        tag_features,
        has_unreferenced_models,
        parameter_rules,
        accept_media_types,
        version_aliases,
    })
}

struct Lowerer<'doc> {
    document: &'doc OpenAPI,
    types: TypeSpace,
    /// Component schema name -> its type.
    component_types: BTreeMap<String, TypeId>,
    /// Inline schemas already lowered, by where they are defined, so a shared component
    /// parameter yields one type however many operations use it.
    inline_types: BTreeMap<JsonPointer, TypeId>,
    /// Rust type name -> where it came from, to report collisions instead of renaming silently.
    type_names: BTreeMap<String, JsonPointer>,
    /// Model file stem -> where it came from: `ABTest` and `AbTest` differ as types but
    /// would share `ab_test.rs`.
    module_names: BTreeMap<String, JsonPointer>,
    /// Component schema name -> its `allOf` members flattened (`None` if that failed), so
    /// each component is flattened once however many schemas extend it.
    all_of_parts: BTreeMap<String, Option<composition::ObjectParts>>,
    /// The components being flattened, outermost first: a name met again is a cycle.
    all_of_path: Vec<String>,
    sink: Sink,
}

impl<'doc> Lowerer<'doc> {
    fn new(document: &'doc OpenAPI) -> Self {
        Self {
            document,
            types: TypeSpace::default(),
            component_types: BTreeMap::new(),
            inline_types: BTreeMap::new(),
            type_names: BTreeMap::new(),
            module_names: BTreeMap::new(),
            all_of_parts: BTreeMap::new(),
            all_of_path: Vec::new(),
            sink: Sink::default(),
        }
    }

    fn component_schemas(&self) -> Option<&'doc IndexMap<String, ReferenceOr<openapiv3::Schema>>> {
        self.document
            .components
            .as_ref()
            .map(|components| &components.schemas)
    }

    /// Reserves a type for every component schema first, so references (recursive ones too)
    /// resolve whatever order the schemas come in.
    fn declare_component_schemas(&mut self) {
        let Some(schemas) = self.component_schemas() else {
            return;
        };
        for name in schemas.keys() {
            let pointer = components_pointer("schemas").join(name.clone());
            if let Some(id) = self.declare_type(naming::type_name(name), &pointer) {
                self.component_types.insert(name.clone(), id);
            }
        }
    }

    /// Adds a named type to the arena, or reports that its Rust name is taken.
    fn declare_type(&mut self, rust_name: String, origin: &JsonPointer) -> Option<TypeId> {
        if let Some(first) = self.type_names.get(&rust_name) {
            self.sink.error(
                origin,
                format!(
                    "generates the Rust type name {rust_name}, which {first} already generates"
                ),
            );
            return None;
        }
        if naming::PRELUDE_TYPES.contains(&rust_name.as_str()) {
            self.sink.error(
                origin,
                format!("generates the Rust type name {rust_name}, which would shadow Rust's own {rust_name}; rename the schema"),
            );
            return None;
        }
        let module_name = naming::module_name(&rust_name);
        if let Some(first) = self.module_names.get(&module_name) {
            self.sink.error(
                origin,
                format!(
                    "generates the model file {module_name}.rs, which {first} already generates"
                ),
            );
            return None;
        }
        self.module_names.insert(module_name, origin.clone());
        self.type_names.insert(rust_name.clone(), origin.clone());
        Some(self.types.reserve(TypeDef {
            module_name: naming::module_name(&rust_name),
            rust_name,
            origin: origin.clone(),
            docs: None,
            deprecated: false,
            kind: TypeKind::Alias(TypeRef::Any),
            gate: Gate::Always,
        }))
    }

    fn lower_component_schemas(&mut self) {
        let Some(schemas) = self.component_schemas() else {
            return;
        };
        for (name, schema) in schemas {
            let Some(&id) = self.component_types.get(name) else {
                continue;
            };
            let pointer = components_pointer("schemas").join(name.clone());
            self.lower_named_schema(id, schema, &pointer);
        }
    }

    /// `A: {$ref: B}` and `B: {$ref: A}` name no type at all; Rust would reject the aliases.
    fn check_alias_cycles(&mut self) {
        let mut reported = Vec::new();
        for (start, _) in self.types.iter() {
            let mut current = start;
            let mut steps = 0;
            while let TypeKind::Alias(TypeRef::Named(next)) = &self.types.get(current).kind {
                current = *next;
                steps += 1;
                if current == start {
                    if !reported.contains(&start) {
                        let origin = self.types.get(start).origin.clone();
                        self.sink.error(&origin, "this schema refers to itself through $ref alone and describes no value");
                        reported.push(start);
                    }
                    break;
                }
                if steps > self.types.len() {
                    break;
                }
            }
        }
    }

    /// `Tree: {type: array, items: {$ref: Tree}}` is a fine schema, but `type Tree =
    /// Vec<Tree>` is not Rust (E0391). Every alias whose expansion mentions itself, directly
    /// or through other aliases, becomes a newtype struct instead; the other aliases stay.
    fn promote_recursive_aliases(&mut self) {
        let components = self.types.strongly_connected_components(|kind| match kind {
            TypeKind::Alias(target) => {
                let mut mentioned = Vec::new();
                mentioned_types(target, &mut mentioned);
                mentioned
            }
            _ => Vec::new(),
        });
        let mut sizes = vec![0_usize; self.types.len()];
        for &component in &components {
            sizes[component] += 1;
        }
        let recursive: Vec<(TypeId, TypeRef)> = self
            .types
            .iter()
            .filter_map(|(id, def)| match &def.kind {
                TypeKind::Alias(target) => {
                    let mut mentioned = Vec::new();
                    mentioned_types(target, &mut mentioned);
                    (sizes[components[id.0]] > 1 || mentioned.contains(&id))
                        .then(|| (id, target.clone()))
                }
                _ => None,
            })
            .collect();
        for (id, target) in recursive {
            self.types.set_kind(id, TypeKind::Newtype(target));
        }
    }

    fn lower_security_schemes(&mut self) -> Vec<SecurityScheme> {
        let Some(components) = &self.document.components else {
            return Vec::new();
        };
        let mut schemes = Vec::new();
        for (name, scheme) in &components.security_schemes {
            let pointer = components_pointer("securitySchemes").join(name.clone());
            let ReferenceOr::Item(scheme) = scheme else {
                self.sink.error(
                    &pointer,
                    "a $ref security scheme is not supported; define it inline",
                );
                continue;
            };
            let name = name.clone();
            match scheme {
                openapiv3::SecurityScheme::HTTP { scheme, .. }
                    if scheme.eq_ignore_ascii_case("digest") =>
                {
                    schemes.push(SecurityScheme::HttpDigest { name });
                }
                openapiv3::SecurityScheme::HTTP { scheme, .. }
                    if scheme.eq_ignore_ascii_case("bearer") =>
                {
                    schemes.push(SecurityScheme::HttpBearer { name });
                }
                openapiv3::SecurityScheme::OAuth2 { flows, .. } => {
                    match &flows.client_credentials {
                        Some(flow) => schemes.push(SecurityScheme::OAuthClientCredentials {
                            name,
                            token_url: flow.token_url.clone(),
                        }),
                        None => self.sink.error(
                            &pointer.join("flows"),
                            "only the OAuth 2.0 clientCredentials flow is supported",
                        ),
                    }
                }
                _ => self.sink.error(
                    &pointer,
                    "unsupported security scheme; supported are HTTP digest, HTTP bearer and \
                     OAuth 2.0 client credentials",
                ),
            }
        }
        schemes
    }
}

/// Every named type a type reference mentions, inside lists and maps too.
fn mentioned_types(ty: &TypeRef, out: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::List(inner) | TypeRef::Map(inner) => mentioned_types(inner, out),
        TypeRef::Primitive(_) | TypeRef::Any => {}
    }
}

fn components_pointer(section: &str) -> JsonPointer {
    JsonPointer::root().join("components").join(section)
}

/// Follows `$ref`s into one `components` section, up to a depth that rules out cycles.
fn resolve_component<'a, T>(
    item: &'a ReferenceOr<T>,
    section: &str,
    map: Option<&'a IndexMap<String, ReferenceOr<T>>>,
) -> Result<(&'a T, Option<JsonPointer>), String> {
    let mut current = item;
    let mut target = None;
    for _ in 0..16 {
        match current {
            ReferenceOr::Item(value) => return Ok((value, target)),
            ReferenceOr::Reference { reference } => {
                let name = component_ref_name(reference, section)?;
                current = map
                    .and_then(|map| map.get(&name))
                    .ok_or_else(|| format!("$ref to missing {} {name}", singular(section)))?;
                target = Some(components_pointer(section).join(name));
            }
        }
    }
    Err(format!("$ref chain in {section} is too deep or cyclic"))
}

/// The component name that `#/components/<section>/<name>` refers to.
fn component_ref_name(reference: &str, section: &str) -> Result<String, String> {
    let pointer = JsonPointer::parse_local_ref(reference).ok_or_else(|| {
        format!("$ref {reference:?} is not local; only references into this document are supported")
    })?;
    match pointer.tokens() {
        [components, found, name] if components == "components" && found == section => {
            Ok(name.clone())
        }
        _ => Err(format!(
            "$ref {reference:?} must point at #/components/{section}/<name>"
        )),
    }
}

fn singular(section: &str) -> &str {
    match section {
        "schemas" => "schema",
        "parameters" => "parameter",
        "responses" => "response",
        "requestBodies" => "request body",
        other => other,
    }
}
