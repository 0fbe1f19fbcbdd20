//! Items as text: pretty-printed as rustfmt would, then joined on one line.

use super::lines::SUBJECT;

pub(super) fn fn_text(visibility: &syn::Visibility, mut signature: syn::Signature) -> String {
    // `mut` on an argument binds a local variable: callers do not see it.
    for argument in signature.inputs.iter_mut() {
        match argument {
            syn::FnArg::Receiver(receiver) if receiver.reference.is_none() => {
                receiver.mutability = None;
            }
            syn::FnArg::Typed(typed) => {
                if let syn::Pat::Ident(binding) = &mut *typed.pat {
                    binding.mutability = None;
                    binding.by_ref = None;
                }
            }
            syn::FnArg::Receiver(_) => {}
        }
    }
    let function = syn::ItemFn {
        attrs: Vec::new(),
        vis: visibility.clone(),
        sig: signature,
        block: Box::new(syn::Block {
            brace_token: Default::default(),
            stmts: Vec::new(),
        }),
    };
    strip_body(&unparse(syn::Item::Fn(function)))
}

pub(super) fn type_text(ty: &syn::Type) -> String {
    let alias = syn::Item::Type(syn::ItemType {
        attrs: Vec::new(),
        vis: syn::Visibility::Inherited,
        type_token: Default::default(),
        ident: syn::Ident::new("T", proc_macro2::Span::call_site()),
        generics: syn::Generics::default(),
        eq_token: Default::default(),
        ty: Box::new(ty.clone()),
        semi_token: Default::default(),
    });
    unparse(alias)
        .trim_start_matches("type T = ")
        .trim_end_matches(';')
        .to_owned()
}

pub(super) fn path_text(path: &syn::Path) -> String {
    type_text(&syn::Type::Path(syn::TypePath {
        qself: None,
        path: path.clone(),
    }))
}

/// One item, pretty-printed as rustfmt would, on one line.
pub(super) fn unparse(item: syn::Item) -> String {
    let file = syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![item],
    };
    one_line(&prettyplease::unparse(&file))
}

/// Joins a pretty-printed item's lines, dropping the trailing commas and the padding that
/// only multi-line layout adds.
fn one_line(text: &str) -> String {
    let mut line = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    for (from, to) in [
        (", )", ")"),
        (", >", ">"),
        (", ]", "]"),
        (", }", " }"),
        (", {", " {"),
        ("( ", "("),
        ("< ", "<"),
        ("[ ", "["),
    ] {
        line = line.replace(from, to);
    }
    line
}

/// The item's text without its (empty) body: `impl X {}` is `impl X`.
pub(super) fn strip_body(text: &str) -> String {
    text.trim_end()
        .trim_end_matches("{}")
        .trim_end()
        .trim_end_matches(',')
        .to_owned()
}

/// What is between the outermost braces of an item's text.
pub(super) fn inside_braces(text: &str) -> String {
    match (text.find('{'), text.rfind('}')) {
        (Some(open), Some(close)) if open < close => text[open + 1..close].trim().to_owned(),
        _ => String::new(),
    }
}

/// The item's text with its name, after its keyword, written as the subject marker.
pub(super) fn named(text: &str, keyword: &str, ident: &syn::Ident) -> String {
    let needle = format!("{keyword} {ident}");
    let mut from = 0;
    while let Some(found) = text[from..].find(&needle) {
        let start = from + found;
        let end = start + needle.len();
        // The name ends there: `struct Foo` must not match `struct FooBar`.
        if !text[end..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            return format!("{}{keyword} {SUBJECT}{}", &text[..start], &text[end..]);
        }
        from = end;
    }
    text.to_owned()
}

/// Token text with the spacing people write: `all(feature = "a", test)`.
pub(super) fn tokens_text(tokens: &proc_macro2::TokenStream) -> String {
    let mut text = tokens.to_string();
    for (from, to) in [(" ,", ","), (" (", "("), ("( ", "("), (" )", ")")] {
        text = text.replace(from, to);
    }
    text
}
