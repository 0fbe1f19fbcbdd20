//! The package config beside a spec (`spec/atlas-snapshots.toml` for
//! `spec/atlas-snapshots.yaml`): what the generated crate's manifest says about the package,
//! so that maintainers set name, version, publishing and the default features without
//! editing generated files.
//!
//! ```toml
//! [package]
//! name = "atlas-snapshots"          # default: from the spec's file name
//! version = "0.2.0"                 # default: 0.1.0
//! description = "..."               # default: a sentence naming the API
//! repository = "https://..."        # also homepage, documentation
//! keywords = ["mongodb", "atlas"]   # crates.io: at most 5
//! categories = ["api-bindings"]     # crates.io: at most 5 slugs
//! publish = true                    # or a list of registry names; default: false
//!
//! [features]
//! default = ["client"]              # default: the generator's choice
//! ```
//!
//! Every problem is reported at once, each with its line and column; an unknown key is an
//! error rather than ignored, because a misspelt `publsh = true` would otherwise silently
//! keep the crate unpublishable.

use crate::Options;
use std::fmt;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The `[package]` settings besides name and version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PackageMetadata {
    /// `None`: a sentence naming the API's title.
    pub description: Option<String>,
    pub repository: Option<String>,
    pub homepage: Option<String>,
    /// `None`: docs.rs for a published crate, nothing otherwise.
    pub documentation: Option<String>,
    pub keywords: Vec<String>,
    pub categories: Vec<String>,
    pub publish: Publish,
}

/// Where `cargo publish` may send the crate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Publish {
    /// `publish = false`: nowhere (the default, so that no crate is published by accident).
    #[default]
    Nowhere,
    /// `publish = true`: any registry, crates.io included.
    Anywhere,
    /// `publish = ["name", ...]`: only these registries.
    Registries(Vec<String>),
}

impl Options {
    /// The documentation URL the manifest and README give: the configured one, or docs.rs
    /// for a crate that may be published.
    pub fn documentation_url(&self) -> Option<String> {
        match (&self.package.documentation, &self.package.publish) {
            (Some(url), _) => Some(url.clone()),
            (None, Publish::Nowhere) => None,
            (None, _) => Some(format!("https://docs.rs/{}", self.crate_name)),
        }
    }
}

/// Every problem of one config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file as the caller named it, e.g. `spec/atlas-snapshots.toml`.
    pub file: String,
    pub problems: Vec<ConfigProblem>,
}

