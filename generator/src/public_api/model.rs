//! The crate as rustc's name resolution sees it, reduced to what a public API listing needs:
//! modules, the names each binds (items, child modules, imports), and which items users can
//! name from outside, at which paths and under which `cfg`s.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Imports are followed at most this deep: a cycle of re-exports is a compile error, and a
/// deeper chain is not something this crate writes.
const MAX_DEPTH: usize = 32;

pub(super) struct Crate {
    pub(super) modules: Vec<Module>,
    by_path: BTreeMap<Vec<String>, usize>,
}

pub(super) struct Module {
    /// The path of the definition, e.g. `["runtime", "client"]`; the root is empty.
    pub(super) path: Vec<String>,
    pub(super) parent: Option<usize>,
    /// The `cfg`s on the way from the root to this module, its own declaration's included.
    pub(super) cfgs: Vec<String>,
    /// What the listing needs of each item, in the order [`kept_items`] gives them.
    pub(super) items: Vec<ItemInfo>,
    bindings: BTreeMap<String, Vec<Binding>>,
    globs: Vec<Glob>,
}

/// An item as name resolution sees it.
#[derive(Debug, Clone)]
pub(super) struct ItemInfo {
    pub(super) name: Option<String>,
    pub(super) cfgs: Vec<String>,
    pub(super) hidden: bool,
    public: bool,
    kind: ItemKind,
}

#[derive(Debug, Clone)]
enum ItemKind {
    /// In the type namespace: struct, enum, union, trait, type alias.
    Type,
    /// Functions, constants, statics.
    Value,
    Impl,
    /// `#[macro_export]` macros are bound at the crate root.
    ExportedMacro,
    /// A module: its items when they are inline, else found by path among the files.
    Module(Option<Vec<Summary>>),
    /// The names a `use` binds and their paths (`None` for a glob).
    Use(Vec<(Option<String>, Vec<String>)>),
    Other,
}

/// What one item contributes to name resolution: the first phase of a listing, made for each
/// file on its own so that no syntax tree outlives its file.
#[derive(Debug, Clone)]
pub(super) struct Summary(ItemInfo);

/// The summaries of a file's items (test-only items left out).
pub(super) fn summarize(items: &[syn::Item]) -> Vec<Summary> {
    kept_items(items)
        .map(|item| {
            let attrs = item_attrs(item);
            let kind = match item {
                syn::Item::Struct(_)
                | syn::Item::Enum(_)
                | syn::Item::Union(_)
                | syn::Item::Trait(_)
                | syn::Item::TraitAlias(_)
                | syn::Item::Type(_) => ItemKind::Type,
                syn::Item::Fn(_) | syn::Item::Const(_) | syn::Item::Static(_) => ItemKind::Value,
                syn::Item::Impl(_) => ItemKind::Impl,
                syn::Item::Macro(mac)
                    if mac.ident.is_some()
                        && attrs
                            .iter()
                            .any(|attr| attr.path().is_ident("macro_export")) =>
                {
                    ItemKind::ExportedMacro
                }
                syn::Item::Mod(module) => {
                    ItemKind::Module(module.content.as_ref().map(|(_, items)| summarize(items)))
                }
                syn::Item::Use(import) => {
                    let mut imports = Vec::new();
                    flatten_use(&import.tree, &mut Vec::new(), &mut imports);
                    ItemKind::Use(imports)
                }
                _ => ItemKind::Other,
            };
            Summary(ItemInfo {
                name: item_name(item),
                cfgs: cfg_predicates(attrs),
                hidden: is_doc_hidden(attrs),
                public: is_public(item),
                kind,
            })
        })
        .collect()
}

/// The items a listing looks at, in order: all but those only built for tests. Both phases
/// number items by their position here.
pub(super) fn kept_items(items: &[syn::Item]) -> impl Iterator<Item = &syn::Item> {
    items.iter().filter(|item| !is_test_only(item_attrs(item)))
}

