//! The drift report: differences, the allow-list of accepted ones, and the text and JSON
//! renderings.

use super::drift::Drift;
use super::tree::{Pointer, entries, field, str_field};
use serde_json::json;
use serde_yaml::Value;

/// How a difference reads from our side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Upstream has it and we do not: additive upstream.
    WeLack,
    /// Both have it, differently: possibly a bug on our side.
    WeDiffer,
    /// We have it and upstream no longer does.
    UpstreamRemoved,
}

impl Class {
    pub const ALL: [Class; 3] = [Class::WeLack, Class::WeDiffer, Class::UpstreamRemoved];

    pub fn label(self) -> &'static str {
        match self {
            Class::WeLack => "we lack it",
            Class::WeDiffer => "we differ",
            Class::UpstreamRemoved => "upstream removed it",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Class::WeLack => "we-lack-it",
            Class::WeDiffer => "we-differ",
            Class::UpstreamRemoved => "upstream-removed-it",
        }
    }
}

/// One difference, with its pointer on both sides. On the side that lacks the thing, the
/// pointer is where it would be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub class: Class,
    /// What differs, as the allow-list names it: `property`, `pattern`, `enum`, `response`...
    pub kind: String,
    pub message: String,
    pub ours: Pointer,
    pub official: Pointer,
    /// Our operations that reach it.
    pub operations: Vec<String>,
}

impl Difference {
    fn ours_present(&self) -> bool {
        self.class != Class::WeLack
    }

    fn official_present(&self) -> bool {
        self.class != Class::UpstreamRemoved
    }
}

/// One entry of the allow-list: the differences it matches, and why we keep them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub kind: Option<String>,
    pub ours: Option<String>,
    pub official: Option<String>,
    pub reason: String,
}

impl Accepted {
    fn matches(&self, difference: &Difference) -> bool {
        self.kind
            .as_ref()
            .is_none_or(|kind| *kind == difference.kind)
            && self
                .ours
                .as_ref()
                .is_none_or(|ours| *ours == difference.ours.to_string())
            && self
                .official
                .as_ref()
                .is_none_or(|official| *official == difference.official.to_string())
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(kind) = &self.kind {
            parts.push(format!("kind {kind}"));
        }
        if let Some(ours) = &self.ours {
            parts.push(format!("ours {ours}"));
        }
        if let Some(official) = &self.official {
            parts.push(format!("official {official}"));
        }
        parts.join(", ")
    }
}

/// Reads the allow-list: `accepted:`, a list of entries with `reason` and at least one of
/// `ours` or `official` (pointers as the report prints them), optionally `kind`.
pub fn parse_allow_list(name: &str, text: &str) -> Result<Vec<Accepted>, String> {
    let tree: Value =
        serde_yaml::from_str(text).map_err(|error| format!("{name} is not YAML: {error}\n"))?;
    let list = match field(&tree, "accepted") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Sequence(list)) => list,
        Some(_) => return Err(format!("{name}#/accepted: must be a list\n")),
    };
    let mut accepted = Vec::new();
    let mut problems = String::new();
    for (index, entry) in list.iter().enumerate() {
        let at = format!("{name}#/accepted/{index}");
        for (key, _) in entries(entry) {
            if !["kind", "ours", "official", "reason"].contains(&key.as_str()) {
                problems.push_str(&format!(
                    "{at}: unknown key {key:?} (kind, ours, official, reason)\n"
                ));
            }
        }
        let text = |key: &str| str_field(entry, key).map(str::to_owned);
        let item = Accepted {
            kind: text("kind"),
            ours: text("ours"),
            official: text("official"),
            reason: text("reason").unwrap_or_default().trim().to_owned(),
        };
        if item.reason.is_empty() {
            problems.push_str(&format!("{at}: needs a `reason`\n"));
        }
        if item.ours.is_none() && item.official.is_none() {
            problems.push_str(&format!("{at}: needs `ours` or `official` (a pointer)\n"));
        }
        accepted.push(item);
    }
    if problems.is_empty() {
        Ok(accepted)
    } else {
        Err(problems)
    }
}

/// The drift with the allow-list applied.
#[derive(Debug)]
pub struct Report<'a> {
    pub ours_name: &'a str,
    pub official_name: &'a str,
    pub allow_name: &'a str,
    pub drift: &'a Drift,
    /// Per difference, the reason it is accepted.
    pub reasons: Vec<Option<&'a str>>,
    /// Allow-list entries that match nothing, by index.
    pub stale: Vec<(usize, &'a Accepted)>,
}