/// One problem, at a 1-based line and column of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.problems.len();
        writeln!(
            f,
            "{count} problem{} in {}:",
            if count == 1 { "" } else { "s" },
            self.file
        )?;
        for problem in &self.problems {
            writeln!(
                f,
                "  {}:{}:{}: {}",
                self.file, problem.line, problem.column, problem.message
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

const TABLES: &[&str] = &["package", "features"];
const PACKAGE_KEYS: &[&str] = &[
    "name",
    "version",
    "description",
    "repository",
    "homepage",
    "documentation",
    "keywords",
    "categories",
    "publish",
];
const FEATURES_KEYS: &[&str] = &["default"];

/// The options for a spec whose package config is `text` (the file `config_name`): the
/// defaults of [`Options::for_spec`], with what the config sets.
///
/// # Errors
///
/// Every problem in the file: TOML syntax, unknown tables and keys, values of the wrong type,
/// and values Cargo or crates.io would refuse (an invalid version, name, keyword or URL).
pub fn options_from_config(
    spec_name: &str,
    config_name: &str,
    text: &str,
) -> Result<Options, ConfigError> {
    let mut reader = Reader {
        text,
        problems: Vec::new(),
    };
    let mut options = Options::for_spec(spec_name);
    match DeTable::parse(text) {
        Ok(document) => reader.read_document(document.get_ref(), &mut options),
        Err(error) => {
            let span = error.span().unwrap_or(0..0);
            reader.problem(&span, error.message().to_owned());
        }
    }
    reader
        .problems
        .sort_by_key(|problem| (problem.line, problem.column));
    if reader.problems.is_empty() {
        Ok(options)
    } else {
        Err(ConfigError {
            file: config_name.to_owned(),
            problems: reader.problems,
        })
    }
}

struct Reader<'a> {
    text: &'a str,
    problems: Vec<ConfigProblem>,
}

impl Reader<'_> {
    fn problem(&mut self, span: &Range<usize>, message: String) {
        let before = &self.text[..span.start.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before
            .rsplit('\n')
            .next()
            .map_or(0, |start| start.chars().count())
            + 1;
        self.problems.push(ConfigProblem {
            line,
            column,
            message,
        });
    }

    fn unknown_key(&mut self, key: &Spanned<std::borrow::Cow<'_, str>>, known: &[&str]) {
        self.problem(
            &key.span(),
            format!(
                "unknown key `{}`; the keys here are {}",
                key.get_ref(),
                known
                    .iter()
                    .map(|key| format!("`{key}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }

    fn read_document(&mut self, document: &DeTable<'_>, options: &mut Options) {
        for (key, value) in document {
            let table = match key.get_ref().as_ref() {
                name @ ("package" | "features") => match value.get_ref() {
                    DeValue::Table(table) => (name, table),
                    other => {
                        self.problem(
                            &value.span(),
                            format!(
                                "`{name}` must be a table ([{name}]), not {}",
                                other.type_str()
                            ),
                        );
                        continue;
                    }
                },
                _ => {
                    let known: Vec<String> =
                        TABLES.iter().map(|table| format!("[{table}]")).collect();
                    self.problem(
                        &key.span(),
                        format!(
                            "unknown table or key `{}`; the config has {}",
                            key.get_ref(),
                            known.join(" and ")
                        ),
                    );
                    continue;
                }
            };
            match table {
                ("package", table) => self.read_package(table, options),
                (_, table) => self.read_features(table, options),
            }
        }
    }

    fn read_package(&mut self, table: &DeTable<'_>, options: &mut Options) {
        for (key, value) in table {
            let name = key.get_ref().as_ref();
            let place = format!("package.{name}");
            match name {
                "name" => {
                    if let Some(crate_name) = self.string(&format!("`{place}`"), value) {
                        match package_name_problem(&crate_name) {
                            None => options.crate_name = crate_name,
                            Some(problem) => {
                                self.problem(&value.span(), format!("`{place}`: {problem}"))
                            }
                        }
                    }
                }
                "version" => {
                    if let Some(version) = self.string(&format!("`{place}`"), value) {
                        match semver::Version::parse(&version) {
                            Ok(_) => options.crate_version = version,
                            Err(error) => self.problem(
                                &value.span(),
                                format!("`{place}` = {version:?} is not a semantic version such as 0.2.0: {error}"),
                            ),
                        }
                    }
                }
                "description" => {
                    if let Some(description) = self.string(&format!("`{place}`"), value) {
                        if description.trim().is_empty() {
                            self.problem(
                                &value.span(),
                                format!(
                                    "`{place}` is empty; leave it out for the generated sentence"
                                ),
                            );
                        } else {
                            options.package.description = Some(description);
                        }
                    }
                }
                "repository" | "homepage" | "documentation" => {
                    let Some(url) = self.string(&format!("`{place}`"), value) else {
                        continue;
                    };
                    if !is_web_url(&url) {
                        self.problem(
                            &value.span(),
                            format!("`{place}` = {url:?} is not an http(s) URL"),
                        );
                        continue;
                    }
                    let slot = match name {
                        "repository" => &mut options.package.repository,
                        "homepage" => &mut options.package.homepage,
                        _ => &mut options.package.documentation,
                    };
                    *slot = Some(url);
                }
                "keywords" => {
                    if let Some(keywords) = self.strings(&place, value, keyword_problem) {
                        options.package.keywords = keywords;
                    }
                }
                "categories" => {
                    if let Some(categories) = self.strings(&place, value, category_problem) {
                        options.package.categories = categories;
                    }
                }
                "publish" => match value.get_ref() {
                    DeValue::Boolean(true) => options.package.publish = Publish::Anywhere,
                    DeValue::Boolean(false) => options.package.publish = Publish::Nowhere,
                    DeValue::Array(_) => {
                        if let Some(registries) = self.strings(&place, value, registry_problem) {
                            options.package.publish = Publish::Registries(registries);
                        }
                    }
                    other => self.problem(
                        &value.span(),
                        format!(
                            "`{place}` must be true, false or a list of registry names, not {}",
                            other.type_str()
                        ),
                    ),
                },
                _ => self.unknown_key(key, PACKAGE_KEYS),
            }
        }
    }

    fn read_features(&mut self, table: &DeTable<'_>, options: &mut Options) {
        for (key, value) in table {
            match key.get_ref().as_ref() {
                "default" => {
                    if let Some(features) =
                        self.strings("features.default", value, feature_name_problem)
                    {
                        options.default_features = Some(features);
                    }
                }
                _ => self.unknown_key(key, FEATURES_KEYS),
            }
        }
    }

    /// A string; `what` names the value in the message, e.g. "`package.version`".
    fn string(&mut self, what: &str, value: &Spanned<DeValue<'_>>) -> Option<String> {
        match value.get_ref() {
            DeValue::String(text) => Some(text.to_string()),
            other => {
                self.problem(
                    &value.span(),
                    format!("{what} must be a string, not {}", other.type_str()),
                );
                None
            }
        }
    }

    /// A list of strings, each checked by `problem`; duplicates are refused too.
    fn strings(
        &mut self,
        place: &str,
        value: &Spanned<DeValue<'_>>,
        problem: fn(&str) -> Option<String>,
    ) -> Option<Vec<String>> {
        let DeValue::Array(items) = value.get_ref() else {
            self.problem(
                &value.span(),
                format!(
                    "`{place}` must be a list of strings, not {}",
                    value.get_ref().type_str()
                ),
            );
            return None;
        };
        let before = self.problems.len();
        let mut strings: Vec<String> = Vec::new();
        for item in items {
            let Some(text) = self.string(&format!("each item of `{place}`"), item) else {
                continue;
            };
            if let Some(message) = problem(&text) {
                self.problem(&item.span(), format!("`{place}`: {text:?} {message}"));
            } else if strings.contains(&text) {
                self.problem(&item.span(), format!("`{place}` lists {text:?} twice"));
            } else {
                strings.push(text);
            }
        }
        if (place == "package.keywords" || place == "package.categories") && strings.len() > 5 {
            self.problem(
                &value.span(),
                format!(
                    "`{place}` has {} items; crates.io takes at most 5",
                    strings.len()
                ),
            );
        }
        (self.problems.len() == before).then_some(strings)
    }
}

/// What Cargo and crates.io refuse in a package name, if anything.
fn package_name_problem(name: &str) -> Option<String> {
    let reserved = [
        "alloc",
        "core",
        "proc-macro",
        "proc_macro",
        "std",
        "test",
        "con",
        "prn",
        "aux",
        "nul",
    ];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some(format!("{name:?} must start with an ASCII letter"))
    } else if name.len() > 64 {
        Some(format!(
            "{name:?} is longer than the 64 characters crates.io takes"
        ))
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Some(format!(
            "{name:?} may hold only ASCII letters, digits, `-` and `_`"
        ))
    } else if reserved.contains(&name.to_ascii_lowercase().as_str())
        || is_windows_port_name(&name.to_ascii_lowercase())
    {
        Some(format!("{name:?} is a name Cargo reserves"))
    } else {
        None
    }
}

fn is_windows_port_name(name: &str) -> bool {
    ["com", "lpt"].iter().any(|prefix| {
        name.strip_prefix(prefix)
            .is_some_and(|digit| digit.len() == 1 && digit.as_bytes()[0].is_ascii_digit())
    })
}

/// crates.io's rule: up to 20 characters, ASCII letters first, then letters, digits, `_`,
/// `-` or `+`.
fn keyword_problem(keyword: &str) -> Option<String> {
    let valid = keyword.len() <= 20
        && keyword.starts_with(|c: char| c.is_ascii_alphabetic())
        && keyword
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'));
    (!valid).then(|| {
        "is not a crates.io keyword (up to 20 ASCII letters, digits, `_`, `-` or `+`, starting with a letter)"
            .to_owned()
    })
}

/// A category slug as crates.io lists them: `api-bindings`, `web-programming::http-client`.
fn category_problem(category: &str) -> Option<String> {
    let valid = !category.is_empty()
        && category.split("::").all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        });
    (!valid).then(|| {
        "is not a crates.io category slug (lowercase words joined by `-`, levels by `::`)"
            .to_owned()
    })
}

fn registry_problem(name: &str) -> Option<String> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    (!valid).then(|| "is not a registry name".to_owned())
}

/// Cargo's rule for feature names.
fn feature_name_problem(name: &str) -> Option<String> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '.'));
    (!valid).then(|| {
        "is not a Cargo feature name (ASCII letters, digits, `_`, `-`, `+` and `.`)".to_owned()
    })
}