#[derive(Clone)]
struct Binding {
    public: bool,
    hidden: bool,
    cfgs: Vec<String>,
    kind: BindingKind,
}

#[derive(Clone)]
enum BindingKind {
    /// An item, by its module (this one, but for exported macros) and index into that
    /// module's items; `is_type` tells the type namespace (preferred in paths) from values.
    Item {
        module: usize,
        index: usize,
        is_type: bool,
    },
    Module(usize),
    /// An import, by the path as written.
    Use(Vec<String>),
}

struct Glob {
    public: bool,
    hidden: bool,
    cfgs: Vec<String>,
    path: Vec<String>,
}

/// What a path names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Target {
    /// An item of this crate: module and index into its items.
    Item(usize, usize),
    Module(usize),
    /// Something of another crate (or the prelude), by its full path.
    External(Vec<String>),
}

/// A path users can write (from the crate root) and the `cfg`s it needs.
pub(super) type Route = (Vec<String>, Vec<String>);

/// Where users can name the crate's items from outside.
#[derive(Default)]
pub(super) struct Reach {
    /// Every public path of each reachable item or module.
    pub(super) paths: BTreeMap<Target, Vec<Route>>,
    /// Public names of things from other crates: path here, path there, `cfg`s.
    pub(super) external: Vec<(Vec<String>, Vec<String>, Vec<String>)>,
}

impl Reach {
    /// The path an item is listed under: its definition path when users can write it (as
    /// rustdoc does), else the public path closest to it, then the shortest; so that adding a
    /// re-export elsewhere does not rename the item.
    pub(super) fn canonical(&self, krate: &Crate, target: &Target) -> Option<&Route> {
        let definition = match target {
            Target::Item(..) | Target::Module(_) => krate.definition_path(target),
            Target::External(path) => path.clone(),
        };
        self.paths.get(target)?.iter().min_by(|a, b| {
            let common = |path: &Vec<String>| {
                path.iter()
                    .zip(&definition)
                    .take_while(|(x, y)| x == y)
                    .count()
            };
            common(&b.0)
                .cmp(&common(&a.0))
                .then(a.0.len().cmp(&b.0.len()))
                .then(a.0.cmp(&b.0))
        })
    }
}

impl Crate {
    /// Builds the module tree from the summaries of `src/lib.rs` and the files below `src/`,
    /// each given with its path relative to the crate root.
    pub(super) fn new(files: Vec<(String, Vec<Summary>)>) -> Result<Self, String> {
        let mut by_path: BTreeMap<Vec<String>, Vec<Summary>> = BTreeMap::new();
        for (path, summaries) in files {
            if let Some(module_path) = module_path(&path) {
                by_path.insert(module_path, summaries);
            }
        }
        let root = by_path
            .remove(&Vec::new())
            .ok_or("the crate has no src/lib.rs")?;
        let mut krate = Crate {
            modules: Vec::new(),
            by_path: BTreeMap::new(),
        };
        krate.add_module(Vec::new(), None, Vec::new(), root, &mut by_path);
        Ok(krate)
    }

    /// The module defined at a path, if the crate has it.
    pub(super) fn module_at(&self, path: &[String]) -> Option<usize> {
        self.by_path.get(path).copied()
    }

    /// Where a local item or module is defined, e.g. `["models", "backup", "Backup"]`.
    pub(super) fn definition_path(&self, target: &Target) -> Vec<String> {
        match target {
            Target::Item(module, index) => {
                let mut path = self.modules[*module].path.clone();
                path.extend(self.modules[*module].items[*index].name.clone());
                path
            }
            Target::Module(module) => self.modules[*module].path.clone(),
            Target::External(path) => path.clone(),
        }
    }

