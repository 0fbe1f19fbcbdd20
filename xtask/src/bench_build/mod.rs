//! `cargo xtask bench-build`: what building a generated crate costs (CPU time and peak
//! memory of `cargo check` and `cargo build`), for the committed crate, a crate written from
//! any spec and, on request, the crate progenitor writes from the same spec.

mod measure;
mod progenitor;
mod progenitor_compat;
mod report;
mod scratch;

pub use measure::median;
pub use report::{CargoCommand, CrateLine, Ratio, Row};

use crate::codegen::{DEFAULT_OUT, DEFAULT_SPEC, display_path};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Where every crate is written and built, inside the workspace's `target/`.
pub const SCRATCH: &str = "target/bench-build";

/// Runs per command when `--runs` is not given, and the CPU time of a first run above which
/// one run is enough: a crate that takes this long rebuilds with little relative noise, and
/// three runs of it would keep the shared machine busy for many minutes.
const DEFAULT_RUNS: usize = 3;
const ONE_RUN_IS_ENOUGH_ABOVE: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BenchArgs {
    /// A spec to write and measure a crate from, beside the committed crate.
    pub spec: Option<PathBuf>,
    /// `--features` for the crate under test, passed to cargo as given.
    pub features: Option<String>,
    pub no_default_features: bool,
    /// Runs per crate and command; `None` chooses (see `DEFAULT_RUNS`).
    pub runs: Option<usize>,
    pub progenitor: bool,
    /// The spec progenitor is given instead of the one under test (an edited copy).
    pub progenitor_spec: Option<PathBuf>,
    /// Give progenitor a copy of the spec rewritten where it refuses it (see
    /// the `progenitor_compat` module).
    pub progenitor_compat: bool,
    /// progenitor's `--interface` (`positional`, its default, or `builder`).
    pub progenitor_interface: Option<String>,
    /// A release of cargo-progenitor other than the pinned one (`progenitor::VERSION`).
    pub progenitor_version: Option<String>,
    /// Leave out the committed crate (it is the baseline beside `--spec`).
    pub no_committed: bool,
    pub json: bool,
}

impl BenchArgs {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut parsed = Self::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--spec" => parsed.spec = Some(args.next().ok_or("--spec needs a path")?.into()),
                "--features" => {
                    parsed.features = Some(args.next().ok_or("--features needs a list")?.clone());
                }
                "--no-default-features" => parsed.no_default_features = true,
                "--runs" => {
                    let value = args.next().ok_or("--runs needs a number")?;
                    let runs = value
                        .parse::<usize>()
                        .ok()
                        .filter(|runs| *runs > 0)
                        .ok_or_else(|| format!("--runs needs a positive number, not {value:?}"))?;
                    parsed.runs = Some(runs);
                }
                "--progenitor" => parsed.progenitor = true,
                "--progenitor-spec" => {
                    let path = args.next().ok_or("--progenitor-spec needs a path")?;
                    parsed.progenitor_spec = Some(path.into());
                    parsed.progenitor = true;
                }
                "--progenitor-compat" => {
                    parsed.progenitor_compat = true;
                    parsed.progenitor = true;
                }
                "--progenitor-interface" => {
                    let style = args.next().ok_or("--progenitor-interface needs a style")?;
                    if style != "positional" && style != "builder" {
                        return Err(format!(
                            "--progenitor-interface is positional or builder, not {style:?}"
                        ));
                    }
                    parsed.progenitor_interface = Some(style.clone());
                    parsed.progenitor = true;
                }
                "--progenitor-version" => {
                    let version = args.next().ok_or("--progenitor-version needs a version")?;
                    if semver::Version::parse(version).is_err() {
                        return Err(format!(
                            "--progenitor-version needs a release such as 0.14.0, not {version:?}"
                        ));
                    }
                    parsed.progenitor_version = Some(version.clone());
                    parsed.progenitor = true;
                }
                "--no-committed" => parsed.no_committed = true,
                "--json" => parsed.json = true,
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        if parsed.progenitor_compat && parsed.progenitor_spec.is_some() {
            return Err(
                "--progenitor-compat rewrites the spec itself: leave out --progenitor-spec"
                    .to_owned(),
            );
        }
        if parsed.no_committed && parsed.spec.is_none() {
            return Err("--no-committed leaves nothing to measure without --spec".to_owned());
        }
        Ok(parsed)
    }

    /// The release of cargo-progenitor to measure.
    fn progenitor_version(&self) -> &str {
        self.progenitor_version
            .as_deref()
            .unwrap_or(progenitor::VERSION)
    }

    /// The feature flags for cargo, as typed.
    fn feature_flags(&self) -> Vec<String> {
        let mut flags = Vec::new();
        if self.no_default_features {
            flags.push("--no-default-features".to_owned());
        }
        if let Some(features) = &self.features {
            flags.extend(["--features".to_owned(), features.clone()]);
        }
        flags
    }
}

