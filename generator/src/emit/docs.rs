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
///
/// Spec text never runs: a fenced block becomes a `text` block whatever language it names
/// (rustdoc would compile and run Rust, and untagged blocks are Rust to it), and no line is
/// indented enough to open an indented code block, which rustdoc also runs. A line that
/// continues a list item lazily is indented under the item, which is what CommonMark makes
/// of it anyway, so clippy's `doc_lazy_continuation` has nothing to say.
pub fn sanitize(text: &str) -> Vec<String> {
    let mut fence: Option<String> = None;
    let mut list_indent: Option<usize> = None;
    let mut lines: Vec<String> = Vec::new();
    for line in text.trim().lines() {
        let line = line.trim_end();
        let trimmed = line.trim_start();
        if let Some(marker) = &fence {
            if trimmed.starts_with(marker.as_str()) {
                lines.push(format!(" {marker}"));
                fence = None;
            } else {
                lines.push(format!(" {line}"));
            }
            continue;
        }
        if let Some(marker) = fence_marker(trimmed) {
            lines.push(format!(" {marker}text"));
            fence = Some(marker);
            list_indent = None;
            continue;
        }
        if trimmed.is_empty() {
            lines.push(String::new());
            list_indent = None;
            continue;
        }
        let indent = (line.len() - trimmed.len()).min(3);
        let content = sanitize_line(trimmed);
        if let Some(marker_width) = list_marker_width(trimmed) {
            list_indent = Some(indent + marker_width);
            lines.push(format!(" {}{content}", " ".repeat(indent)));
        } else if let Some(item_indent) = list_indent {
            lines.push(format!(" {}{content}", " ".repeat(item_indent.max(indent))));
        } else {
            lines.push(format!(" {}{content}", " ".repeat(indent)));
        }
    }
    if let Some(marker) = fence {
        // An unclosed fence would swallow everything rustdoc puts after it.
        lines.push(format!(" {marker}"));
    }
    lines.dedup_by(|a, b| a.is_empty() && b.is_empty());
    lines
}

/// The backticks or tildes that open a fenced code block, if the line opens one.
fn fence_marker(trimmed: &str) -> Option<String> {
    let fence_char = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let length = trimmed.chars().take_while(|c| *c == fence_char).count();
    (length >= 3).then(|| fence_char.to_string().repeat(length))
}

/// The width of a list item's marker and the space after it (`- `, `* `, `+ `, `12. `,
/// `3) `), which is where the item's text starts.
fn list_marker_width(trimmed: &str) -> Option<usize> {
    if ["- ", "* ", "+ "]
        .iter()
        .any(|marker| trimmed.starts_with(marker))
    {
        return Some(2);
    }
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    let rest = &trimmed[digits..];
    ((1..=9).contains(&digits) && (rest.starts_with(". ") || rest.starts_with(") ")))
        .then_some(digits + 2)
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
    fn fenced_code_is_kept_but_never_runs() {
        assert_eq!(
            sanitize("a[0]\n```\nlet x = a[0] < b;\n```"),
            vec![" a\\[0\\]", " ```text", " let x = a[0] < b;", " ```"]
        );
        assert_eq!(
            sanitize("```rust\nstd::process::abort();"),
            vec![" ```text", " std::process::abort();", " ```"]
        );
    }

    #[test]
    fn indented_lines_never_become_code_blocks() {
        assert_eq!(
            sanitize("para\n\n        curl -X POST"),
            vec![" para", "", "    curl -X POST"]
        );
    }

    #[test]
    fn lazy_list_continuations_are_indented_under_their_item() {
        assert_eq!(
            sanitize("- first\nmore of first\n\nafter"),
            vec![" - first", "   more of first", "", " after"]
        );
        assert_eq!(sanitize("10. ten\nmore"), vec![" 10. ten", "     more"]);
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
