//! Specs built to make the generator hang, exhaust memory or overflow its stack, and specs
//! whose names or text would make the generated crate unusable (issue 8). Each runs under a
//! watchdog: the generator must answer in time with files or located errors.

use atlas_codegen::Generation;
use atlas_codegen::diagnostics::Diagnostics;
use integration_tests::generate;
use serde_json::{Map, Value, json};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The generator answers each of these in a second or two on a quiet machine; the watchdog
/// catches a blow-up (quadratic or worse, or a hang), not a slow run, so it leaves room for a
/// machine busy with other builds. Speed itself is measured by the `scale` bench.
const WATCHDOG: Duration = Duration::from_secs(60);

/// Generates on a thread with a large stack (a debug build needs it for syn and prettyplease
/// on big files, not for the generator's own recursion), and fails the test if it panics or
/// takes longer than the watchdog.
fn generate_in_time(name: &str, spec: &Value) -> Result<Generation, Diagnostics> {
    let text = serde_json::to_string(spec).unwrap();
    let (sender, receiver) = mpsc::channel();
    let thread_name = name.to_owned();
    let started = Instant::now();
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let _ = sender.send(generate(&format!("{thread_name}.json"), &text));
        })
        .unwrap();
    match receiver.recv_timeout(WATCHDOG) {
        Ok(outcome) => {
            eprintln!("{name}: {:?}", started.elapsed());
            outcome
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{name}: the generator did not finish within {WATCHDOG:?}")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{name}: the generator panicked"),
    }
}

/// A spec with one operation returning `#/components/schemas/<root>` and these schemas.
fn spec(root: &str, schemas: Map<String, Value>) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Hostile", "version": "1"},
        "paths": {"/things": {"get": {
            "operationId": "getThing",
            "responses": {"200": {"description": "OK", "content": {"application/json": {
                "schema": {"$ref": format!("#/components/schemas/{root}")}
            }}}}
        }}},
        "components": {"schemas": schemas},
    })
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn schemas(entries: impl IntoIterator<Item = (String, Value)>) -> Map<String, Value> {
    entries.into_iter().collect()
}

