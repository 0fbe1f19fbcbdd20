//! Spec descriptions (CommonMark) into rustdoc that builds without warnings.

use proc_macro2::TokenStream;
use quote::quote;

/// One `#[doc]` attribute per line, so the emitted code reads like hand-written `///` comments.
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = sanitize(text);
    quote! { #( #[doc = #lines] )* }
}

/// Crate-level `#![doc]` attributes from text the generator wrote itself (its intra-doc
/// links are meant); spec text in it must go through [`sanitize_text`] first.
pub fn inner_doc_attrs(text: &str) -> TokenStream {
    let lines = trusted_lines(text);
    quote! { #( #![doc = #lines] )* }
}

/// `#[doc]` attributes from generator-written text (spec parts already sanitized).
pub fn doc_attrs_trusted(text: &str) -> TokenStream {
    let lines = trusted_lines(text);
    quote! { #( #[doc = #lines] )* }
}

/// Doc lines of generator-written text: split, not rewritten.
pub fn trusted_lines(text: &str) -> Vec<String> {
    text.trim()
        .lines()
        .map(|line| {
            if line.trim().is_empty() {
                String::new()
            } else {
                format!(" {}", line.trim_end())
            }
        })
        .collect()
}

/// Spec text made safe for rustdoc, as Markdown.
pub fn sanitize_text(text: &str) -> String {
    sanitize(text)
        .iter()
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The spec's description (sanitized) followed by a note the generator wrote (kept as is).
pub fn spec_docs_with_note(spec: Option<&str>, note: &str) -> TokenStream {
    let mut text = spec.map(sanitize_text).unwrap_or_default();
    if !text.trim().is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(note);
    doc_attrs_trusted(&text)
}

/// Lines of rustdoc, each with the leading space that `///` would give.
/// Fenced code blocks pass through untouched.
pub fn sanitize(text: &str) -> Vec<String> {
    let mut in_fence = false;
    let mut lines: Vec<String> = Vec::new();
    for line in text.trim().lines() {
        let line = line.trim_end();
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            lines.push(format!(" {line}"));
        } else if in_fence {
            lines.push(format!(" {line}"));
        } else if line.trim().is_empty() {
            lines.push(String::new());
        } else {
            lines.push(format!(" {}", sanitize_line(line)));
        }
    }
    lines.dedup_by(|a, b| a.is_empty() && b.is_empty());
    lines
}

/// Outside code spans: bare URLs become autolinks (rustdoc warns on bare URLs), brackets that
/// are not Markdown links are escaped (rustdoc would read `array[object]` as an intra-doc link),
/// and `<` that does not open an autolink is escaped (rustdoc would read `<name>` as HTML).
/// Markdown links and autolinks already in the text are kept as written.
fn sanitize_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    let mut at_word_start = true;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            // A code span runs to the next backtick; an unmatched one is literal text.
            let end = rest[1..].find('`').map_or(1, |end| end + 2);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            at_word_start = false;
            continue;
        }
        if let Some(len) = markdown_link_len(rest).or_else(|| autolink_len(rest)) {
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            at_word_start = false;
            continue;
        }
        if at_word_start && (rest.starts_with("https://") || rest.starts_with("http://")) {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '`'))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            at_word_start = false;
            continue;
        }
        match c {
            '[' | ']' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
        at_word_start = !c.is_alphanumeric();
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The length of a `[label](target)` link at the start of `text`.
fn markdown_link_len(text: &str) -> Option<usize> {
    if !text.starts_with('[') {
        return None;
    }
    let close = text.find("](")?;
    let target_end = text[close..].find(')')? + close;
    let target = &text[close + 2..target_end];
    (!target.is_empty() && !target.contains(char::is_whitespace)).then_some(target_end + 1)
}

/// The length of an `<https://...>` autolink at the start of `text`.
fn autolink_len(text: &str) -> Option<usize> {
    let inner = text.strip_prefix('<')?;
    if !(inner.starts_with("https://") || inner.starts_with("http://")) {
        return None;
    }
    let end = inner.find('>')?;
    (!inner[..end].contains(char::is_whitespace)).then_some(end + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(
            sanitize_line("See https://cloud.mongodb.com/api/atlas."),
            "See <https://cloud.mongodb.com/api/atlas>."
        );
    }

    #[test]
    fn code_spans_are_left_alone() {
        assert_eq!(sanitize_line("use `a[0] <b>` here"), "use `a[0] <b>` here");
    }

    #[test]
    fn brackets_and_angles_outside_links_are_escaped() {
        assert_eq!(
            sanitize_line("array[object] <name>"),
            "array\\[object\\] \\<name\\>"
        );
        assert_eq!(
            sanitize_line("see [the docs](https://example.com/x) now"),
            "see [the docs](https://example.com/x) now"
        );
    }

    #[test]
    fn fenced_code_is_untouched() {
        assert_eq!(
            sanitize("a[0]\n```\nlet x = a[0] < b;\n```"),
            vec![" a\\[0\\]", " ```", " let x = a[0] < b;", " ```"]
        );
    }

    #[test]
    fn existing_links_survive() {
        assert_eq!(
            sanitize_line("see <https://a.example/b>"),
            "see <https://a.example/b>"
        );
        assert_eq!(
            sanitize_line("[`Api`](crate::runtime::Api) with"),
            "[`Api`](crate::runtime::Api) with"
        );
    }

    #[test]
    fn blank_lines_collapse_and_every_line_gets_a_leading_space() {
        assert_eq!(sanitize("a\n\n\n\nb"), vec![" a", "", " b"]);
    }
}
