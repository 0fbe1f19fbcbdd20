//! Edits of YAML text that touch only the lines they add or replace, so the curated spec keeps
//! its comments, layout and vendor extensions: finding a mapping entry's block by its keys,
//! and writing new entries in the file's own block style.
//!
//! This is line-based on purpose and covers block-style mappings as the curated spec writes
//! them. It is not a YAML parser: the caller parses the edited text and checks that it gives
//! exactly the intended tree before anything is written.

use serde_yaml::Value;

/// The text split into lines (without their `\n`), with the edits still to apply.
#[derive(Debug)]
pub struct TextEdit {
    lines: Vec<String>,
    /// `(at, remove, text)`: replace `remove` lines from line `at` with `text`.
    edits: Vec<(usize, usize, String)>,
    pub indent_step: usize,
}

/// Where an entry sits: its key line and the line after its last content line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    pub key_line: usize,
    pub indent: usize,
    pub end: usize,
}

impl TextEdit {
    pub fn new(text: &str) -> Self {
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let mut edit = Self {
            lines,
            edits: Vec::new(),
            indent_step: 2,
        };
        // The file's own indentation step, read from its first nested key.
        if let Some(top) = edit
            .find(&[], "paths")
            .or_else(|| edit.find(&[], "components"))
        {
            if let Some(child) = edit.child_indent(top) {
                edit.indent_step = child.max(1);
            }
        }
        edit
    }

    /// The block of the entry reached by `keys` from the top level, if every key is there.
    pub fn find_path(&self, keys: &[&str]) -> Option<Block> {
        let (last, parents) = keys.split_last()?;
        self.find(parents, last)
    }

    fn find(&self, parents: &[&str], key: &str) -> Option<Block> {
        let (start, end, indent) = match parents.split_last() {
            None => (0, self.lines.len(), 0),
            Some((parent, grandparents)) => {
                let block = self.find(grandparents, parent)?;
                let indent = self.child_indent(block)?;
                (block.key_line + 1, block.end, indent)
            }
        };
        (start..end)
            .find(|&line| {
                indent_of(&self.lines[line]) == Some(indent)
                    && line_key(&self.lines[line]).as_deref() == Some(key)
            })
            .map(|key_line| Block {
                key_line,
                indent,
                end: self.block_end(key_line, indent),
            })
    }

    /// The indentation of a block's children, if it has any.
    pub fn child_indent(&self, block: Block) -> Option<usize> {
        self.lines[block.key_line + 1..block.end]
            .iter()
            .filter_map(|line| indent_of(line))
            .next()
            .filter(|&indent| indent > block.indent)
    }

    /// Whether the block's children are separated by blank lines (as the spec's paths are).
    pub fn children_spaced(&self, block: Block) -> bool {
        let Some(indent) = self.child_indent(block) else {
            return false;
        };
        let keys: Vec<usize> = (block.key_line + 1..block.end)
            .filter(|&line| indent_of(&self.lines[line]) == Some(indent))
            .collect();
        keys.len() > 1
            && keys
                .last()
                .is_some_and(|&last| self.lines[last - 1].trim().is_empty())
    }

    fn block_end(&self, key_line: usize, indent: usize) -> usize {
        let mut end = key_line + 1;
        for line in key_line + 1..self.lines.len() {
            let text = &self.lines[line];
            match indent_of(text) {
                None => {}
                Some(inner) if inner > indent => end = line + 1,
                // A block sequence may sit at its key's own indentation.
                Some(inner) if inner == indent && text.trim_start().starts_with('-') => {
                    end = line + 1;
                }
                Some(_) => break,
            }
        }
        end
    }

    /// Whether an entry's value is written on its key line (`key: {}`, `key: value`).
    pub fn has_inline_value(&self, block: Block) -> bool {
        let line = &self.lines[block.key_line];
        let rest = line.split_once(':').map_or("", |(_, rest)| rest).trim();
        !(rest.is_empty() || rest.starts_with('#'))
    }

    /// Inserts `text` (whole lines) after the block's last line.
    pub fn append_to(&mut self, block: Block, text: String) {
        self.edits.push((block.end, 0, text));
    }