    fn add_module(
        &mut self,
        path: Vec<String>,
        parent: Option<usize>,
        cfgs: Vec<String>,
        summaries: Vec<Summary>,
        files: &mut BTreeMap<Vec<String>, Vec<Summary>>,
    ) -> usize {
        let index = self.modules.len();
        self.by_path.insert(path.clone(), index);
        self.modules.push(Module {
            path: path.clone(),
            parent,
            cfgs: cfgs.clone(),
            items: Vec::new(),
            bindings: BTreeMap::new(),
            globs: Vec::new(),
        });
        let mut items = Vec::with_capacity(summaries.len());
        for (position, Summary(mut info)) in summaries.into_iter().enumerate() {
            let kind = std::mem::replace(&mut info.kind, ItemKind::Other);
            let (public, hidden, item_cfgs) = (info.public, info.hidden, info.cfgs.clone());
            match kind {
                ItemKind::Module(inline) => {
                    let Some(name) = info.name.clone() else {
                        continue;
                    };
                    let mut child_path = path.clone();
                    child_path.push(name.clone());
                    let child_items = inline.or_else(|| files.remove(&child_path));
                    if let Some(child_items) = child_items {
                        let child_cfgs = union(&cfgs, &item_cfgs);
                        let child = self.add_module(
                            child_path,
                            Some(index),
                            child_cfgs,
                            child_items,
                            files,
                        );
                        self.modules[index].bind(
                            name,
                            public,
                            hidden,
                            item_cfgs,
                            BindingKind::Module(child),
                        );
                    }
                }
                ItemKind::Use(imports) => {
                    for (name, import) in imports {
                        match name {
                            Some(name) => self.modules[index].bind(
                                name,
                                public,
                                hidden,
                                item_cfgs.clone(),
                                BindingKind::Use(import),
                            ),
                            None => self.modules[index].globs.push(Glob {
                                public,
                                hidden,
                                cfgs: item_cfgs.clone(),
                                path: import,
                            }),
                        }
                    }
                }
                ItemKind::ExportedMacro => {
                    if let Some(name) = info.name.clone() {
                        self.modules[0].bind(
                            name,
                            true,
                            hidden,
                            union(&cfgs, &item_cfgs),
                            BindingKind::Item {
                                module: index,
                                index: position,
                                is_type: false,
                            },
                        );
                    }
                }
                ItemKind::Type | ItemKind::Value => {
                    if let Some(name) = info.name.clone() {
                        self.modules[index].bind(
                            name,
                            public,
                            hidden,
                            item_cfgs,
                            BindingKind::Item {
                                module: index,
                                index: position,
                                is_type: matches!(kind, ItemKind::Type),
                            },
                        );
                    }
                }
                ItemKind::Impl | ItemKind::Other => {}
            }
            items.push(info);
        }
        self.modules[index].items = items;
        index
    }

    /// What `path` names when written in `module`.
    pub(super) fn resolve(&self, module: usize, path: &[String]) -> Option<(Target, usize)> {
        self.resolve_at(module, path, 0, None)
    }

    /// Resolves a path; the number returned is how many of its segments named the target
    /// (the rest name something inside an item, such as an enum variant).
    fn resolve_at(
        &self,
        module: usize,
        path: &[String],
        depth: usize,
        importing: Option<&[String]>,
    ) -> Option<(Target, usize)> {
        if depth > MAX_DEPTH {
            return None;
        }
        let (first, rest) = path.split_first()?;
        let mut consumed = 1;
        let mut target = match first.as_str() {
            "crate" => Target::Module(0),
            "self" => Target::Module(module),
            "super" => Target::Module(self.modules[module].parent?),
            "Self" => return None,
            name => self
                .lookup(module, name, depth, importing)
                .unwrap_or_else(|| Target::External(vec![name.to_owned()])),
        };
        for segment in rest {
            target = match target {
                Target::Module(current) => {
                    let next = if segment == "super" {
                        Some(Target::Module(self.modules[current].parent?))
                    } else {
                        self.lookup(current, segment, depth, None)
                    };
                    next?
                }
                Target::External(mut external) => {
                    external.push(segment.clone());
                    Target::External(external)
                }
                item @ Target::Item(..) => return Some((item, consumed)),
            };
            consumed += 1;
        }
        Some((target, consumed))
    }

