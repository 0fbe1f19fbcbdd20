//! One line of text per element of the public API, written so that a removed or changed line
//! is a breaking change and an added line is not.
//!
//! That rule holds because what makes an addition breaking is folded into the line it breaks:
//! a struct users can build with a literal (not `#[non_exhaustive]`, every field public)
//! lists its fields in its own line, as does an exhaustive enum its variants and a trait the
//! items an implementor must write. Argument names stay (swapping two `String` arguments is a
//! break no type shows); `mut` on an argument, a local binding, goes.
//!
//! Lines are written per file, from the syntax tree the generator already has, before the
//! names of the whole crate are known: every path is written as a marker (`ǂ7ǂ`, an
//! identifier no source holds) and the item's own name as `ǂSǂ`. [`super::resolve`] replaces
//! them once the module tree is built, so that every path reads the way the listing names
//! the item, however the source spelt it.
//!
//! A `#[non_exhaustive]` generic enum whose one parameter users cannot see (in no variant
//! but hidden ones) is one type per argument, each with the same API; the generated crate fills it
//! with marker types users cannot name, through aliases (`pub type Provider =
//! OneOfAwsGcp<name::Provider>`). Its lines are written as a template, without the
//! parameter and with `ǂSǂ` for the type, which [`super::resolve`] lists once per public
//! alias and never under the type's own name: users meet the type as those aliases, so a
//! value added to one of them reads as an added variant, not as an alias that changed, and
//! the type itself is no promise (code generic over its parameter is not covered). The
//! alias's line says it is one (`pub type X = #[non_exhaustive] enum { .. }`): `use
//! X::Variant` does not compile through an alias, so an enum that becomes one is a break.

use super::model::{cfg_predicates, is_doc_hidden, kept_items};
use super::text::{
    fn_text, inside_braces, named, path_text, strip_body, tokens_text, type_text, unparse,
};
use std::collections::{BTreeMap, BTreeSet};
use syn::visit_mut::VisitMut;

/// What the subject of a line is written as until it is known.
pub(super) const SUBJECT: &str = "ǂSǂ";
/// The character around path markers: `ǂ12ǂ` is path number 12 of its file.
pub(super) const MARKER: char = 'ǂ';

/// A line before names are resolved.
#[derive(Debug, Clone)]
pub(super) struct PendingLine {
    pub(super) owner: Owner,
    /// Orders the lines of one subject: the item, its parts, its methods, its trait impls.
    pub(super) rank: u8,
    /// The `cfg`s of the element itself (a field, a method, an impl block), beyond those of
    /// its owner and module.
    pub(super) cfgs: Vec<String>,
    pub(super) text: String,
    /// For a type alias of a generic type, the marker of that type's path: listed as the
    /// type itself when that is a template (see the module docs).
    pub(super) alias_of: Option<usize>,
}

#[derive(Debug, Clone)]
pub(super) enum Owner {
    /// An item: its module (an index into [`FileLines::modules`]) and its position among
    /// the module's kept items.
    Item { module: usize, index: usize },
    /// An impl block, listed under its self type when that is one of the crate's items, else
    /// under its trait; `None` marks a type that is not a plain path.
    Impl {
        module: usize,
        self_path: Option<usize>,
        trait_path: Option<usize>,
        self_text: String,
    },
}

/// A path as written, to resolve in the module it was written in.
#[derive(Debug, Clone)]
pub(super) struct PendingPath {
    /// An index into [`FileLines::modules`].
    pub(super) module: usize,
    pub(super) segments: Vec<String>,
    /// Written with a leading `::`: another crate's, as written.
    pub(super) external: bool,
    /// A trait in an impl header or a derive: prelude traits get their full path.
    pub(super) as_trait: bool,
}

/// The lines of one file, with the paths their markers stand for.
#[derive(Debug, Clone, Default)]
pub(super) struct FileLines {
    /// The paths of the modules the file defines: its own, then its inline modules.
    pub(super) modules: Vec<Vec<String>>,
    pub(super) lines: Vec<PendingLine>,
    pub(super) paths: Vec<PendingPath>,
    /// The template items, as [`Owner::Item`] numbers them.
    pub(super) templates: Vec<(usize, usize)>,
}

