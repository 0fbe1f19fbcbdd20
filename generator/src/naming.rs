//! Turns wire names into Rust names: the one place where case conversion and escaping happen.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words Rust reserves in the 2024 edition, strict and reserved alike.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers (`r#self` is not allowed).
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// A snake-case identifier for a field, parameter, method or module.
///
/// Keywords become raw identifiers (`r#type`), except those Rust forbids as raw, which get a
/// trailing underscore; a leading digit gets a leading underscore.
pub fn snake_ident(wire: &str) -> String {
    let snake = ascii_words(wire).to_snake_case();
    escape(if snake.is_empty() {
        "value".to_owned()
    } else {
        snake
    })
}

/// A file stem for a module: snake case without raw-identifier prefixes, that every file
/// system takes.
///
/// - Windows device names (`con`, `aux`, `nul`, `prn`, `com1`, `lpt1`, ...) would make the
///   file impossible to check out there, whatever the extension: they get a trailing
///   underscore, as keywords do (snake case never ends in one, so nothing collides).
/// - File names are limited (255 bytes on most file systems, less in practice once a path
///   is added): a stem longer than [`MAX_MODULE_NAME_LEN`] bytes is cut and given a suffix
///   made of a hash of the whole stem, so the same name always gives the same file and two
///   long names that share their beginning still differ. The Rust names inside stay whole.
pub fn module_name(name: &str) -> String {
    let snake = ascii_words(name).to_snake_case();
    let stem = if snake.is_empty() {
        "unnamed".to_owned()
    } else if starts_with_digit(&snake) {
        format!("_{snake}")
    } else if KEYWORDS.contains(&snake.as_str()) || is_windows_device_name(&snake) {
        format!("{snake}_")
    } else {
        snake
    };
    shortened(stem)
}

/// The longest module file stem, in bytes (ASCII, so also in characters).
pub const MAX_MODULE_NAME_LEN: usize = 120;

/// Names Windows reserves for devices in every folder, with any extension.
fn is_windows_device_name(stem: &str) -> bool {
    const DEVICES: &[&str] = &["con", "prn", "aux", "nul"];
    let numbered = ["com", "lpt"].iter().any(|prefix| {
        stem.strip_prefix(prefix)
            .is_some_and(|digit| digit.len() == 1 && digit.as_bytes()[0].is_ascii_digit())
    });
    numbered || DEVICES.contains(&stem.to_ascii_lowercase().as_str())
}

/// `stem` itself, or its first bytes, `_` and 16 hex digits of its FNV-1a hash.
fn shortened(stem: String) -> String {
    if stem.len() <= MAX_MODULE_NAME_LEN {
        return stem;
    }
    // FNV-1a, 64 bits: stable across Rust versions and platforms, unlike `DefaultHasher`.
    let hash = stem.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    let keep = MAX_MODULE_NAME_LEN - 17;
    // Snake case is ASCII here, so any byte index is a character boundary.
    let prefix = stem.get(..keep).unwrap_or(&stem).trim_end_matches('_');
    format!("{prefix}_{hash:016x}")
}

/// A type name. Names that already are valid UpperCamel identifiers are kept as the spec spells
/// them, so `ApiBSONTimestampView` stays recognisable to users of MongoDB's other SDKs.
pub fn type_name(wire: &str) -> String {
    if is_upper_camel(wire) {
        return wire.to_owned();
    }
    let camel = ascii_words(wire).to_upper_camel_case();
    if camel.is_empty() {
        "Unnamed".to_owned()
    } else if starts_with_digit(&camel) {
        format!("T{camel}")
    } else if camel == "Self" {
        "Self_".to_owned()
    } else {
        camel
    }
}

/// A variant name for an enum value: `inProgress` -> `InProgress`, `REPLICA_SET` -> `ReplicaSet`.
pub fn variant_name(wire: &str) -> String {
    let camel = ascii_words(wire).to_upper_camel_case();
    if wire.is_empty() {
        "Empty".to_owned()
    } else if camel.is_empty() {
        symbol_name(wire)
    } else if starts_with_digit(&camel) {
        format!("V{camel}")
    } else if camel == "Self" {
        "Self_".to_owned()
    } else {
        camel
    }
}