    /// A name bound in a module: items and modules first, then imports, then glob imports.
    /// `importing` is the path of the import being resolved, which must not resolve to itself.
    fn lookup(
        &self,
        module: usize,
        name: &str,
        depth: usize,
        importing: Option<&[String]>,
    ) -> Option<Target> {
        let bindings = self.modules[module].bindings.get(name);
        let mut candidates: Vec<&Binding> =
            bindings.map(|b| b.iter().collect()).unwrap_or_default();
        // Types before values, definitions before imports: paths in signatures name types.
        candidates.sort_by_key(|binding| match binding.kind {
            BindingKind::Item { is_type: true, .. } | BindingKind::Module(_) => 0,
            BindingKind::Use(_) => 1,
            BindingKind::Item { is_type: false, .. } => 2,
        });
        for binding in candidates {
            match &binding.kind {
                BindingKind::Item { module, index, .. } => {
                    return Some(Target::Item(*module, *index));
                }
                BindingKind::Module(child) => return Some(Target::Module(*child)),
                BindingKind::Use(path) => {
                    if importing == Some(path.as_slice()) {
                        continue;
                    }
                    if let Some((target, consumed)) =
                        self.resolve_at(module, path, depth + 1, Some(path))
                    {
                        if consumed == path.len() {
                            return Some(target);
                        }
                    }
                }
            }
        }
        for glob in &self.modules[module].globs {
            if let Some((Target::Module(source), _)) =
                self.resolve_at(module, &glob.path, depth + 1, None)
            {
                if source != module {
                    if let Some(target) = self.lookup(source, name, depth + 1, None) {
                        return Some(target);
                    }
                }
            }
        }
        None
    }