/// Where a measured crate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    /// `generated/` as it is in the work tree.
    Committed,
    /// Written by our generator from a spec.
    Ours(PathBuf),
    /// Written by cargo-progenitor from a spec, rewritten first with `compat`.
    Progenitor {
        spec: PathBuf,
        compat: bool,
        interface: Option<String>,
    },
}

#[derive(Debug, Clone)]
struct Subject {
    line: CrateLine,
    origin: Origin,
    /// The folder under [`SCRATCH`] holding the crate's own little workspace.
    folder: String,
    /// Compared with progenitor's crate: the crate written from the spec under test.
    under_test: bool,
}

/// Measures every crate the arguments name and returns the report.
pub fn bench_build(root: &Path, args: &BenchArgs) -> Result<String, String> {
    let mut subjects = plan(root, args)?;
    let scratch = root.join(SCRATCH);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let progenitor_bin = if args.progenitor {
        Some(progenitor::install(
            root,
            &cargo,
            args.progenitor_version(),
        )?)
    } else {
        None
    };

    // Every crate is written before any is built, so a spec that one tool refuses fails the
    // run before minutes of building.
    for subject in &mut subjects {
        let dir = scratch.join(&subject.folder);
        eprintln!(
            "==> writing {} ({}) into {}",
            subject.line.crate_name,
            subject.line.tool,
            display_path(root, &dir)
        );
        match &subject.origin {
            Origin::Committed => scratch::copy_committed(root, &dir)?,
            Origin::Ours(spec) => scratch::write_ours(root, spec, &dir)?,
            Origin::Progenitor {
                spec,
                compat,
                interface,
            } => {
                let bin = progenitor_bin
                    .as_deref()
                    .ok_or("progenitor was not installed")?;
                let mut given = spec.clone();
                if *compat {
                    given = scratch.join(format!("{}.spec.yaml", subject.folder));
                    let edits = rewrite_for_progenitor(root, spec, &given)?;
                    subject.line.source = format!(
                        "{}, rewritten by --progenitor-compat into {} ({edits})",
                        subject.line.source,
                        display_path(root, &given)
                    );
                }
                let generator = scratch::Progenitor {
                    bin,
                    interface: interface.as_deref(),
                };
                generator.write(root, &given, &subject.line.crate_name, &dir)?;
            }
        }
    }

    let target_dir = scratch.join("target");
    let dirs: Vec<PathBuf> = subjects
        .iter()
        .map(|subject| scratch.join(&subject.folder))
        .collect();
    let mut measured = measure_in_rounds(&cargo, &subjects, &dirs, &target_dir, args.runs)?;
    compare_with_progenitor(&subjects, &mut measured);

    let rows: Vec<Row> = measured.into_iter().flatten().collect();
    let crates: Vec<CrateLine> = subjects.into_iter().map(|subject| subject.line).collect();
    Ok(if args.json {
        report::json(&crates, &rows)
    } else {
        report::table(&crates, &rows)
    })
}

