//! insta snapshots of the generator's output: the committed spec, each fixture spec, and the
//! located error messages of each broken spec.

use integration_tests::{committed_spec, generate, render};

#[test]
fn committed_spec_output() {
    let (name, text) = committed_spec();
    let generation = generate(&name, &text).unwrap_or_else(|errors| panic!("{errors}"));
    insta::assert_snapshot!("committed_spec", render(&generation));
}

#[test]
fn fixture_outputs() {
    insta::glob!("../fixtures", "*.yaml", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = format!(
            "tests/fixtures/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let generation = generate(&name, &text).unwrap_or_else(|errors| panic!("{errors}"));
        insta::assert_snapshot!(render(&generation));
    });
}

#[test]
fn error_messages_are_located() {
    insta::glob!("../fixtures/errors", "*.yaml", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = format!(
            "tests/fixtures/errors/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let errors = generate(&name, &text).expect_err("a broken spec must not generate");
        assert!(!errors.items.is_empty());
        insta::assert_snapshot!(errors.to_string());
    });
}

#[test]
fn generation_is_deterministic() {
    let (name, text) = committed_spec();
    let first = generate(&name, &text).unwrap();
    let second = generate(&name, &text).unwrap();
    assert_eq!(first, second);
}