/// A name for a value made only of symbols, such as the comparison operators Atlas lists in
/// alert thresholds: `<` must not become the same variant as `>`.
fn symbol_name(wire: &str) -> String {
    const OPERATORS: &[(&str, &str)] = &[
        ("<", "LessThan"),
        ("<=", "LessThanOrEqual"),
        (">", "GreaterThan"),
        (">=", "GreaterThanOrEqual"),
        ("=", "Equal"),
        ("==", "Equal"),
        ("!=", "NotEqual"),
        ("<>", "NotEqual"),
    ];
    if let Some((_, name)) = OPERATORS.iter().find(|(symbol, _)| *symbol == wire) {
        return (*name).to_owned();
    }
    wire.chars()
        .map(|c| match c {
            '<' => "Less".to_owned(),
            '>' => "Greater".to_owned(),
            '=' => "Equals".to_owned(),
            '!' => "Bang".to_owned(),
            '+' => "Plus".to_owned(),
            '-' => "Minus".to_owned(),
            '*' => "Star".to_owned(),
            '/' => "Slash".to_owned(),
            '\\' => "Backslash".to_owned(),
            '.' => "Dot".to_owned(),
            ',' => "Comma".to_owned(),
            ':' => "Colon".to_owned(),
            ';' => "Semicolon".to_owned(),
            '?' => "Question".to_owned(),
            '@' => "At".to_owned(),
            '#' => "Hash".to_owned(),
            '$' => "Dollar".to_owned(),
            '%' => "Percent".to_owned(),
            '&' => "Ampersand".to_owned(),
            '|' => "Pipe".to_owned(),
            '^' => "Caret".to_owned(),
            '~' => "Tilde".to_owned(),
            '_' => "Underscore".to_owned(),
            ' ' => "Space".to_owned(),
            other => format!("U{:04X}", u32::from(other)),
        })
        .collect()
}

/// The name of an inline schema, derived from where it sits: `BackupSnapshotPart` + `typeName`.
pub fn derived_type_name(parent: &str, member: &str) -> String {
    format!("{}{}", type_name(parent), variant_name(member))
}

/// A type name with a date version in it, the way Atlas names the models of its versioned
/// resources (`FlexBackupSnapshot20241113`, `PaginatedApiAtlasFlexBackupSnapshot20241113View`):
/// the name without the date, and the date as `YYYYMMDD`, which sorts versions. The date is
/// eight digits after a letter, followed by the end or by a capital (the next word), that read
/// as a calendar date; a name with no such date, or with more than one, has none.
pub fn split_date_version(name: &str) -> Option<(String, u32)> {
    let bytes = name.as_bytes();
    let mut found = None;
    let mut at = 0;
    while at < bytes.len() {
        if !bytes[at].is_ascii_digit() {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            at += 1;
        }
        let after_letter = start > 0 && bytes[start - 1].is_ascii_alphabetic();
        let before_word = at == bytes.len() || bytes[at].is_ascii_uppercase();
        if at - start == 8 && after_letter && before_word {
            let date: u32 = name[start..at].parse().ok()?;
            let (month, day) = (date / 100 % 100, date % 100);
            if (1..=12).contains(&month) && (1..=31).contains(&day) {
                if found.is_some() {
                    return None;
                }
                found = Some((format!("{}{}", &name[..start], &name[at..]), date));
            }
        }
    }
    found
}

/// Names in generated code are ASCII: other characters separate words, like punctuation.
fn ascii_words(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// Types the generated code names without a path; a model with one of these names would
/// shadow them in its own module.
pub const PRELUDE_TYPES: &[&str] = &[
    "Box", "Err", "None", "Ok", "Option", "Result", "Some", "String", "Vec",
];

fn is_upper_camel(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|first| first.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric())
        && name != "Self"
}

fn starts_with_digit(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_digit())
}

