//! The generator never panics and never hangs: it either generates or reports located
//! errors, for mutated versions of every spec we have and for arbitrary text. The cases are
//! drawn from a fixed seed, so a failure reproduces; their number is bounded.

use integration_tests::{committed_spec, generate, workspace_root};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::Value;
use std::sync::mpsc;
use std::time::Duration;

/// Generation of any of these specs takes milliseconds; this much means a loop.
const WATCHDOG: Duration = Duration::from_secs(20);

/// The whole test process stays far below this; more means a spec makes memory explode
/// (an `allOf` that includes itself twice used to grow by hundreds of MB a second).
const MEMORY_WATCHDOG_BYTES: u64 = 2 << 30;

/// The resident memory of this process, where the platform says (Linux).
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

/// Runs the generator on a thread and fails if it panics, does not finish in time, or makes
/// the process's memory explode.
fn generate_within_watchdog(name: &str, text: String) -> Result<usize, usize> {
    let (sender, receiver) = mpsc::channel();
    let name = name.to_owned();
    let reported = text.clone();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(|| match generate(&name, &text) {
            Ok(generation) => Ok(generation.files.len()),
            Err(errors) => {
                assert!(!errors.items.is_empty(), "an error without a diagnostic");
                Err(errors.items.len())
            }
        });
        let _ = sender.send(outcome);
    });
    let started = std::time::Instant::now();
    loop {
        match receiver.recv_timeout(Duration::from_millis(50)) {
            Ok(Ok(outcome)) => return outcome,
            Ok(Err(_)) => panic!("the generator panicked on this spec:\n{reported}"),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                panic!("the generator thread died on this spec:\n{reported}")
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if started.elapsed() > WATCHDOG {
            panic!("the generator did not finish within {WATCHDOG:?} on this spec:\n{reported}");
        }
        if let Some(bytes) = resident_bytes().filter(|&bytes| bytes > MEMORY_WATCHDOG_BYTES) {
            panic!(
                "the process holds {} MB while generating this spec:\n{reported}",
                bytes >> 20
            );
        }
    }
}

fn seed_specs() -> Vec<Value> {
    let mut specs = vec![serde_yaml::from_str(&committed_spec().1).unwrap()];
    let fixtures = workspace_root().join("tests/fixtures");
    for dir in [fixtures.clone(), fixtures.join("errors")] {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for path in paths
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        {
            if let Ok(value) =
                serde_yaml::from_str::<Value>(&std::fs::read_to_string(&path).unwrap())
            {
                specs.push(value);
            }
        }
    }
    specs
}

/// Every place in a document, as a path of keys and indexes.
fn places(value: &Value, here: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(here.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let mut next = here.clone();
                next.push(key.clone());
                places(child, next, out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                let mut next = here.clone();
                next.push(index.to_string());
                places(child, next, out);
            }
        }
        _ => {}
    }
}

fn at_mut<'a>(value: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |node, key| match node {
        Value::Object(map) => map.get_mut(key),
        Value::Array(items) => key
            .parse::<usize>()
            .ok()
            .and_then(|index| items.get_mut(index)),
        _ => None,
    })
}

/// Values that tend to break generators: wrong types, dangling and self references, hostile
/// names, enormous and empty things.
fn hostile_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        Just(Value::from("#/components/schemas/Nope")),
        Just(serde_json::json!({"$ref": "#/components/schemas/Pet"})),
        Just(serde_json::json!({"$ref": "#/components/schemas/Cat"})),
        Just(serde_json::json!({"$ref": "#"})),
        Just(serde_json::json!({"$ref": "other.yaml#/x"})),
        Just(serde_json::json!({"allOf": [{"$ref": "#/components/schemas/Animal"}]})),
        // Shapes that once hung the generator or made uncompilable code when they close a
        // cycle: an allOf including a schema twice, and a schema inside an array or a map.
        Just(serde_json::json!({"allOf": [
            {"$ref": "#/components/schemas/Pet"}, {"$ref": "#/components/schemas/Pet"}
        ]})),
        Just(serde_json::json!({"allOf": [
            {"$ref": "#/components/schemas/Animal"}, {"$ref": "#/components/schemas/Animal"}
        ]})),
        Just(serde_json::json!({"type": "array", "items": {"$ref": "#/components/schemas/Pet"}})),
        Just(
            serde_json::json!({"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Animal"}})
        ),
        Just(serde_json::json!({"oneOf": [{"type": "string"}, {"type": "string"}]})),
        Just(
            serde_json::json!({"type": "object", "properties": {"type": {"type": "string", "enum": ["a-b", "A_B", ""]}}})
        ),
        Just(serde_json::json!({"type": "array"})),
        Just(serde_json::json!({"not": {}})),
        Just(Value::from("")),
        Just(Value::from("{")),
        Just(Value::from("self")),
        Just(Value::from("/{a}/{a}")),
        Just(Value::from("String")),
        "[a-zA-Z0-9_{}/#~ .-]{0,12}".prop_map(Value::from),
        Just(Value::Array(vec![])),
        Just(Value::Object(Default::default())),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Replace(usize, Value),
    /// Copy the subtree at one place over another: makes cycles and duplicates.
    Transplant(usize, usize),
    RenameKey(usize, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), hostile_value()).prop_map(|(at, value)| Mutation::Replace(at, value)),
        (any::<usize>(), any::<usize>()).prop_map(|(from, to)| Mutation::Transplant(from, to)),
        (any::<usize>(), "[a-zA-Z{}/ ~$-]{0,10}")
            .prop_map(|(at, key)| Mutation::RenameKey(at, key)),
    ]
}