    /// Inserts `text` at the end of the file.
    pub fn append_to_file(&mut self, text: String) {
        let end = self.lines.len();
        self.edits.push((end, 0, text));
    }

    /// Replaces the block, key line included, with `text`.
    pub fn replace(&mut self, block: Block, text: String) {
        self.edits
            .push((block.key_line, block.end - block.key_line, text));
    }

    /// The text with every edit applied; edits at the same line keep the order they were made.
    pub fn finish(self) -> String {
        let mut lines = self.lines;
        let mut edits = self.edits;
        // Stable sort, applied back to front: earlier lines keep their numbers.
        edits.sort_by_key(|(at, _, _)| *at);
        let mut grouped: Vec<(usize, usize, String)> = Vec::new();
        for (at, remove, text) in edits {
            match grouped.last_mut() {
                Some(last) if last.0 == at => {
                    last.1 += remove;
                    last.2.push_str(&text);
                }
                _ => grouped.push((at, remove, text)),
            }
        }
        for (at, remove, text) in grouped.into_iter().rev() {
            let new_lines = text.lines().map(str::to_owned);
            lines.splice(at..at + remove, new_lines);
        }
        let mut out = lines.join("\n");
        out.push('\n');
        out
    }
}

/// The indentation of a content line; `None` for blank and comment lines.
fn indent_of(line: &str) -> Option<usize> {
    let trimmed = line.trim_start_matches(' ');
    (!trimmed.is_empty() && !trimmed.starts_with('#')).then(|| line.len() - trimmed.len())
}

/// The key of a `key:` or `key: value` line, however it is quoted.
fn line_key(line: &str) -> Option<String> {
    let trimmed = line.trim();
    if trimmed.starts_with('-') {
        return None;
    }
    // A key line alone is a one-entry mapping; a value that needs the next lines (a block
    // scalar) parses as empty, which is fine: only the key matters here.
    match serde_yaml::from_str::<Value>(trimmed) {
        Ok(Value::Mapping(map)) if map.len() == 1 => {
            map.keys().next().and_then(super::tree::key_text)
        }
        _ => None,
    }
}

/// A one-entry mapping in block style at `indent`, ending with a newline.
pub fn emit_entry(key: &str, value: &Value, indent: usize, step: usize) -> String {
    let mut out = String::new();
    emit_pair(&mut out, key, value, indent, step);
    out
}

fn emit_pair(out: &mut String, key: &str, value: &Value, indent: usize, step: usize) {
    let pad = " ".repeat(indent);
    let key = scalar_text(key);
    match value {
        Value::Mapping(map) if !map.is_empty() => {
            out.push_str(&format!("{pad}{key}:\n"));
            emit_node(out, value, indent + step, step);
        }
        Value::Sequence(items) if !items.is_empty() => {
            out.push_str(&format!("{pad}{key}:\n"));
            emit_node(out, value, indent + step, step);
        }
        Value::String(text) if text.contains('\n') => {
            out.push_str(&format!(
                "{pad}{key}: {}\n",
                block_scalar(text, indent + step)
            ));
        }
        _ => out.push_str(&format!("{pad}{key}: {}\n", inline(value))),
    }
}