fn is_web_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        !rest.is_empty()
            && !rest.starts_with('/')
            && !url.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "spec/atlas-snapshots.yaml";
    const CONFIG: &str = "spec/atlas-snapshots.toml";

    fn problems(text: &str) -> String {
        options_from_config(SPEC, CONFIG, text)
            .expect_err("the config must be refused")
            .to_string()
    }

    #[test]
    fn a_full_config_sets_every_field() {
        let options = options_from_config(
            SPEC,
            CONFIG,
            r#"
[package]
name = "atlas-backups"
version = "1.2.3-rc.1"
description = "Atlas backups, typed."
repository = "https://example.com/atlas"
homepage = "https://example.com"
documentation = "https://docs.example.com/atlas"
keywords = ["mongodb", "atlas"]
categories = ["api-bindings", "web-programming::http-client"]
publish = ["internal"]

[features]
default = []
"#,
        )
        .unwrap();
        assert_eq!(options.crate_name, "atlas-backups");
        assert_eq!(options.crate_version, "1.2.3-rc.1");
        assert_eq!(
            options.package,
            PackageMetadata {
                description: Some("Atlas backups, typed.".into()),
                repository: Some("https://example.com/atlas".into()),
                homepage: Some("https://example.com".into()),
                documentation: Some("https://docs.example.com/atlas".into()),
                keywords: vec!["mongodb".into(), "atlas".into()],
                categories: vec!["api-bindings".into(), "web-programming::http-client".into()],
                publish: Publish::Registries(vec!["internal".into()]),
            }
        );
        assert_eq!(options.default_features, Some(Vec::new()));
    }

    #[test]
    fn an_empty_config_keeps_the_defaults() {
        let options = options_from_config(SPEC, CONFIG, "# nothing yet\n").unwrap();
        assert_eq!(options, Options::for_spec(SPEC));
        assert_eq!(options.documentation_url(), None);
    }

    #[test]
    fn a_published_crate_documents_on_docs_rs_unless_told_otherwise() {
        let options = options_from_config(SPEC, CONFIG, "[package]\npublish = true\n").unwrap();
        assert_eq!(options.package.publish, Publish::Anywhere);
        assert_eq!(
            options.documentation_url().as_deref(),
            Some("https://docs.rs/atlas-snapshots")
        );
    }

    #[test]
    fn unknown_tables_and_keys_name_the_file_the_line_and_the_key() {
        let report =
            problems("[package]\nversion = \"0.1.0\"\npublsh = true\n\n[feature]\ndefault = []\n");
        assert_eq!(
            report,
            "2 problems in spec/atlas-snapshots.toml:\n  \
             spec/atlas-snapshots.toml:3:1: unknown key `publsh`; the keys here are `name`, `version`, `description`, `repository`, `homepage`, `documentation`, `keywords`, `categories`, `publish`\n  \
             spec/atlas-snapshots.toml:5:2: unknown table or key `feature`; the config has [package] and [features]\n"
        );
        let report = problems("[features]\ndefaults = [\"client\"]\n");
        assert!(
            report.contains(
                "spec/atlas-snapshots.toml:2:1: unknown key `defaults`; the keys here are `default`"
            ),
            "{report}"
        );
    }

    #[test]
    fn wrong_values_name_the_place_and_the_rule() {
        let report = problems(
            r#"[package]
name = "2fast"
version = "0.1"
description = ""
repository = "github.com/x"
keywords = ["mongo db", "atlas", "atlas"]
categories = "api-bindings"
publish = "yes"

[features]
default = ["client", 3]
"#,
        );
        for expected in [
            "spec/atlas-snapshots.toml:2:8: `package.name`: \"2fast\" must start with an ASCII letter",
            "spec/atlas-snapshots.toml:3:11: `package.version` = \"0.1\" is not a semantic version such as 0.2.0",
            "spec/atlas-snapshots.toml:4:15: `package.description` is empty",
            "spec/atlas-snapshots.toml:5:14: `package.repository` = \"github.com/x\" is not an http(s) URL",
            "spec/atlas-snapshots.toml:6:13: `package.keywords`: \"mongo db\" is not a crates.io keyword",
            "spec/atlas-snapshots.toml:6:34: `package.keywords` lists \"atlas\" twice",
            "spec/atlas-snapshots.toml:7:14: `package.categories` must be a list of strings, not string",
            "spec/atlas-snapshots.toml:8:11: `package.publish` must be true, false or a list of registry names, not string",
            "spec/atlas-snapshots.toml:11:22: each item of `features.default` must be a string, not integer",
        ] {
            assert!(
                report.contains(expected),
                "missing {expected:?} in\n{report}"
            );
        }
        assert!(
            report.starts_with("9 problems in spec/atlas-snapshots.toml:\n"),
            "{report}"
        );
    }

    #[test]
    fn toml_syntax_errors_are_located() {
        let report = problems("[package]\nname = \"unterminated\n");
        assert!(
            report.starts_with(
                "1 problem in spec/atlas-snapshots.toml:\n  spec/atlas-snapshots.toml:2:"
            ),
            "{report}"
        );
    }

    #[test]
    fn names_cargo_refuses_are_refused() {
        for name in ["std", "nul", "com1", "a b", "-x", &"x".repeat(65)] {
            assert!(package_name_problem(name).is_some(), "{name}");
        }
        for name in ["atlas-snapshots", "atlas_v2", "A1"] {
            assert_eq!(package_name_problem(name), None, "{name}");
        }
        assert!(
            problems("[package]\nkeywords = [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\"]\n")
                .contains("`package.keywords` has 6 items; crates.io takes at most 5")
        );
    }
}