fn apply(spec: &mut Value, mutation: &Mutation) {
    let mut all = Vec::new();
    places(spec, Vec::new(), &mut all);
    let pick = |index: usize| all[index % all.len()].clone();
    match mutation {
        Mutation::Delete(at) => {
            let path = pick(*at);
            if let Some((last, parent)) = path.split_last() {
                match at_mut(spec, parent) {
                    Some(Value::Object(map)) => {
                        map.remove(last);
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(index) = last.parse::<usize>() {
                            if index < items.len() {
                                items.remove(index);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        Mutation::Replace(at, value) => {
            if let Some(node) = at_mut(spec, &pick(*at)) {
                *node = value.clone();
            }
        }
        Mutation::Transplant(from, to) => {
            let source = at_mut(spec, &pick(*from)).map(|node| node.clone());
            if let (Some(source), Some(target)) = (source, at_mut(spec, &pick(*to))) {
                *target = source;
            }
        }
        Mutation::RenameKey(at, key) => {
            let path = pick(*at);
            if let Some((last, parent)) = path.split_last() {
                if let Some(Value::Object(map)) = at_mut(spec, parent) {
                    if let Some(value) = map.remove(last) {
                        map.insert(key.clone(), value);
                    }
                }
            }
        }
    }
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    )
}

#[test]
fn mutated_specs_generate_or_fail_with_located_errors() {
    let seeds = seed_specs();
    assert!(
        seeds.len() >= 8,
        "the committed spec, the fixtures and the broken fixtures"
    );
    let strategy = (
        0..seeds.len(),
        prop::collection::vec(mutation(), 1..6),
        any::<bool>(),
    );
    let outcomes = std::cell::Cell::new((0, 0));
    runner(400)
        .run(&strategy, |(seed, mutations, as_json)| {
            let mut spec = seeds[seed].clone();
            for mutation in &mutations {
                apply(&mut spec, mutation);
            }
            let text = if as_json {
                serde_json::to_string(&spec).unwrap()
            } else {
                serde_yaml::to_string(&spec).unwrap()
            };
            let (generated, rejected) = outcomes.get();
            outcomes.set(match generate_within_watchdog("mutated.yaml", text) {
                Ok(_) => (generated + 1, rejected),
                Err(_) => (generated, rejected + 1),
            });
            Ok(())
        })
        .unwrap();
    // Both paths were exercised: some mutations are harmless, others break the spec.
    let (generated, rejected) = outcomes.get();
    assert!(
        generated > 0 && rejected > 0,
        "generated {generated}, rejected {rejected}"
    );
}

#[test]
fn arbitrary_text_is_rejected_without_panicking() {
    let text = prop_oneof![
        ".{0,200}",
        "(openapi: 3\\.0\\.[0-9]\n)?(info:\n  title: [a-z]{0,5}\n  version: '1'\n)?(paths:\n  /[a-z{}]{0,6}:\n    get:\n      operationId: [a-z]{0,4}\n)?",
        "\\{\"openapi\": \"3\\.0\\.0\"(, \"paths\": \\{\\})?\\}",
    ];
    runner(300)
        .run(&text, |text| {
            let _ = generate_within_watchdog("arbitrary.yaml", text);
            Ok(())
        })
        .unwrap();
}