impl<'a> Report<'a> {
    pub fn new(
        names: (&'a str, &'a str, &'a str),
        drift: &'a Drift,
        allowed: &'a [Accepted],
    ) -> Self {
        let reasons = drift
            .differences
            .iter()
            .map(|difference| {
                allowed
                    .iter()
                    .find(|entry| entry.matches(difference))
                    .map(|entry| entry.reason.as_str())
            })
            .collect();
        let stale = allowed
            .iter()
            .enumerate()
            .filter(|(_, entry)| !drift.differences.iter().any(|d| entry.matches(d)))
            .collect();
        Self {
            ours_name: names.0,
            official_name: names.1,
            allow_name: names.2,
            drift,
            reasons,
            stale,
        }
    }

    /// Differences not in the allow-list, and `$ref`s that could not be followed.
    pub fn unaccepted(&self) -> usize {
        self.reasons
            .iter()
            .filter(|reason| reason.is_none())
            .count()
            + self.drift.problems.len()
    }

    fn ordered(&self) -> Vec<(&Difference, Option<&str>)> {
        let mut list: Vec<_> = self
            .drift
            .differences
            .iter()
            .zip(self.reasons.iter().copied())
            .collect();
        list.sort_by(|(a, _), (b, _)| {
            (a.class, &a.ours, &a.official, &a.kind, &a.message).cmp(&(
                b.class,
                &b.ours,
                &b.official,
                &b.kind,
                &b.message,
            ))
        });
        list
    }

    pub fn text(&self) -> String {
        let drift = self.drift;
        let mut out = format!(
            "spec drift: {} against {}\n{} compared, {} missing upstream; {} differences, {} accepted in {}.\n",
            self.ours_name,
            self.official_name,
            count(drift.compared, "operation"),
            drift.missing_upstream,
            drift.differences.len(),
            self.reasons.iter().filter(|r| r.is_some()).count(),
            self.allow_name,
        );
        let ordered = self.ordered();
        for class in Class::ALL {
            let items: Vec<_> = ordered
                .iter()
                .filter(|(d, reason)| d.class == class && reason.is_none())
                .collect();
            if items.is_empty() {
                continue;
            }
            out.push_str(&format!("\n{} ({}):\n", class.label(), items.len()));
            for (difference, _) in items {
                out.push_str(&self.entry(difference));
            }
        }
        let accepted: Vec<_> = ordered.iter().filter(|(_, r)| r.is_some()).collect();
        if !accepted.is_empty() {
            out.push_str(&format!("\naccepted ({}):\n", accepted.len()));
            for (difference, reason) in accepted {
                out.push_str(&self.entry(difference));
                out.push_str(&format!("      reason   {}\n", reason.unwrap_or_default()));
            }
        }
        if !drift.problems.is_empty() {
            out.push_str(&format!(
                "\n$refs that cannot be followed ({}):\n",
                drift.problems.len()
            ));
            for problem in &drift.problems {
                out.push_str(&format!("  {problem}\n"));
            }
        }
        if !self.stale.is_empty() {
            out.push_str(&format!(
                "\nallow-list entries that match nothing ({}):\n",
                self.stale.len()
            ));
            for (index, entry) in &self.stale {
                out.push_str(&format!(
                    "  {}#/accepted/{index}: {}\n",
                    self.allow_name,
                    entry.describe()
                ));
            }
        }
        let unaccepted = self.unaccepted();
        if unaccepted == 0 {
            out.push_str("\nno drift to act on.\n");
        } else {
            out.push_str(&format!(
                "\n{unaccepted} to act on: bring the spec in line, or accept the difference in {} with a reason.\n",
                self.allow_name
            ));
        }
        out
    }

    fn entry(&self, difference: &Difference) -> String {
        let absent = |present: bool| if present { "" } else { " (absent)" };
        format!(
            "  {:<11} {}  [{}]\n      ours     {}{}\n      official {}{}\n",
            difference.kind,
            difference.message,
            difference.operations.join(", "),
            difference.ours,
            absent(difference.ours_present()),
            difference.official,
            absent(difference.official_present()),
        )
    }

    pub fn json(&self) -> String {
        let differences: Vec<_> = self
            .ordered()
            .into_iter()
            .map(|(difference, reason)| {
                json!({
                    "class": difference.class.slug(),
                    "kind": difference.kind,
                    "message": difference.message,
                    "ours": {
                        "pointer": difference.ours.to_string(),
                        "present": difference.ours_present(),
                    },
                    "official": {
                        "pointer": difference.official.to_string(),
                        "present": difference.official_present(),
                    },
                    "operations": difference.operations,
                    "accepted": reason,
                })
            })
            .collect();
        let stale: Vec<_> = self
            .stale
            .iter()
            .map(|(index, _)| format!("{}#/accepted/{index}", self.allow_name))
            .collect();
        let value = json!({
            "ours": self.ours_name,
            "official": self.official_name,
            "allowList": self.allow_name,
            "compared": self.drift.compared,
            "missingUpstream": self.drift.missing_upstream,
            "unaccepted": self.unaccepted(),
            "differences": differences,
            "problems": self.drift.problems,
            "staleAllowEntries": stale,
        });
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        text
    }
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