/// The lines of every item and impl block of a file whose module path is `module`, its inline
/// modules' included. Private items get lines too: whether users can name them is known only
/// later, and their lines are dropped then.
pub(super) fn file_lines(module: &[String], items: &[syn::Item]) -> FileLines {
    let mut out = FileLines::default();
    module_lines(module, items, &mut out);
    out
}

fn module_lines(module: &[String], items: &[syn::Item], out: &mut FileLines) {
    let module_index = out.modules.len();
    out.modules.push(module.to_vec());
    let templates = templates(items);
    out.templates
        .extend(templates.values().map(|(index, _)| (module_index, *index)));
    for (index, item) in kept_items(items).enumerate() {
        let mut writer = Writer {
            module: module_index,
            out: &mut *out,
            templates: &templates,
        };
        match item {
            syn::Item::Mod(child) => {
                if let Some((_, child_items)) = &child.content {
                    let mut child_path = module.to_vec();
                    child_path.push(child.ident.to_string().trim_start_matches("r#").to_owned());
                    module_lines(&child_path, child_items, out);
                }
            }
            syn::Item::Impl(block) => writer.impl_block(block),
            _ => writer.item(item, index),
        }
    }
}

/// The module's template items by name: their index and their type parameter.
type Templates = BTreeMap<String, (usize, String)>;

/// `#[non_exhaustive]` enums whose one generic parameter is a type that users cannot see: it
/// is in no variant but hidden ones. Such a parameter only tells types apart, so each alias that fills it is
/// a type of its own with the same API.
fn templates(items: &[syn::Item]) -> Templates {
    kept_items(items)
        .enumerate()
        .filter_map(|(index, item)| {
            let syn::Item::Enum(item) = item else {
                return None;
            };
            let [syn::GenericParam::Type(param)] =
                item.generics.params.iter().collect::<Vec<_>>()[..]
            else {
                return None;
            };
            let seen = item
                .variants
                .iter()
                .filter(|variant| !is_doc_hidden(&variant.attrs))
                .flat_map(|variant| &variant.fields)
                .any(|field| mentions(quote::ToTokens::to_token_stream(&field.ty), &param.ident));
            // Exhaustive, its hidden variants would be part of its shape, parameter and all.
            let non_exhaustive = has_attr(&item.attrs, "non_exhaustive");
            (!seen
                && non_exhaustive
                && item.generics.where_clause.is_none()
                && param.bounds.is_empty())
            .then(|| (item.ident.to_string(), (index, param.ident.to_string())))
        })
        .collect()
}

fn mentions(tokens: proc_macro2::TokenStream, ident: &syn::Ident) -> bool {
    tokens.into_iter().any(|token| match token {
        proc_macro2::TokenTree::Ident(found) => found == *ident,
        proc_macro2::TokenTree::Group(group) => mentions(group.stream(), ident),
        _ => false,
    })
}

struct Writer<'a> {
    module: usize,
    out: &'a mut FileLines,
    templates: &'a Templates,
}