fn escape(snake: String) -> String {
    if NOT_RAW.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else if starts_with_digit(&snake) {
        format!("_{snake}")
    } else {
        snake
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_identifiers_escape_keywords() {
        assert_eq!(snake_ident("groupId"), "group_id");
        assert_eq!(snake_ident("mongoDBVersion"), "mongo_db_version");
        assert_eq!(snake_ident("type"), "r#type");
        assert_eq!(snake_ident("gen"), "r#gen");
        assert_eq!(snake_ident("self"), "self_");
        assert_eq!(snake_ident("2fa"), "_2fa");
        assert_eq!(snake_ident("$"), "value");
        assert_eq!(snake_ident("café-au-lait"), "caf_au_lait");
        assert_eq!(module_name("9#"), "_9");
        assert_eq!(module_name("--"), "unnamed");
        assert_eq!(module_name("type"), "type_");
    }

    #[test]
    fn module_names_avoid_windows_device_names() {
        assert_eq!(module_name("Con"), "con_");
        assert_eq!(module_name("AUX"), "aux_");
        assert_eq!(module_name("nul"), "nul_");
        assert_eq!(module_name("Com1"), "com1_");
        assert_eq!(module_name("LPT9"), "lpt9_");
        assert_eq!(module_name("Console"), "console");
        assert_eq!(module_name("com10"), "com10");
    }

    #[test]
    fn long_module_names_are_shortened_deterministically() {
        let long = "VeryLongName".repeat(30);
        let a = module_name(&format!("{long}A"));
        let b = module_name(&format!("{long}B"));
        assert_eq!(a.len(), MAX_MODULE_NAME_LEN);
        assert_ne!(a, b);
        assert_eq!(a, module_name(&format!("{long}A")));
        assert!(a.starts_with("very_long_name_very_long_name_"), "{a}");
        let short = "x".repeat(MAX_MODULE_NAME_LEN);
        assert_eq!(module_name(&short), short);
        assert_eq!(type_name("Größe"), "GrE");
    }

    #[test]
    fn type_names_keep_valid_spec_spelling() {
        assert_eq!(type_name("ApiBSONTimestampView"), "ApiBSONTimestampView");
        assert_eq!(type_name("backup_snapshot"), "BackupSnapshot");
        assert_eq!(type_name("2fa-config"), "T2faConfig");
        assert_eq!(
            derived_type_name("BackupSnapshotPart", "typeName"),
            "BackupSnapshotPartTypeName"
        );
    }

    #[test]
    fn date_versions_are_found_at_word_boundaries() {
        let split = |name: &str| split_date_version(name);
        assert_eq!(
            split("FlexBackupSnapshot20241113"),
            Some(("FlexBackupSnapshot".to_owned(), 20_241_113))
        );
        assert_eq!(
            split("PaginatedApiAtlasFlexBackupSnapshot20241113View"),
            Some((
                "PaginatedApiAtlasFlexBackupSnapshotView".to_owned(),
                20_241_113
            ))
        );
        // Not a date: too short or long, no letter before, a lowercase letter after, no
        // such month or day.
        assert_eq!(split("Md5Hash1234567"), None);
        assert_eq!(split("Serial202411130"), None);
        assert_eq!(split("20241113Snapshot"), None);
        assert_eq!(split("Snapshot20241113v2"), None);
        assert_eq!(split("Snapshot20241313"), None);
        assert_eq!(split("Snapshot20241100"), None);
        // Two dates: which one is the version is anyone's guess.
        assert_eq!(split("Snapshot20240101Part20250101"), None);
        assert_eq!(split("Snapshot"), None);
    }

    #[test]
    fn variant_names_are_upper_camel() {
        assert_eq!(variant_name("inProgress"), "InProgress");
        assert_eq!(variant_name("REPLICA_SET"), "ReplicaSet");
        assert_eq!(variant_name("true"), "True");
        assert_eq!(variant_name("3DES"), "V3des");
        assert_eq!(variant_name("<"), "LessThan");
        assert_eq!(variant_name(">"), "GreaterThan");
        assert_eq!(variant_name("+-"), "PlusMinus");
        assert_eq!(variant_name("é"), "U00E9");
        assert_eq!(variant_name(""), "Empty");
    }
}