/// The crates to measure, in the order of the table.
fn plan(root: &Path, args: &BenchArgs) -> Result<Vec<Subject>, String> {
    let committed_spec = root.join(DEFAULT_SPEC);
    let crate_name_of =
        |spec: &Path| atlas_codegen::Options::for_spec(&spec.to_string_lossy()).crate_name;
    // The committed spec given as `--spec` measures the committed crate itself.
    let spec_under_test = args
        .spec
        .clone()
        .filter(|spec| !same_file(spec, &committed_spec));
    for spec in spec_under_test.iter().chain(&args.progenitor_spec) {
        if !spec.is_file() {
            return Err(format!(
                "cannot read the spec {}: no such file\n",
                spec.display()
            ));
        }
    }
    let mut subjects = Vec::new();
    let committed_is_under_test = spec_under_test.is_none();
    if !args.no_committed || committed_is_under_test {
        subjects.push(Subject {
            line: CrateLine {
                crate_name: crate_name_of(&committed_spec),
                tool: "ours".to_owned(),
                source: format!("{DEFAULT_OUT}/ as committed (from {DEFAULT_SPEC})"),
                feature_flags: if committed_is_under_test {
                    args.feature_flags()
                } else {
                    Vec::new()
                },
            },
            origin: Origin::Committed,
            folder: "ours-committed".to_owned(),
            under_test: committed_is_under_test,
        });
    }
    if let Some(spec) = &spec_under_test {
        let crate_name = crate_name_of(spec);
        subjects.push(Subject {
            line: CrateLine {
                crate_name: crate_name.clone(),
                tool: "ours".to_owned(),
                source: format!("written from {}", display_path(root, spec)),
                feature_flags: args.feature_flags(),
            },
            origin: Origin::Ours(spec.clone()),
            folder: format!("ours-{crate_name}"),
            under_test: true,
        });
    }
    if args.progenitor {
        let tested = spec_under_test.as_deref().unwrap_or(&committed_spec);
        let crate_name = crate_name_of(tested);
        let (spec, mut source) = match &args.progenitor_spec {
            Some(edited) => (
                edited.clone(),
                format!(
                    "written from {} (--progenitor-spec, in place of {})",
                    display_path(root, edited),
                    display_path(root, tested)
                ),
            ),
            None => (
                tested.to_path_buf(),
                format!("written from {}", display_path(root, tested)),
            ),
        };
        if let Some(style) = &args.progenitor_interface {
            source.push_str(&format!(", --interface {style}"));
        }
        subjects.push(Subject {
            line: CrateLine {
                crate_name: crate_name.clone(),
                tool: format!("progenitor {}", args.progenitor_version()),
                source,
                feature_flags: Vec::new(),
            },
            origin: Origin::Progenitor {
                spec,
                compat: args.progenitor_compat,
                interface: args.progenitor_interface.clone(),
            },
            // One folder per interface style and release, so that switching does not rebuild
            // both.
            folder: {
                let mut folder = "progenitor-".to_owned();
                if let Some(version) = &args.progenitor_version {
                    folder.push_str(&format!("{version}-"));
                }
                if args.progenitor_interface.as_deref() == Some("builder") {
                    folder.push_str("builder-");
                }
                folder + &crate_name
            },
            under_test: false,
        });
    }
    Ok(subjects)
}

fn cargo_command(
    cargo: &str,
    command: CargoCommand,
    feature_flags: &[String],
    dir: &Path,
    target_dir: &Path,
) -> Command {
    let mut cargo = Command::new(cargo);
    cargo
        .arg(command.name())
        .args(feature_flags)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .env("CARGO_INCREMENTAL", "0");
    cargo
}

/// Writes `spec` rewritten for progenitor to `to`; returns what was changed, in words.
fn rewrite_for_progenitor(root: &Path, spec: &Path, to: &Path) -> Result<String, String> {
    let shown = display_path(root, spec);
    let text = std::fs::read_to_string(spec)
        .map_err(|error| format!("cannot read the spec {shown}: {error}\n"))?;
    let (rewritten, edits) =
        progenitor_compat::rewrite(&text).map_err(|error| format!("{shown}: {error}\n"))?;
    std::fs::write(to, rewritten)
        .map_err(|error| format!("cannot write {}: {error}\n", display_path(root, to)))?;
    let described = progenitor_compat::describe(&edits);
    eprintln!("==> {shown} rewritten for progenitor: {described}");
    Ok(described)
}