impl Writer<'_> {
    fn rewriter(&mut self, generics: &[&syn::Generics]) -> Rewriter<'_> {
        let mut names = BTreeSet::new();
        for generics in generics {
            for param in &generics.params {
                match param {
                    syn::GenericParam::Type(param) => names.insert(param.ident.to_string()),
                    syn::GenericParam::Const(param) => names.insert(param.ident.to_string()),
                    syn::GenericParam::Lifetime(_) => false,
                };
            }
        }
        Rewriter {
            module: self.module,
            paths: &mut self.out.paths,
            generic_names: names,
        }
    }

    fn push(&mut self, index: usize, rank: u8, cfgs: Vec<String>, text: String) {
        self.out.lines.push(PendingLine {
            owner: Owner::Item {
                module: self.module,
                index,
            },
            rank,
            cfgs,
            text,
            alias_of: None,
        });
    }

    /// The type parameter of the item at `index` if it is a template.
    fn template_parameter(&self, index: usize) -> Option<&str> {
        self.templates
            .values()
            .find(|(template, _)| *template == index)
            .map(|(_, parameter)| parameter.as_str())
    }

    fn item(&mut self, item: &syn::Item, index: usize) {
        let template = self.template_parameter(index).map(str::to_owned);
        // What a template's derives and header are written with.
        let no_generics = syn::Generics::default();
        match item {
            syn::Item::Struct(item) => {
                let mut shape = syn::ItemStruct {
                    attrs: Vec::new(),
                    vis: item.vis.clone(),
                    struct_token: item.struct_token,
                    ident: item.ident.clone(),
                    generics: item.generics.clone(),
                    fields: without_docs(&item.fields),
                    semi_token: item.semi_token,
                };
                let mut rewriter = self.rewriter(&[&item.generics]);
                rewriter.visit_generics_mut(&mut shape.generics);
                let non_exhaustive = has_attr(&item.attrs, "non_exhaustive");
                let all_public = item
                    .fields
                    .iter()
                    .all(|field| matches!(field.vis, syn::Visibility::Public(_)));
                let marker = if non_exhaustive {
                    "#[non_exhaustive] "
                } else {
                    ""
                };
                if !non_exhaustive && all_public {
                    // Users can build it with a literal: every field is part of its shape.
                    for field in shape.fields.iter_mut() {
                        rewriter.visit_type_mut(&mut field.ty);
                    }
                    let text = named(&unparse(syn::Item::Struct(shape)), "struct", &item.ident);
                    self.push(
                        index,
                        0,
                        Vec::new(),
                        format!("{marker}{}", text.trim_end_matches(';')),
                    );
                } else {
                    let mut fields = Vec::new();
                    for (position, field) in item.fields.iter().enumerate() {
                        if !matches!(field.vis, syn::Visibility::Public(_)) {
                            continue;
                        }
                        let name = field
                            .ident
                            .as_ref()
                            .map_or_else(|| position.to_string(), ToString::to_string);
                        let mut ty = field.ty.clone();
                        rewriter.visit_type_mut(&mut ty);
                        fields.push((
                            cfg_predicates(&field.attrs),
                            format!("field {SUBJECT}.{name}: {}", type_text(&ty)),
                        ));
                    }
                    let hidden_fields = match &shape.fields {
                        syn::Fields::Named(_) => " { .. }",
                        syn::Fields::Unnamed(_) => "( .. )",
                        syn::Fields::Unit => "",
                    };
                    shape.fields = syn::Fields::Unit;
                    let text = named(&unparse(syn::Item::Struct(shape)), "struct", &item.ident);
                    let text = text.trim_end_matches(';');
                    self.push(
                        index,
                        0,
                        Vec::new(),
                        format!("{marker}{text}{hidden_fields}"),
                    );
                    for (cfgs, text) in fields {
                        self.push(index, 1, cfgs, text);
                    }
                }
                self.derives(index, &item.attrs, &item.generics);
            }
            syn::Item::Enum(item) => {
                let mut shape = syn::ItemEnum {
                    attrs: Vec::new(),
                    vis: item.vis.clone(),
                    enum_token: item.enum_token,
                    ident: item.ident.clone(),
                    generics: item.generics.clone(),
                    brace_token: item.brace_token,
                    variants: Default::default(),
                };
                if template.is_some() {
                    shape.generics = syn::Generics::default();
                }
                let non_exhaustive = has_attr(&item.attrs, "non_exhaustive");
                let mut rewriter = self.rewriter(&[&item.generics]);
                rewriter.visit_generics_mut(&mut shape.generics);
                let variants: Vec<String> = item
                    .variants
                    .iter()
                    // Users can neither build nor need to match a hidden variant of an
                    // enum they must match with a wildcard.
                    .filter(|variant| !(non_exhaustive && is_doc_hidden(&variant.attrs)))
                    .map(|variant| variant_text(variant, &mut rewriter))
                    .collect();
                let header = strip_body(&named(
                    &unparse(syn::Item::Enum(shape)),
                    "enum",
                    &item.ident,
                ));
                // `use Alias::Variant` does not compile through a type alias, so an enum that
                // becomes an alias, or stops being one, changes its line.
                let opaque_line = match template {
                    Some(_) => format!("pub type {SUBJECT} = #[non_exhaustive] enum {{ .. }}"),
                    None => format!("#[non_exhaustive] {header} {{ .. }}"),
                };
                if non_exhaustive {
                    self.push(index, 0, Vec::new(), opaque_line);
                    for variant in variants {
                        self.push(
                            index,
                            1,
                            Vec::new(),
                            format!("variant {SUBJECT}::{variant}"),
                        );
                    }
                } else {
                    // A `match` over it lists every variant: all of them are its shape.
                    self.push(
                        index,
                        0,
                        Vec::new(),
                        format!("{header} {{ {} }}", variants.join(", ")),
                    );
                }
                let generics = template.as_ref().map_or(&item.generics, |_| &no_generics);
                self.derives(index, &item.attrs, generics);
            }
            syn::Item::Union(item) => {
                let mut shape = syn::ItemUnion {
                    attrs: Vec::new(),
                    ..item.clone()
                };
                let mut rewriter = self.rewriter(&[&item.generics]);
                rewriter.visit_generics_mut(&mut shape.generics);
                for field in shape.fields.named.iter_mut() {
                    field.attrs.clear();
                    rewriter.visit_type_mut(&mut field.ty);
                }
                let text = named(&unparse(syn::Item::Union(shape)), "union", &item.ident);
                self.push(index, 0, Vec::new(), text);
                self.derives(index, &item.attrs, &item.generics);
            }
            syn::Item::Fn(item) => {
                let mut signature = item.sig.clone();
                self.rewriter(&[&item.sig.generics])
                    .visit_signature_mut(&mut signature);
                let text = named(&fn_text(&item.vis, signature), "fn", &item.sig.ident);
                self.push(index, 0, Vec::new(), text);
            }
            syn::Item::Const(item) => {
                let mut ty = (*item.ty).clone();
                self.rewriter(&[]).visit_type_mut(&mut ty);
                self.push(
                    index,
                    0,
                    Vec::new(),
                    format!("pub const {SUBJECT}: {}", type_text(&ty)),
                );
            }
            syn::Item::Static(item) => {
                let mut ty = (*item.ty).clone();
                self.rewriter(&[]).visit_type_mut(&mut ty);
                let mutability = match item.mutability {
                    syn::StaticMutability::Mut(_) => "mut ",
                    _ => "",
                };
                self.push(
                    index,
                    0,
                    Vec::new(),
                    format!("pub static {mutability}{SUBJECT}: {}", type_text(&ty)),
                );
            }
            syn::Item::Type(item) => {
                let mut shape = item.clone();
                shape.attrs.clear();
                let mut rewriter = self.rewriter(&[&item.generics]);
                rewriter.visit_generics_mut(&mut shape.generics);
                rewriter.visit_type_mut(&mut shape.ty);
                let alias_of = match &*shape.ty {
                    syn::Type::Path(path) if item.generics.params.is_empty() => {
                        leading_marker(&type_text(&syn::Type::Path(path.clone())))
                    }
                    _ => None,
                };
                let text = named(&unparse(syn::Item::Type(shape)), "type", &item.ident);
                self.out.lines.push(PendingLine {
                    owner: Owner::Item {
                        module: self.module,
                        index,
                    },
                    rank: 0,
                    cfgs: Vec::new(),
                    text: text.trim_end_matches(';').to_owned(),
                    alias_of,
                });
            }
            syn::Item::TraitAlias(item) => {
                let mut shape = item.clone();
                shape.attrs.clear();
                self.rewriter(&[&item.generics])
                    .visit_item_trait_alias_mut(&mut shape);
                let text = named(&unparse(syn::Item::TraitAlias(shape)), "trait", &item.ident);
                self.push(index, 0, Vec::new(), text.trim_end_matches(';').to_owned());
            }
            syn::Item::Trait(item) => self.trait_lines(item, index),
            syn::Item::Macro(_) => self.push(index, 0, Vec::new(), format!("macro {SUBJECT}")),
            _ => {}
        }
    }

    fn trait_lines(&mut self, item: &syn::ItemTrait, index: usize) {
        // Without its items: a trait's default bodies can be long, and are no part of a line.
        let bare = |items: Vec<syn::TraitItem>| syn::ItemTrait {
            attrs: Vec::new(),
            vis: item.vis.clone(),
            unsafety: item.unsafety,
            auto_token: item.auto_token,
            restriction: None,
            trait_token: item.trait_token,
            ident: item.ident.clone(),
            generics: item.generics.clone(),
            colon_token: item.colon_token,
            supertraits: item.supertraits.clone(),
            brace_token: item.brace_token,
            items,
        };
        let mut shape = bare(Vec::new());
        let mut rewriter = self.rewriter(&[&item.generics]);
        rewriter.visit_generics_mut(&mut shape.generics);
        for bound in shape.supertraits.iter_mut() {
            rewriter.visit_type_param_bound_mut(bound);
        }
        let header = strip_body(&named(
            &unparse(syn::Item::Trait(shape)),
            "trait",
            &item.ident,
        ));
        let mut required = Vec::new();
        let mut members = Vec::new();
        for member in &item.items {
            let mut member = member.clone();
            let (name, provided, generics) = match &mut member {
                syn::TraitItem::Fn(function) => {
                    function.attrs.clear();
                    let provided = function.default.take().is_some();
                    function.semi_token = Some(Default::default());
                    let generics = function.sig.generics.clone();
                    (
                        format!("fn {}", function.sig.ident),
                        provided,
                        Some(generics),
                    )
                }
                syn::TraitItem::Type(associated) => {
                    associated.attrs.clear();
                    let provided = associated.default.take().is_some();
                    (format!("type {}", associated.ident), provided, None)
                }
                syn::TraitItem::Const(constant) => {
                    constant.attrs.clear();
                    let provided = constant.default.take().is_some();
                    (format!("const {}", constant.ident), provided, None)
                }
                _ => continue,
            };
            let is_fn = generics.is_some();
            match &generics {
                Some(generics) => self.rewriter(&[&item.generics, generics]),
                None => self.rewriter(&[&item.generics]),
            }
            .visit_trait_item_mut(&mut member);
            let mut holder = bare(vec![member]);
            holder.colon_token = None;
            holder.supertraits.clear();
            holder.generics = syn::Generics::default();
            let inner = inside_braces(&unparse(syn::Item::Trait(holder)));
            // A default is marked, not shown: its body is no part of the signature.
            let inner = match (provided, is_fn) {
                (true, true) => format!("{} {{ .. }}", inner.trim_end_matches(';')),
                (true, false) => format!("{} = ..", inner.trim_end_matches(';')),
                (false, _) => inner,
            };
            if !provided {
                required.push(name);
            }
            members.push(format!("trait {SUBJECT} {{ {inner} }}"));
        }
        required.sort();
        let required = if required.is_empty() {
            "nothing".to_owned()
        } else {
            required.join(", ")
        };
        self.push(
            index,
            0,
            Vec::new(),
            format!("{header} {{ required: {required} }}"),
        );
        for text in members {
            self.push(index, 1, Vec::new(), text);
        }
    }

    /// `#[derive(...)]` as the trait impls it writes.
    fn derives(&mut self, index: usize, attrs: &[syn::Attribute], generics: &syn::Generics) {
        let parameters: Vec<String> = generics
            .params
            .iter()
            .map(|param| match param {
                syn::GenericParam::Type(param) => param.ident.to_string(),
                syn::GenericParam::Lifetime(param) => param.lifetime.to_string(),
                syn::GenericParam::Const(param) => param.ident.to_string(),
            })
            .collect();
        let self_type = if parameters.is_empty() {
            SUBJECT.to_owned()
        } else {
            format!("{SUBJECT}<{}>", parameters.join(", "))
        };
        for attr in attrs.iter().filter(|attr| attr.path().is_ident("derive")) {
            let Ok(paths) = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            ) else {
                continue;
            };
            for mut trait_path in paths {
                let is_deserialize = trait_path
                    .segments
                    .last()
                    .is_some_and(|segment| segment.ident == "Deserialize");
                self.rewriter(&[]).mark_trait(&mut trait_path);
                let trait_text = path_text(&trait_path);
                // serde's derive writes `impl<'de> Deserialize<'de>`, as a hand-written impl
                // does: the same line either way.
                let text = if is_deserialize {
                    format!("impl<'de> {trait_text}<'de> for {self_type}")
                } else {
                    format!("impl {trait_text} for {self_type}")
                };
                self.push(index, 3, Vec::new(), text);
            }
        }
    }

    /// For an impl of a template of this module for its parameter (`impl<N> Trait for T<N>`),
    /// the template's index and the impl's name for the parameter.
    fn template_impl(&self, block: &syn::ItemImpl) -> Option<(usize, String)> {
        let syn::Type::Path(self_type) = &*block.self_ty else {
            return None;
        };
        let [segment] = self_type.path.segments.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        let (index, _) = self.templates.get(&segment.ident.to_string())?;
        let syn::PathArguments::AngleBracketed(arguments) = &segment.arguments else {
            return None;
        };
        let [syn::GenericArgument::Type(syn::Type::Path(argument))] =
            arguments.args.iter().collect::<Vec<_>>()[..]
        else {
            return None;
        };
        let parameter = argument.path.get_ident()?.to_string();
        let is_parameter = block.generics.params.iter().any(
            |param| matches!(param, syn::GenericParam::Type(param) if param.ident == parameter),
        );
        (self_type.qself.is_none() && is_parameter).then_some((*index, parameter))
    }

    fn impl_block(&mut self, block: &syn::ItemImpl) {
        let cfgs = cfg_predicates(&block.attrs);
        // Without its items: method bodies are most of an impl block's tree.
        let mut header = syn::ItemImpl {
            attrs: Vec::new(),
            defaultness: block.defaultness,
            unsafety: block.unsafety,
            impl_token: block.impl_token,
            generics: block.generics.clone(),
            trait_: block.trait_.clone(),
            self_ty: block.self_ty.clone(),
            brace_token: block.brace_token,
            items: Vec::new(),
        };
        let template = self.template_impl(block);
        if let Some((_, parameter)) = &template {
            header.generics.params = std::mem::take(&mut header.generics.params)
                .into_iter()
                .filter(|param| {
                    !matches!(param, syn::GenericParam::Type(param) if param.ident == parameter)
                })
                .collect();
            let subject = syn::Ident::new(SUBJECT, proc_macro2::Span::call_site());
            header.self_ty = Box::new(syn::parse_quote!(#subject));
        }
        let mut rewriter = self.rewriter(&[&block.generics]);
        rewriter.visit_generics_mut(&mut header.generics);
        if template.is_none() {
            rewriter.visit_type_mut(&mut header.self_ty);
        }
        let self_text = type_text(&header.self_ty);
        let trait_path = header.trait_.as_mut().map(|(_, path, _)| {
            rewriter.mark_trait(path);
            // Marked last, after the paths in its generic arguments.
            rewriter.paths.len() - 1
        });
        let owner = match template {
            Some((index, _)) => Owner::Item {
                module: self.module,
                index,
            },
            None => Owner::Impl {
                module: self.module,
                // The self type's own path is the marker it starts with; `Self`, a type
                // parameter or a reference has none.
                self_path: leading_marker(&self_text),
                trait_path,
                self_text,
            },
        };
        if header.trait_.is_some() {
            // Associated types are part of what the impl promises; functions are the trait's.
            let mut types: Vec<syn::ImplItemType> = block
                .items
                .iter()
                .filter_map(|member| match member {
                    syn::ImplItem::Type(associated) => Some(associated.clone()),
                    _ => None,
                })
                .collect();
            types.sort_by_key(|associated| associated.ident.to_string());
            for associated in &mut types {
                associated.attrs.clear();
                self.rewriter(&[&block.generics])
                    .visit_type_mut(&mut associated.ty);
            }
            header.items = types.into_iter().map(syn::ImplItem::Type).collect();
            let text = strip_body(&unparse(syn::Item::Impl(header)));
            self.out.lines.push(PendingLine {
                owner,
                rank: 3,
                cfgs,
                text,
                alias_of: None,
            });
            return;
        }
        let header = strip_body(&unparse(syn::Item::Impl(header)));
        for member in &block.items {
            let (text, attrs) = match member {
                syn::ImplItem::Fn(function)
                    if matches!(function.vis, syn::Visibility::Public(_))
                        && !is_doc_hidden(&function.attrs) =>
                {
                    let mut signature = function.sig.clone();
                    self.rewriter(&[&block.generics, &function.sig.generics])
                        .visit_signature_mut(&mut signature);
                    (fn_text(&function.vis, signature), &function.attrs)
                }
                syn::ImplItem::Const(constant)
                    if matches!(constant.vis, syn::Visibility::Public(_))
                        && !is_doc_hidden(&constant.attrs) =>
                {
                    let mut ty = constant.ty.clone();
                    self.rewriter(&[&block.generics]).visit_type_mut(&mut ty);
                    let text = format!("pub const {}: {}", constant.ident, type_text(&ty));
                    (text, &constant.attrs)
                }
                _ => continue,
            };
            let mut member_cfgs = cfgs.clone();
            member_cfgs.extend(cfg_predicates(attrs));
            self.out.lines.push(PendingLine {
                owner: owner.clone(),
                rank: 2,
                cfgs: member_cfgs,
                text: format!("{header} {{ {text} }}"),
                alias_of: None,
            });
        }
    }
}

/// Replaces every path of a signature with a marker, recording the path as written.
struct Rewriter<'a> {
    module: usize,
    paths: &'a mut Vec<PendingPath>,
    generic_names: BTreeSet<String>,
}