fn file<'a>(generation: &'a Generation, path: &str) -> &'a str {
    &generation
        .files
        .iter()
        .find(|file| file.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

fn messages(errors: &Diagnostics) -> String {
    errors.to_string()
}

#[test]
fn mutually_including_all_ofs_are_a_located_cycle_not_a_hang() {
    // 505 bytes that used to double the work at each of 32 levels.
    let spec = spec(
        "A",
        schemas([
            (
                "A".to_owned(),
                json!({"allOf": [reference("B"), reference("B")]}),
            ),
            (
                "B".to_owned(),
                json!({"allOf": [reference("A"), reference("A")]}),
            ),
        ]),
    );
    let errors = generate_in_time("all-of-bomb", &spec).expect_err("a cycle");
    let text = messages(&errors);
    assert!(
        text.contains("#/components/schemas/A") && text.contains("A -> B -> A"),
        "{text}"
    );
}

#[test]
fn a_base_that_includes_mixins_that_include_it_is_a_located_cycle() {
    let spec = spec(
        "Base",
        schemas([
            (
                "Base".to_owned(),
                json!({"allOf": [reference("MixinA"), reference("MixinB"),
                    {"type": "object", "properties": {"id": {"type": "string"}}}]}),
            ),
            (
                "MixinA".to_owned(),
                json!({"allOf": [reference("Base"),
                    {"type": "object", "properties": {"a": {"type": "string"}}}]}),
            ),
            (
                "MixinB".to_owned(),
                json!({"allOf": [reference("Base"),
                    {"type": "object", "properties": {"b": {"type": "string"}}}]}),
            ),
        ]),
    );
    let errors = generate_in_time("mixin-cycle", &spec).expect_err("a cycle");
    let text = messages(&errors);
    assert!(text.contains("Base -> MixinA -> Base"), "{text}");
}

/// `L0` includes `L1a` and `L1b`, which both include `L2a` and `L2b`, and so on: 2^depth
/// paths, but only 2 * depth schemas, each flattened once.
#[test]
fn an_all_of_diamond_twenty_levels_deep_generates() {
    let depth = 20;
    let mut entries = vec![(
        "L0".to_owned(),
        json!({"allOf": [reference("L1a"), reference("L1b")]}),
    )];
    for level in 1..depth {
        for side in ["a", "b"] {
            let next = level + 1;
            entries.push((
                format!("L{level}{side}"),
                json!({"allOf": [reference(&format!("L{next}a")), reference(&format!("L{next}b")),
                    {"type": "object", "properties": {format!("p{level}{side}"): {"type": "string"}}}]}),
            ));
        }
    }
    for side in ["a", "b"] {
        entries.push((
            format!("L{depth}{side}"),
            json!({"type": "object", "properties": {format!("leaf{side}"): {"type": "integer"}}}),
        ));
    }
    let generation = generate_in_time("all-of-diamond", &spec("L0", schemas(entries)))
        .unwrap_or_else(|e| {
            panic!("{e}");
        });
    let l0 = file(&generation, "src/models/l0.rs");
    assert!(l0.contains("pub p1a:") && l0.contains("pub leafb:"), "{l0}");
}

#[test]
fn a_forty_deep_all_of_chain_generates() {
    let depth = 40;
    let mut entries: Vec<(String, Value)> = (0..depth)
        .map(|level| {
            (
                format!("S{level}"),
                json!({"allOf": [reference(&format!("S{}", level + 1)),
                    {"type": "object", "properties": {format!("p{level}"): {"type": "string"}}}]}),
            )
        })
        .collect();
    entries.push((
        format!("S{depth}"),
        json!({"type": "object", "properties": {"last": {"type": "string"}}}),
    ));
    let generation = generate_in_time("all-of-chain", &spec("S0", schemas(entries)))
        .unwrap_or_else(|e| {
            panic!("{e}");
        });
    let s0 = file(&generation, "src/models/s0.rs");
    assert!(s0.contains("pub p39:") && s0.contains("pub last:"), "{s0}");
}

/// `N0.next` holds `N1`, which holds `N2`, ...; with `cyclic`, the last holds `N0` again,
/// so every field must be boxed.
fn reference_chain(length: usize, cyclic: bool) -> Value {
    let entries = (0..length).map(|index| {
        let next = if index + 1 < length {
            Some(index + 1)
        } else if cyclic {
            Some(0)
        } else {
            None
        };
        let mut properties = json!({"name": {"type": "string"}});
        if let Some(next) = next {
            properties["next"] = reference(&format!("N{next}"));
        }
        (
            format!("N{index}"),
            json!({"type": "object", "required": ["name"], "properties": properties}),
        )
    });
    spec("N0", schemas(entries))
}

#[test]
fn a_long_reference_chain_generates_in_linear_time() {
    let generation =
        generate_in_time("chain", &reference_chain(5_000, false)).unwrap_or_else(|e| panic!("{e}"));
    let first = file(&generation, "src/models/n0.rs");
    assert!(
        first.contains("pub next: Option<crate::models::N1>,"),
        "{first}"
    );
}

#[test]
fn a_long_reference_cycle_boxes_every_link() {
    let generation =
        generate_in_time("cycle", &reference_chain(5_000, true)).unwrap_or_else(|e| panic!("{e}"));
    let last = file(&generation, "src/models/n4999.rs");
    assert!(
        last.contains("pub next: Option<Box<crate::models::N0>>,"),
        "{last}"
    );
}

#[test]
fn a_very_long_reference_chain_does_not_overflow_the_stack() {
    // 30,000 schemas in a cycle: this used to abort the whole process with a stack overflow.
    let outcome = generate_in_time("long-chain", &reference_chain(30_000, true));
    let generation = outcome.unwrap_or_else(|e| panic!("{e}"));
    assert!(generation.files.len() > 30_000);
}

#[test]
fn a_cycle_through_an_array_or_a_map_becomes_a_newtype() {
    let spec = spec(
        "Tree",
        schemas([
            (
                "Tree".to_owned(),
                json!({"type": "array", "items": reference("Tree")}),
            ),
            (
                "Forest".to_owned(),
                json!({"type": "object", "additionalProperties": reference("Forest")}),
            ),
        ]),
    );
    let generation = generate_in_time("alias-cycle", &spec).unwrap_or_else(|e| panic!("{e}"));
    let tree = file(&generation, "src/models/tree.rs");
    assert!(
        tree.contains("pub struct Tree(pub Vec<crate::models::Tree>);"),
        "{tree}"
    );
    let forest = file(&generation, "src/models/forest.rs");
    assert!(
        forest.contains(
            "pub struct Forest(pub std::collections::BTreeMap<String, crate::models::Forest>);"
        ),
        "{forest}"
    );
}

#[test]
fn a_title_with_newlines_quotes_and_backslashes_gives_a_valid_manifest() {
    let mut spec = spec(
        "Thing",
        schemas([(
            "Thing".to_owned(),
            json!({"type": "object", "properties": {"id": {"type": "string"}}}),
        )]),
    );
    let title = "Hostile \"quoted\"\nsecond line\\ with\ttab and \u{7f} \u{1b}[31m";
    spec["info"]["title"] = json!(title);
    let generation = generate_in_time("title", &spec).unwrap_or_else(|e| panic!("{e}"));
    let crate_dir = tempfile::tempdir().unwrap();
    for file in &generation.files {
        let path = crate_dir.path().join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.contents).unwrap();
    }
    // Cargo itself reads the manifest: no dependency is resolved with `--no-deps`.
    let output = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--no-deps",
            "--offline",
            "--format-version",
            "1",
        ])
        .arg("--manifest-path")
        .arg(crate_dir.path().join("Cargo.toml"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stderr),
        file(&generation, "Cargo.toml")
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let description = metadata["packages"][0]["description"].as_str().unwrap();
    assert_eq!(
        description,
        "Typed client for the Hostile \"quoted\" second line\\ with tab and [31m \
         (generated from an OpenAPI spec)."
    );
}