    /// Every item and module users can name, walking public modules and re-exports from
    /// the root.
    pub(super) fn reach(&self) -> Reach {
        let mut reach = Reach::default();
        // Modules are walked once, at the first path found: first every module public
        // declarations lead to, at its definition path, so that a re-export elsewhere never
        // decides where a module's items are listed; then modules only re-exports reach.
        let mut walked = BTreeSet::from([0]);
        let mut queue = VecDeque::new();
        let mut declared = vec![(0usize, Vec::<String>::new(), Vec::<String>::new())];
        while let Some((module, path, cfgs)) = declared.pop() {
            for (name, bindings) in &self.modules[module].bindings {
                for binding in bindings
                    .iter()
                    .filter(|binding| binding.public && !binding.hidden)
                {
                    if let BindingKind::Module(child) = binding.kind {
                        if walked.insert(child) {
                            let mut child_path = path.clone();
                            child_path.push(name.clone());
                            let child_cfgs = union(&cfgs, &self.modules[child].cfgs);
                            declared.push((child, child_path, child_cfgs));
                        }
                    }
                }
            }
            queue.push_back((module, path, cfgs));
        }
        reach
            .paths
            .insert(Target::Module(0), vec![(Vec::new(), Vec::new())]);
        while let Some((module, path, cfgs)) = queue.pop_front() {
            let mut exports: Vec<(String, Binding, usize)> = Vec::new();
            for (name, bindings) in &self.modules[module].bindings {
                for binding in bindings {
                    exports.push((name.clone(), binding.clone(), module));
                }
            }
            for glob in &self.modules[module].globs {
                if !glob.public || glob.hidden {
                    continue;
                }
                if let Some((Target::Module(source), _)) = self.resolve(module, &glob.path) {
                    for (name, bindings) in &self.modules[source].bindings {
                        for binding in bindings.iter().filter(|binding| binding.public) {
                            let mut binding = binding.clone();
                            binding.cfgs = union(&binding.cfgs, &glob.cfgs);
                            exports.push((name.clone(), binding, source));
                        }
                    }
                }
            }
            for (name, binding, home) in exports {
                if !binding.public || binding.hidden {
                    continue;
                }
                let mut public_path = path.clone();
                public_path.push(name.clone());
                let route_cfgs = union(&cfgs, &binding.cfgs);
                let target = match &binding.kind {
                    BindingKind::Item { module, index, .. } => Target::Item(*module, *index),
                    BindingKind::Module(child) => Target::Module(*child),
                    BindingKind::Use(import) => {
                        match self.resolve_at(home, import, 0, Some(import)) {
                            Some((target, consumed)) if consumed == import.len() => target,
                            _ => continue,
                        }
                    }
                };
                let target_cfgs = match &target {
                    Target::Item(owner, index) => union(
                        &self.modules[*owner].cfgs,
                        &self.modules[*owner].items[*index].cfgs,
                    ),
                    Target::Module(child) => self.modules[*child].cfgs.clone(),
                    Target::External(_) => Vec::new(),
                };
                let all_cfgs = union(&route_cfgs, &target_cfgs);
                match &target {
                    Target::External(external) => {
                        reach
                            .external
                            .push((public_path, external.clone(), all_cfgs));
                    }
                    Target::Module(child) => {
                        reach
                            .paths
                            .entry(target.clone())
                            .or_default()
                            .push((public_path.clone(), all_cfgs.clone()));
                        if walked.insert(*child) {
                            queue.push_back((*child, public_path, all_cfgs));
                        }
                    }
                    Target::Item(owner, index) => {
                        if !self.modules[*owner].items[*index].hidden {
                            reach
                                .paths
                                .entry(target.clone())
                                .or_default()
                                .push((public_path, all_cfgs));
                        }
                    }
                }
            }
        }
        for paths in reach.paths.values_mut() {
            paths.sort();
            paths.dedup();
        }
        reach.external.sort();
        reach.external.dedup();
        reach
    }
}

impl Module {
    fn bind(
        &mut self,
        name: String,
        public: bool,
        hidden: bool,
        cfgs: Vec<String>,
        kind: BindingKind,
    ) {
        self.bindings.entry(name).or_default().push(Binding {
            public,
            hidden,
            cfgs,
            kind,
        });
    }
}

/// The module a file defines: `src/lib.rs` is the root, `src/a/mod.rs` and `src/a.rs` are
/// `a`, `src/a/b.rs` is `a::b`. Files outside `src/` (examples, tests) are not the library.
pub(super) fn module_path(file: &str) -> Option<Vec<String>> {
    let relative = file.strip_prefix("src/")?.strip_suffix(".rs")?;
    if relative == "lib" {
        return Some(Vec::new());
    }
    let mut segments: Vec<String> = relative.split('/').map(str::to_owned).collect();
    if segments.last().is_some_and(|last| last == "mod") {
        segments.pop();
    }
    Some(segments)
}

