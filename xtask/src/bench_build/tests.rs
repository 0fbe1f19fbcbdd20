use super::*;

fn parse(args: &[&str]) -> Result<BenchArgs, String> {
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    BenchArgs::parse(&args)
}

#[test]
fn arguments_parse_into_options() {
    assert_eq!(parse(&[]).unwrap(), BenchArgs::default());
    let args = parse(&[
        "--spec",
        "api.yaml",
        "--no-default-features",
        "--features",
        "client,cloud-backups",
        "--runs",
        "2",
        "--json",
    ])
    .unwrap();
    assert_eq!(args.spec, Some(PathBuf::from("api.yaml")));
    assert_eq!(args.runs, Some(2));
    assert!(args.json && !args.progenitor);
    assert_eq!(
        args.feature_flags(),
        [
            "--no-default-features",
            "--features",
            "client,cloud-backups"
        ]
    );
}

#[test]
fn every_progenitor_option_implies_progenitor() {
    let args = parse(&["--progenitor-spec", "edited.yaml"]).unwrap();
    assert!(args.progenitor);
    assert_eq!(args.progenitor_spec, Some(PathBuf::from("edited.yaml")));
    assert!(parse(&["--progenitor-compat"]).unwrap().progenitor);
    let builder = parse(&["--progenitor-interface", "builder"]).unwrap();
    assert!(builder.progenitor);
    assert_eq!(builder.progenitor_interface.as_deref(), Some("builder"));
}

#[test]
fn bad_arguments_are_named() {
    for (args, expected) in [
        (
            &["--runs", "0"][..],
            "--runs needs a positive number, not \"0\"",
        ),
        (&["--runs", "many"][..], "not \"many\""),
        (&["--spec"][..], "--spec needs a path"),
        (&["--features"][..], "--features needs a list"),
        (&["--no-committed"][..], "nothing to measure"),
        (&["--release"][..], "unknown argument \"--release\""),
        (
            &["--progenitor-interface", "fluent"][..],
            "positional or builder, not \"fluent\"",
        ),
        (
            &["--progenitor-compat", "--progenitor-spec", "x.yaml"][..],
            "leave out --progenitor-spec",
        ),
    ] {
        let error = parse(args).unwrap_err();
        assert!(error.contains(expected), "{args:?}: {error}");
    }
}

fn usage(seconds: u64) -> measure::Usage {
    measure::Usage {
        cpu: Duration::from_secs(seconds),
        peak_rss_bytes: 1,
        wall: Duration::from_secs(seconds),
    }
}

#[test]
fn slow_crates_get_one_run_unless_runs_are_asked_for() {
    assert_eq!(planned_runs(None, &[]), DEFAULT_RUNS);
    assert_eq!(planned_runs(None, &[usage(2)]), DEFAULT_RUNS);
    assert_eq!(planned_runs(None, &[usage(90)]), 1);
    assert_eq!(planned_runs(Some(5), &[usage(90)]), 5);
}

#[test]
fn figures_are_medians_in_seconds_and_mebibytes() {
    let line = CrateLine {
        crate_name: "atlas-api".to_owned(),
        tool: "ours".to_owned(),
        source: String::new(),
        feature_flags: Vec::new(),
    };
    let usages = [1, 9, 3].map(|seconds| measure::Usage {
        cpu: Duration::from_secs(seconds),
        peak_rss_bytes: seconds * 1024 * 1024,
        wall: Duration::from_secs(seconds / 2),
    });
    let row = summarise(&line, CargoCommand::Build, &usages);
    assert_eq!((row.runs, row.cpu_seconds, row.peak_mib), (3, 3.0, 3.0));
    assert_eq!(row.wall_seconds, 1.0);
}

/// A workspace with the committed spec in place, enough for [`plan`].
fn workspace() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("spec")).unwrap();
    std::fs::write(root.path().join(DEFAULT_SPEC), "openapi: 3.0.1\n").unwrap();
    std::fs::write(root.path().join("other-api.yaml"), "openapi: 3.0.1\n").unwrap();
    root
}

fn planned(root: &Path, args: &[&str]) -> Vec<(String, String, String, bool)> {
    plan(root, &parse(args).unwrap())
        .unwrap()
        .into_iter()
        .map(|subject| {
            (
                subject.folder,
                subject.line.tool,
                subject.line.feature_flags.join(" "),
                subject.under_test,
            )
        })
        .collect()
}

#[test]
fn without_a_spec_the_committed_crate_is_under_test() {
    let root = workspace();
    let subjects = planned(root.path(), &["--no-default-features", "--progenitor"]);
    assert_eq!(
        subjects,
        [
            (
                "ours-committed".to_owned(),
                "ours".to_owned(),
                "--no-default-features".to_owned(),
                true
            ),
            (
                "progenitor-atlas-snapshots".to_owned(),
                format!("progenitor {}", progenitor::VERSION),
                String::new(),
                false
            ),
        ]
    );
    // Naming the committed spec is the same as naming none.
    let spec = root.path().join(DEFAULT_SPEC);
    let same = planned(root.path(), &["--spec", &spec.to_string_lossy()]);
    assert_eq!(same, planned(root.path(), &[])[..1]);
}