impl Rewriter<'_> {
    fn mark(&mut self, path: &mut syn::Path, as_trait: bool) {
        let Some(first) = path.segments.first() else {
            return;
        };
        let first = first.ident.to_string();
        if path.leading_colon.is_none() && (self.generic_names.contains(&first) || first == "Self")
        {
            return;
        }
        let arguments = path
            .segments
            .last()
            .map(|segment| segment.arguments.clone())
            .unwrap_or(syn::PathArguments::None);
        let marker = self.paths.len();
        self.paths.push(PendingPath {
            module: self.module,
            segments: path.segments.iter().map(|s| s.ident.to_string()).collect(),
            external: path.leading_colon.is_some(),
            as_trait,
        });
        let mut segment = syn::PathSegment::from(syn::Ident::new(
            &marker_text(marker),
            proc_macro2::Span::call_site(),
        ));
        segment.arguments = arguments;
        path.leading_colon = None;
        path.segments = std::iter::once(segment).collect();
    }

    fn mark_trait(&mut self, path: &mut syn::Path) {
        // The trait's own generic arguments are paths too.
        if let Some(last) = path.segments.last_mut() {
            self.visit_path_arguments_mut(&mut last.arguments);
        }
        self.mark(path, true);
    }
}

impl VisitMut for Rewriter<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        syn::visit_mut::visit_path_mut(self, path);
        self.mark(path, false);
    }

    fn visit_type_path_mut(&mut self, ty: &mut syn::TypePath) {
        if let Some(qself) = &mut ty.qself {
            // `<T as Trait>::Name`: the type inside is rewritten, the projection kept.
            self.visit_type_mut(&mut qself.ty);
            return;
        }
        syn::visit_mut::visit_type_path_mut(self, ty);
    }
}