/// Each name a `use` binds, with the path it imports (`None` for a glob); `_` imports bind
/// nothing users can name.
fn flatten_use(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Option<String>, Vec<String>)>,
) {
    match tree {
        syn::UseTree::Path(path) => {
            prefix.push(path.ident.to_string());
            flatten_use(&path.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(name) => {
            let ident = name.ident.to_string();
            if ident == "self" {
                if let Some(last) = prefix.last() {
                    out.push((Some(last.clone()), prefix.clone()));
                }
            } else {
                let mut path = prefix.clone();
                path.push(ident.clone());
                out.push((Some(ident), path));
            }
        }
        syn::UseTree::Rename(rename) => {
            let alias = rename.rename.to_string();
            let ident = rename.ident.to_string();
            let path = if ident == "self" {
                prefix.clone()
            } else {
                let mut path = prefix.clone();
                path.push(ident);
                path
            };
            if alias != "_" {
                out.push((Some(alias), path));
            }
        }
        syn::UseTree::Glob(_) => out.push((None, prefix.clone())),
        syn::UseTree::Group(group) => {
            for tree in &group.items {
                flatten_use(tree, prefix, out);
            }
        }
    }
}

pub(super) fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(item) => &item.attrs,
        syn::Item::Enum(item) => &item.attrs,
        syn::Item::ExternCrate(item) => &item.attrs,
        syn::Item::Fn(item) => &item.attrs,
        syn::Item::ForeignMod(item) => &item.attrs,
        syn::Item::Impl(item) => &item.attrs,
        syn::Item::Macro(item) => &item.attrs,
        syn::Item::Mod(item) => &item.attrs,
        syn::Item::Static(item) => &item.attrs,
        syn::Item::Struct(item) => &item.attrs,
        syn::Item::Trait(item) => &item.attrs,
        syn::Item::TraitAlias(item) => &item.attrs,
        syn::Item::Type(item) => &item.attrs,
        syn::Item::Union(item) => &item.attrs,
        syn::Item::Use(item) => &item.attrs,
        _ => &[],
    }
}

pub(super) fn item_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Const(item) => &item.ident,
        syn::Item::Enum(item) => &item.ident,
        syn::Item::Fn(item) => &item.sig.ident,
        syn::Item::Mod(item) => &item.ident,
        syn::Item::Static(item) => &item.ident,
        syn::Item::Struct(item) => &item.ident,
        syn::Item::Trait(item) => &item.ident,
        syn::Item::TraitAlias(item) => &item.ident,
        syn::Item::Type(item) => &item.ident,
        syn::Item::Union(item) => &item.ident,
        syn::Item::Macro(item) => return item.ident.as_ref().map(|ident| format!("{ident}!")),
        _ => return None,
    };
    Some(ident.to_string().trim_start_matches("r#").to_owned())
}

/// `pub` exactly: `pub(crate)` and friends are not part of the public API.
fn is_public(item: &syn::Item) -> bool {
    let visibility = match item {
        syn::Item::Const(item) => &item.vis,
        syn::Item::Enum(item) => &item.vis,
        syn::Item::ExternCrate(item) => &item.vis,
        syn::Item::Fn(item) => &item.vis,
        syn::Item::Mod(item) => &item.vis,
        syn::Item::Static(item) => &item.vis,
        syn::Item::Struct(item) => &item.vis,
        syn::Item::Trait(item) => &item.vis,
        syn::Item::TraitAlias(item) => &item.vis,
        syn::Item::Type(item) => &item.vis,
        syn::Item::Union(item) => &item.vis,
        syn::Item::Use(item) => &item.vis,
        _ => return false,
    };
    matches!(visibility, syn::Visibility::Public(_))
}

/// The predicates of an item's `#[cfg(...)]` attributes, as text.
pub(super) fn cfg_predicates(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut cfgs: Vec<String> = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg"))
        .filter_map(|attr| attr.meta.require_list().ok())
        .map(|list| super::text::tokens_text(&list.tokens))
        .collect();
    cfgs.sort();
    cfgs.dedup();
    cfgs
}

/// Items only built for tests (`#[cfg(test)]`) are no part of the library.
pub(super) fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    cfg_predicates(attrs).iter().any(|cfg| cfg == "test")
}

/// `#[doc(hidden)]`: public for the crate's own generated code, not for users.
pub(super) fn is_doc_hidden(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("doc")
            && attr
                .meta
                .require_list()
                .is_ok_and(|list| super::text::tokens_text(&list.tokens) == "hidden")
    })
}

pub(super) fn union(a: &[String], b: &[String]) -> Vec<String> {
    let mut all: Vec<String> = a.iter().chain(b).cloned().collect();
    all.sort();
    all.dedup();
    all
}