#[test]
fn with_a_spec_the_committed_crate_is_the_baseline_with_default_features() {
    let root = workspace();
    let spec = root.path().join("other-api.yaml");
    let spec = spec.to_string_lossy();
    let args = ["--spec", &spec, "--features", "client", "--progenitor"];
    let folders: Vec<_> = planned(root.path(), &args)
        .into_iter()
        .map(|(folder, _, features, under_test)| (folder, features, under_test))
        .collect();
    assert_eq!(
        folders,
        [
            ("ours-committed".to_owned(), String::new(), false),
            (
                "ours-other-api".to_owned(),
                "--features client".to_owned(),
                true
            ),
            ("progenitor-other-api".to_owned(), String::new(), false),
        ]
    );
    let without: Vec<_> = planned(root.path(), &["--spec", &spec, "--no-committed"])
        .into_iter()
        .map(|subject| subject.0)
        .collect();
    assert_eq!(without, ["ours-other-api"]);
}

#[test]
fn the_progenitor_spec_is_shown_beside_the_spec_it_stands_for() {
    let root = workspace();
    let edited = root.path().join("edited.yaml");
    std::fs::write(&edited, "openapi: 3.0.1\n").unwrap();
    let args = parse(&["--progenitor-spec", &edited.to_string_lossy()]).unwrap();
    let subjects = plan(root.path(), &args).unwrap();
    let progenitor = subjects.last().unwrap();
    assert_eq!(progenitor.line.crate_name, "atlas-snapshots");
    assert_eq!(
        progenitor.line.source,
        "written from edited.yaml (--progenitor-spec, in place of spec/atlas-snapshots.yaml)"
    );
    assert_eq!(
        progenitor.origin,
        Origin::Progenitor {
            spec: edited,
            compat: false,
            interface: None
        }
    );
}

#[test]
fn a_missing_spec_is_named_before_anything_is_built() {
    let root = workspace();
    let error = plan(
        root.path(),
        &parse(&["--spec", "nowhere/api.yaml"]).unwrap(),
    )
    .unwrap_err();
    assert!(error.contains("nowhere/api.yaml"), "{error}");
}

#[test]
fn ratios_go_to_the_crate_under_test_only() {
    let root = workspace();
    let spec = root.path().join("other-api.yaml");
    let args = parse(&["--spec", &spec.to_string_lossy(), "--progenitor"]).unwrap();
    let subjects = plan(root.path(), &args).unwrap();
    let rows_of = |subject: &Subject, cpu: f64| -> Vec<Row> {
        CargoCommand::ALL
            .into_iter()
            .map(|command| Row {
                crate_name: subject.line.crate_name.clone(),
                tool: subject.line.tool.clone(),
                command,
                runs: 1,
                cpu_seconds: cpu,
                cpu_seconds_by_run: vec![cpu],
                wall_seconds: cpu,
                peak_mib: cpu * 100.0,
                versus_progenitor: None,
            })
            .collect()
    };
    let mut measured: Vec<Vec<Row>> = subjects
        .iter()
        .zip([1.0, 2.0, 8.0])
        .map(|(subject, cpu)| rows_of(subject, cpu))
        .collect();
    compare_with_progenitor(&subjects, &mut measured);
    let ratios: Vec<Vec<Option<Ratio>>> = measured
        .iter()
        .map(|rows| rows.iter().map(|row| row.versus_progenitor).collect())
        .collect();
    let quarter = Some(Ratio {
        cpu: 0.25,
        peak: 0.25,
        cpu_by_round: None,
    });
    assert_eq!(
        ratios,
        [vec![None, None], vec![quarter, quarter], vec![None, None]]
    );
}

#[test]
fn each_progenitor_interface_style_has_its_own_folder() {
    let root = workspace();
    let folder_of = |args: &[&str]| planned(root.path(), args).pop().unwrap().0;
    assert_eq!(folder_of(&["--progenitor"]), "progenitor-atlas-snapshots");
    assert_eq!(
        folder_of(&["--progenitor-interface", "builder"]),
        "progenitor-builder-atlas-snapshots"
    );
    assert_eq!(
        folder_of(&["--progenitor-interface", "positional"]),
        "progenitor-atlas-snapshots"
    );
    assert_eq!(
        folder_of(&[
            "--progenitor-version",
            "0.14.0",
            "--progenitor-interface",
            "builder"
        ]),
        "progenitor-0.14.0-builder-atlas-snapshots"
    );
}

#[test]
fn another_progenitor_release_is_named_and_checked() {
    let args = parse(&["--progenitor-version", "0.14.0"]).unwrap();
    assert!(args.progenitor, "naming a release asks for progenitor");
    let root = workspace();
    let tools: Vec<String> = planned(root.path(), &["--progenitor-version", "0.14.0"])
        .into_iter()
        .map(|(_, tool, _, _)| tool)
        .collect();
    assert_eq!(tools.last().map(String::as_str), Some("progenitor 0.14.0"));
    let error = parse(&["--progenitor-version", "latest"]).unwrap_err();
    assert!(error.contains("\"latest\""), "{error}");
}