pub(super) fn marker_text(marker: usize) -> String {
    format!("{MARKER}{marker}{MARKER}")
}

/// The number of the marker a text starts with, if it does.
fn leading_marker(text: &str) -> Option<usize> {
    let rest = text.strip_prefix(MARKER)?;
    let end = rest.find(MARKER)?;
    rest[..end].parse().ok()
}

/// The fields with only their `cfg`s: doc comments are most of a model's tree.
fn without_docs(fields: &syn::Fields) -> syn::Fields {
    let mut fields = fields.clone();
    for field in fields.iter_mut() {
        field.attrs.retain(|attr| attr.path().is_ident("cfg"));
    }
    fields
}

fn has_attr(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|attr| attr.path().is_ident(name))
}

fn variant_text(variant: &syn::Variant, rewriter: &mut Rewriter<'_>) -> String {
    let mut text = String::new();
    if has_attr(&variant.attrs, "non_exhaustive") {
        text.push_str("#[non_exhaustive] ");
    }
    text.push_str(&variant.ident.to_string());
    let mut field_types = |fields: &syn::punctuated::Punctuated<syn::Field, syn::Token![,]>| {
        fields
            .iter()
            .map(|field| {
                let mut ty = field.ty.clone();
                rewriter.visit_type_mut(&mut ty);
                match &field.ident {
                    Some(name) => format!("{name}: {}", type_text(&ty)),
                    None => type_text(&ty),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match &variant.fields {
        syn::Fields::Named(fields) => {
            text.push_str(&format!(" {{ {} }}", field_types(&fields.named)))
        }
        syn::Fields::Unnamed(fields) => {
            text.push_str(&format!("({})", field_types(&fields.unnamed)))
        }
        syn::Fields::Unit => {}
    }
    if let Some((_, discriminant)) = &variant.discriminant {
        let tokens = quote::ToTokens::to_token_stream(discriminant);
        text.push_str(&format!(" = {}", tokens_text(&tokens)));
    }
    text
}