/// Builds every crate's dependencies (not measured), then measures `cargo check` and
/// `cargo build` of each crate itself in rounds: each round runs every crate's commands once
/// (while it has runs left), so that a slow spell of the shared machine falls on every tool
/// alike rather than on whichever one happened to be measuring. Returns each subject's rows.
fn measure_in_rounds(
    cargo: &str,
    subjects: &[Subject],
    dirs: &[PathBuf],
    target_dir: &Path,
    asked_runs: Option<usize>,
) -> Result<Vec<Vec<Row>>, String> {
    let name_of =
        |subject: &Subject| format!("{} ({})", subject.line.crate_name, subject.line.tool);
    let mut libs = Vec::new();
    for (subject, dir) in subjects.iter().zip(dirs) {
        for command in CargoCommand::ALL {
            eprintln!(
                "==> {}: building dependencies for `cargo {}`",
                name_of(subject),
                command.name()
            );
            measure::run_visible(&mut cargo_command(
                cargo,
                command,
                &subject.line.feature_flags,
                dir,
                target_dir,
            ))?;
        }
        // The measured runs touch the crate; its time is put back afterwards, older than
        // what the warm-up built, so that the next benchmark's warm-up has nothing to rebuild.
        let lib = scratch::member(dir).join("src/lib.rs");
        let untouched = scratch::modified(&lib)?;
        libs.push((lib, untouched));
    }
    let mut usages: Vec<[Vec<measure::Usage>; 2]> =
        subjects.iter().map(|_| [Vec::new(), Vec::new()]).collect();
    for round in 1.. {
        let mut ran = false;
        for (((subject, dir), (lib, _)), usages) in
            subjects.iter().zip(dirs).zip(&libs).zip(&mut usages)
        {
            for (command, usages) in CargoCommand::ALL.into_iter().zip(usages) {
                if usages.len() >= planned_runs(asked_runs, usages) {
                    continue;
                }
                ran = true;
                scratch::touch(lib)?;
                let log = dir.join(format!("{}.log", command.name()));
                let features = &subject.line.feature_flags;
                let usage = measure::measure(
                    cargo_command(cargo, command, features, dir, target_dir),
                    &log,
                )?;
                eprintln!(
                    "==> {}: cargo {} run {round}: {:.2} s CPU, {:.2} s wall, {:.0} MiB peak",
                    name_of(subject),
                    command.name(),
                    usage.cpu.as_secs_f64(),
                    usage.wall.as_secs_f64(),
                    mib(usage.peak_rss_bytes)
                );
                usages.push(usage);
            }
        }
        if !ran {
            break;
        }
    }
    for (lib, untouched) in &libs {
        scratch::set_modified(lib, *untouched)?;
    }
    Ok(subjects
        .iter()
        .zip(usages)
        .map(|(subject, usages)| {
            CargoCommand::ALL
                .into_iter()
                .zip(usages)
                .map(|(command, usages)| summarise(&subject.line, command, &usages))
                .collect()
        })
        .collect())
}

/// How many runs a command gets, given the runs so far: as asked, or [`DEFAULT_RUNS`] unless
/// the first took longer than [`ONE_RUN_IS_ENOUGH_ABOVE`].
fn planned_runs(asked: Option<usize>, so_far: &[measure::Usage]) -> usize {
    match (asked, so_far.first()) {
        (Some(runs), _) => runs,
        (None, Some(first)) if first.cpu > ONE_RUN_IS_ENOUGH_ABOVE => 1,
        (None, _) => DEFAULT_RUNS,
    }
}

fn summarise(line: &CrateLine, command: CargoCommand, usages: &[measure::Usage]) -> Row {
    let cpu: Vec<f64> = usages.iter().map(|usage| usage.cpu.as_secs_f64()).collect();
    let wall: Vec<f64> = usages
        .iter()
        .map(|usage| usage.wall.as_secs_f64())
        .collect();
    let peak: Vec<f64> = usages
        .iter()
        .map(|usage| mib(usage.peak_rss_bytes))
        .collect();
    Row {
        crate_name: line.crate_name.clone(),
        tool: line.tool.clone(),
        command,
        runs: usages.len(),
        cpu_seconds: median(&cpu).unwrap_or_default(),
        cpu_seconds_by_run: cpu,
        wall_seconds: median(&wall).unwrap_or_default(),
        peak_mib: median(&peak).unwrap_or_default(),
        versus_progenitor: None,
    }
}

/// Fills in ours-over-progenitor for the crate under test, command by command (`measured`
/// holds the rows of each subject, in the same order).
fn compare_with_progenitor(subjects: &[Subject], measured: &mut [Vec<Row>]) {
    let position = |wanted: fn(&Subject) -> bool| subjects.iter().position(wanted);
    let (Some(progenitor), Some(tested)) = (
        position(|subject| matches!(subject.origin, Origin::Progenitor { .. })),
        position(|subject| subject.under_test),
    ) else {
        return;
    };
    let baselines = measured[progenitor].clone();
    for row in &mut measured[tested] {
        if let Some(baseline) = baselines.iter().find(|base| base.command == row.command) {
            row.versus_progenitor = Some(Ratio::of(row, baseline));
        }
    }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests;
