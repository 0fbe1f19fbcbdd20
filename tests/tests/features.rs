//! Cargo features per tag (issue 11): which operations and models each feature compiles, the
//! default features a maintainer chooses, and generated crates that build without warnings
//! with each feature alone and with none.

use atlas_codegen::ir::{Api, Gate};
use atlas_codegen::{Options, SpecSource};
use integration_tests::{run_cargo, workspace_root, write_scratch_workspace, write_shared_runtime};
use std::path::PathBuf;

fn tags_fixture() -> (String, String) {
    let name = "tests/fixtures/tags.yaml".to_owned();
    let text = std::fs::read_to_string(workspace_root().join(&name)).unwrap();
    (name, text)
}

fn lowered(text: &str) -> Api {
    let document = atlas_codegen::load::load(text).unwrap();
    atlas_codegen::lower::lower(document).unwrap()
}

/// How a gate reads in the expectations below: `always`, or the features joined by `|`.
fn gate_text(gate: &Gate) -> String {
    match gate {
        Gate::Always => "always".to_owned(),
        Gate::AnyOf(features) => features.join("|"),
    }
}

#[test]
fn each_model_compiles_under_exactly_the_tags_that_reach_it() {
    let api = lowered(&tags_fixture().1);
    let mut models: Vec<(String, String)> = api
        .types
        .iter()
        .map(|(_, def)| (def.rust_name.clone(), gate_text(&def.gate)))
        .collect();
    models.sort();
    let expected = [
        // Through the profile's favourite beds, and as the body of two bed operations.
        ("Bed", "client-operations|plant-beds"),
        ("CompostHeap", "unreferenced-models"),
        // Only the unreferenced compost heap holds notes.
        ("CompostNote", "unreferenced-models"),
        // The error body of every operation, the untagged one too.
        ("GardenError", "always"),
        ("Gardener", "client-operations"),
        // A parameter's enum.
        ("ListBedsSeason", "plant-beds"),
        // Held by beds, schedules and watering events: three tags share it.
        ("Moisture", "client-operations|plant-beds|watering"),
        // The generic enums of `SoilKind`'s and `ListBedsSeason`'s values, under their gates.
        (
            "OneOfLoamClaySand",
            "client-operations|plant-beds|unreferenced-models",
        ),
        ("OneOfSpringSummer", "plant-beds"),
        ("PaginatedBeds", "plant-beds"),
        ("Pong", "always"),
        ("Schedule", "watering"),
        // Held by beds, and by the unreferenced compost heap.
        ("Soil", "client-operations|plant-beds|unreferenced-models"),
        (
            "SoilKind",
            "client-operations|plant-beds|unreferenced-models",
        ),
        // The answer of the one operation with two tags.
        ("WateringEvent", "plant-beds|watering"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(name, gate)| ((*name).to_owned(), (*gate).to_owned()))
        .collect();
    assert_eq!(models, expected);

    let operations: Vec<(&str, String)> = api
        .operations
        .iter()
        .map(|operation| (operation.operation_id.as_str(), gate_text(&operation.gate)))
        .collect();
    assert_eq!(
        operations,
        [
            ("createBed", "plant-beds".to_owned()),
            ("getGardener", "client-operations".to_owned()),
            ("listBeds", "plant-beds".to_owned()),
            ("listLegacySchedules", "watering".to_owned()),
            ("listSchedules", "watering".to_owned()),
            ("ping", "always".to_owned()),
            ("waterBed", "plant-beds|watering".to_owned()),
        ]
    );

    // `Greenhouses` is declared but carries no operation: no feature.
    let features: Vec<(&str, &str, usize)> = api
        .tag_features
        .iter()
        .map(|feature| {
            (
                feature.name.as_str(),
                feature.tag.as_str(),
                feature.operation_count,
            )
        })
        .collect();
    assert_eq!(
        features,
        [
            ("client-operations", "Client", 1),
            ("plant-beds", "Plant Beds", 3),
            ("watering", "Watering", 3),
        ]
    );
    assert!(api.has_unreferenced_models);
}

fn manifest_with_defaults(defaults: Option<&[&str]>) -> Result<String, String> {
    generated_file_with_defaults(defaults, "Cargo.toml")
}

fn generated_file_with_defaults(defaults: Option<&[&str]>, path: &str) -> Result<String, String> {
    let (name, text) = tags_fixture();
    let options = Options {
        default_features: defaults
            .map(|names| names.iter().map(|name| (*name).to_owned()).collect()),
        ..Options::for_spec(&name)
    };
    let generation = atlas_codegen::generate(
        SpecSource {
            name: &name,
            text: &text,
        },
        &options,
    )
    .map_err(|errors| errors.to_string())?;
    let file = generation
        .files
        .iter()
        .find(|file| file.path == path)
        .unwrap();
    Ok(file.contents.clone())
}

#[test]
fn the_readme_lists_each_tag_feature_and_whether_it_is_on() {
    let everything = generated_file_with_defaults(None, "README.md").unwrap();
    for row in [
        "| `client` | yes |",
        "| `full` | yes | every tag's operations",
        "| `plant-beds` | yes | the 3 operations tagged `Plant Beds`, and the ",
        "| `client-operations` | yes | the operation tagged `Client`, and the ",
        "| `unreferenced-models` | no |",
    ] {
        assert!(everything.contains(row), "no {row:?} in\n{everything}");
    }
    assert!(everything.contains("### Plant Beds (feature `plant-beds`)"));
    let chosen = generated_file_with_defaults(Some(&["watering"]), "README.md").unwrap();
    for row in [
        "| `client` | no |",
        "| `full` | no |",
        "| `plant-beds` | no |",
        "| `watering` | yes |",
    ] {
        assert!(chosen.contains(row), "no {row:?} in\n{chosen}");
    }
}

#[test]
fn maintainers_choose_the_default_features() {
    let everything = manifest_with_defaults(None).unwrap();
    assert!(
        everything.contains("\ndefault = [\"client\", \"full\"]\n"),
        "{everything}"
    );
    let chosen =
        manifest_with_defaults(Some(&["watering", "client", "watering", "http2"])).unwrap();
    assert!(
        chosen.contains("\ndefault = [\"watering\", \"client\", \"http2\"]\n"),
        "{chosen}"
    );
    // Exactly what the maintainer names: a crate may be sans-IO by default.
    let none = manifest_with_defaults(Some(&[])).unwrap();
    assert!(none.contains("\ndefault = []\n"), "{none}");
}

#[test]
fn an_unknown_default_feature_is_an_error_naming_it() {
    let misspelt = manifest_with_defaults(Some(&["wattering"])).unwrap_err();
    assert!(misspelt.contains("\"wattering\""), "{misspelt}");
    assert!(
        misspelt.contains("client, digest, http2, full, client-operations, plant-beds, watering, unreferenced-models"),
        "{misspelt}"
    );
    let tag_name = manifest_with_defaults(Some(&["Plant Beds"])).unwrap_err();
    assert!(
        tag_name.contains("did you mean `plant-beds`, the feature of tag \"Plant Beds\"?"),
        "{tag_name}"
    );
    let default = manifest_with_defaults(Some(&["default"])).unwrap_err();
    assert!(default.contains("\"default\""), "{default}");
}

/// The features of a spec to try one at a time: one per tag, and the unreferenced models.
fn features_of(spec: &str) -> Vec<String> {
    let text = std::fs::read_to_string(workspace_root().join(spec)).unwrap();
    let api = lowered(&text);
    let mut features: Vec<String> = api
        .tag_features
        .iter()
        .map(|feature| feature.name.clone())
        .collect();
    if api.has_unreferenced_models {
        features.push(atlas_codegen::ir::UNREFERENCED_MODELS_FEATURE.to_owned());
    }
    features
}

/// Generates the tags fixture and the committed spec (whose every operation has a tag) into
/// crates outside the workspace, and checks them with clippy, warnings denied, with no
/// feature, with each feature alone, and with each beside `client` (the defaults, every tag,
/// are checked by `generated_crates_build_on_their_own_and_behave`). A gate missing on an item
/// that names a gated one fails to compile, a gate too many (an item off that an operation of
/// the feature needs) fails too, and so would an unused item. Doc tests run with no feature,
/// where the crate docs' examples must still compile. Which models each feature compiles is
/// `each_model_compiles_under_exactly_the_tags_that_reach_it`'s business.
#[test]
fn generated_crates_build_with_each_feature_alone_and_with_none() {
    let scratch = tempfile::tempdir().unwrap();
    let specs = ["tests/fixtures/tags.yaml", "spec/atlas-snapshots.yaml"];
    let mut crates: Vec<(String, Vec<String>)> = Vec::new();
    let runtime = write_shared_runtime(scratch.path());
    for spec in specs {
        let stem = PathBuf::from(spec)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let out = scratch.path().join(&stem);
        xtask::run(&[
            "codegen".to_owned(),
            "--spec".to_owned(),
            workspace_root().join(spec).to_string_lossy().into_owned(),
            "--out".to_owned(),
            out.to_string_lossy().into_owned(),
            "--runtime".to_owned(),
            runtime.to_owned(),
        ])
        .unwrap();
        let package = atlas_codegen::Options::for_spec(spec).crate_name;
        crates.push((package, features_of(spec)));
    }
    let members: Vec<String> = specs
        .iter()
        .map(|spec| {
            PathBuf::from(spec)
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    write_scratch_workspace(scratch.path(), &members);
    let check = |features: &[String]| {
        let list = features.join(",");
        let mut args = vec!["clippy", "--quiet", "--workspace", "--no-default-features"];
        if !list.is_empty() {
            args.extend(["--features", &list]);
        }
        args.extend(["--", "-D", "warnings"]);
        run_cargo(scratch.path(), &args);
    };
    // One cargo run checks both crates: round `i` turns on the i-th feature of each.
    let rounds = crates
        .iter()
        .map(|(_, features)| features.len())
        .max()
        .unwrap_or(0);
    for with_client in [false, true] {
        let client: Vec<String> = if with_client {
            crates
                .iter()
                .map(|(package, _)| format!("{package}/client"))
                .collect()
        } else {
            Vec::new()
        };
        check(&client);
        for round in 0..rounds {
            let mut features = client.clone();
            for (package, alone) in &crates {
                if let Some(feature) = alone.get(round) {
                    features.push(format!("{package}/{feature}"));
                }
            }
            check(&features);
        }
    }
    run_cargo(
        scratch.path(),
        &[
            "test",
            "--quiet",
            "--workspace",
            "--doc",
            "--no-default-features",
        ],
    );
}