#[test]
fn file_names_avoid_windows_device_names() {
    let entries = ["Con", "AUX", "nul", "Prn", "Com1", "LPT9", "Console"].map(|name| {
        (
            name.to_owned(),
            json!({"type": "object", "properties": {"id": {"type": "string"}}}),
        )
    });
    let mut spec = spec("Con", schemas(entries));
    spec["paths"]["/things"]["get"]["operationId"] = json!("aux");
    let generation = generate_in_time("windows", &spec).unwrap_or_else(|e| panic!("{e}"));
    let reserved = [
        "con", "prn", "aux", "nul", "com1", "com9", "lpt1", "lpt9", "conin$", "conout$",
    ];
    for file in &generation.files {
        let stem = file
            .path
            .rsplit('/')
            .next()
            .unwrap()
            .split('.')
            .next()
            .unwrap();
        assert!(
            !reserved.contains(&stem.to_ascii_lowercase().as_str()),
            "{} is a Windows device name",
            file.path
        );
    }
    for path in [
        "src/models/con_.rs",
        "src/models/aux_.rs",
        "src/models/nul_.rs",
        "src/models/prn_.rs",
        "src/models/com1_.rs",
        "src/models/lpt9_.rs",
        "src/models/console.rs",
        "src/operations/aux_.rs",
    ] {
        file(&generation, path);
    }
    // The types keep their names; only the module files move.
    assert!(file(&generation, "src/models/con_.rs").contains("pub struct Con {"));
}

#[test]
fn over_long_names_give_short_distinct_file_names() {
    let long = "VeryLong".repeat(40);
    let entries = ["A", "B"].map(|suffix| {
        (
            format!("{long}{suffix}"),
            json!({"type": "object", "properties": {"id": {"type": "string"}}}),
        )
    });
    let mut spec = spec(&format!("{long}A"), schemas(entries));
    spec["paths"]["/things"]["get"]["operationId"] = json!(format!("get{long}"));
    let generation = generate_in_time("long-names", &spec).unwrap_or_else(|e| panic!("{e}"));
    let models: Vec<&str> = generation
        .files
        .iter()
        .map(|file| file.path.as_str())
        .filter(|path| path.starts_with("src/models/") && !path.ends_with("mod.rs"))
        .collect();
    assert_eq!(models.len(), 2, "{models:?}");
    assert_ne!(models[0], models[1]);
    for file in &generation.files {
        let name = file.path.rsplit('/').next().unwrap();
        // Far below the 255 bytes file systems take, leaving room for the path.
        assert!(
            name.len() <= atlas_codegen::naming::MAX_MODULE_NAME_LEN + ".rs".len(),
            "{name} is {} bytes",
            name.len()
        );
    }
    // The Rust names are the spec's, however long.
    let lib = file(&generation, "src/models/mod.rs");
    assert!(lib.contains(&format!("{long}B")), "{lib}");
}

#[test]
fn a_hundred_thousand_value_enum_generates_in_time() {
    let values: Vec<String> = (0..100_000).map(|index| format!("VALUE_{index}")).collect();
    let spec = spec(
        "Huge",
        schemas([("Huge".to_owned(), json!({"type": "string", "enum": values}))]),
    );
    let generation = generate_in_time("huge-enum", &spec).unwrap_or_else(|e| panic!("{e}"));
    // The enum is an alias of the generic enum of its values, which lists them.
    let alias = file(&generation, "src/models/huge.rs");
    assert!(
        alias.contains("OneOfValue0Value1Value2And99997More<"),
        "{alias}"
    );
    let values = file(
        &generation,
        "src/models/one_of_value0_value1_value2_and99997_more.rs",
    );
    assert!(values.contains("Value99999,"));
}

/// Spec text never becomes executed Rust: code fences in descriptions turn into `text` blocks,
/// indentation never opens an (executable) indented code block, and a parameter example
/// reaches the crate's doc test only as a literal the generator parsed (issue 8, finding 7).
#[test]
fn spec_text_never_runs_as_a_doc_test() {
    let hostile = json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Hostile text",
            "version": "1",
            "description": "Try this:\n\n```\ncurl -X POST https://example.com\n```\n\n```rust\nstd::process::abort();\n```\n\nOr:\n\n        std::process::abort();"
        },
        "paths": {"/things/{count}": {"get": {
            "operationId": "getThings",
            "parameters": [{
                "name": "count", "in": "path", "required": true,
                "schema": {"type": "integer"},
                "example": "1); std::fs::write(\"/tmp/pwned\", \"x\").unwrap(); (1"
            }],
            "responses": {"200": {"description": "OK"}}
        }}}
    });
    let generation = generate_in_time("hostile-text", &hostile).unwrap();
    let lib = &generation
        .files
        .iter()
        .find(|file| file.path == "src/lib.rs")
        .unwrap()
        .contents;
    assert!(!lib.contains("```rust"), "{lib}");
    assert!(!lib.contains("//!         std::process::abort"), "{lib}");
    assert!(lib.contains("//! ```text"), "{lib}");
    assert!(
        !lib.contains("pwned"),
        "the example must not be pasted: {lib}"
    );
    assert!(
        lib.contains("todo!()"),
        "an unparsable example gives a placeholder: {lib}"
    );
}