fn emit_node(out: &mut String, value: &Value, indent: usize, step: usize) {
    let pad = " ".repeat(indent);
    match value {
        Value::Mapping(map) => {
            for (key, value) in map {
                let key = super::tree::key_text(key).unwrap_or_default();
                emit_pair(out, &key, value, indent, step);
            }
        }
        Value::Sequence(items) => {
            for item in items {
                let nested = matches!(item, Value::Mapping(map) if !map.is_empty())
                    || matches!(item, Value::Sequence(items) if !items.is_empty());
                if nested {
                    // `- ` takes the place of the item's first indentation.
                    let mut inner = String::new();
                    emit_node(&mut inner, item, indent + 2, step);
                    out.push_str(&pad);
                    out.push_str("- ");
                    out.push_str(&inner[indent + 2..]);
                } else if let Value::String(text) = item {
                    if text.contains('\n') {
                        out.push_str(&format!("{pad}- {}\n", block_scalar(text, indent + 2)));
                    } else {
                        out.push_str(&format!("{pad}- {}\n", scalar_text(text)));
                    }
                } else {
                    out.push_str(&format!("{pad}- {}\n", inline(item)));
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", inline(other))),
    }
}

/// A value on one line: scalars, `{}` and `[]`; anything else as JSON (valid YAML flow).
fn inline(value: &Value) -> String {
    match value {
        Value::String(text) => scalar_text(text),
        Value::Null => "null".to_owned(),
        Value::Mapping(map) if map.is_empty() => "{}".to_owned(),
        Value::Sequence(items) if items.is_empty() => "[]".to_owned(),
        other => super::tree::show(other),
    }
}

/// A one-line string: plain when YAML reads it back as the same string, else single-quoted,
/// else (control characters) double-quoted JSON.
fn scalar_text(text: &str) -> String {
    // Quoted too: what YAML 1.1 readers would take for a number, date or boolean.
    let looks_typed = text.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '+')
        || [
            "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
        ]
        .contains(&text.to_ascii_lowercase().as_str());
    let plain_ok = !text.is_empty()
        && !looks_typed
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@` ".contains(c))
        && !text.ends_with([' ', ':'])
        && serde_yaml::from_str::<Value>(&format!("k: {text}")).ok()
            == Some(single_entry("k", text));
    if plain_ok {
        text.to_owned()
    } else if text.chars().any(char::is_control) {
        serde_json::to_string(text).unwrap_or_default()
    } else {
        format!("'{}'", text.replace('\'', "''"))
    }
}

fn single_entry(key: &str, text: &str) -> Value {
    let mut map = serde_yaml::Mapping::new();
    map.insert(Value::from(key), Value::from(text));
    Value::Mapping(map)
}

/// A multi-line string as a literal block (`|-`, `|` or `|+` after its final newlines), or as
/// JSON when a literal block could not hold it exactly.
fn block_scalar(text: &str, indent: usize) -> String {
    let awkward = text.starts_with([' ', '\n'])
        || text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        || text
            .split('\n')
            .any(|line| !line.is_empty() && line.trim().is_empty());
    if awkward {
        return serde_json::to_string(text).unwrap_or_default();
    }
    let body = text.trim_end_matches('\n');
    let chomp = match text.len() - body.len() {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let pad = " ".repeat(indent);
    let mut out = format!("|{chomp}");
    for line in text.strip_suffix('\n').unwrap_or(text).split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
# A comment that stays.
paths:
  /a:
    get:
      operationId: a # inline comment

  /b:
    get:
      operationId: b
components:
  schemas:
    # section comment
    A:
      type: object
    B:
      type: string
";

    #[test]
    fn finds_blocks_and_appends_in_place() {
        let mut edit = TextEdit::new(TEXT);
        assert_eq!(edit.indent_step, 2);
        let paths = edit.find_path(&["paths"]).unwrap();
        assert_eq!((paths.key_line, paths.end), (1, 9));
        assert!(edit.children_spaced(paths));
        let a = edit.find_path(&["components", "schemas", "A"]).unwrap();
        assert_eq!((a.key_line, a.end), (12, 14));
        let schemas = edit.find_path(&["components", "schemas"]).unwrap();
        assert!(!edit.children_spaced(schemas));
        edit.append_to(schemas, emit_entry("C", &Value::from("x"), 4, 2));
        edit.replace(a, emit_entry("A", &Value::from(true), 4, 2));
        let text = edit.finish();
        assert!(text.starts_with("# A comment that stays.\n"), "{text}");
        assert!(
            text.contains("    A: true\n    B:\n      type: string\n    C: x\n"),
            "{text}"
        );
    }

    #[test]
    fn emitted_yaml_reads_back_the_same() {
        let value: Value = serde_yaml::from_str(
            r#"
k:
  '200': {description: "a: b", list: [1, 'true', {x: [], y: {}}], "-dash": null}
  multi: "line one\nline two\n"
  keep: "a\n\n"
  lead: " spaced\nx"
  quote: "it's"
  ctrl: "tab\there\u0001"
  nested: [[1, 2], [a]]
  num: 1.5
  date: '2026-01'
"#,
        )
        .unwrap();
        let text = emit_entry("k", value.get("k").unwrap(), 0, 2);
        let back: Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(back, value, "{text}");
    }
}
