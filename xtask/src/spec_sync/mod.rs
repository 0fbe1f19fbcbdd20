//! `cargo xtask spec add` and `cargo xtask spec drift`: keep the curated spec in step with
//! MongoDB's official OpenAPI description of the Atlas Admin API.
//!
//! Both work on YAML trees (`serde_yaml::Value`) and name every place with a JSON pointer
//! (RFC 6901), on our side and on the official side.
//!
//! - `spec add OPERATION_ID... --from OFFICIAL` copies operations under their official
//!   `operationId`, with the closure of every `$ref` they reach (schemas, parameters,
//!   responses, request bodies, headers, security schemes), under the official component
//!   names. A component we already have is reused when it is the same apart from
//!   documentation (descriptions, examples, titles and `x-` extensions); one that differs is
//!   reported with both pointers and nothing is written, unless `--overwrite` replaces ours
//!   (keeping our `x-` extensions that the official one lacks).
//! - `spec drift --against OFFICIAL` compares each of our operations with the official one of
//!   the same `operationId` (see [`drift`](mod@drift)) and classes every difference as *we lack it*,
//!   *we differ* or *upstream removed it*. Differences we keep on purpose are listed, with a
//!   reason, in the allow-list beside the spec (`spec/drift-allow.yaml`); the report names
//!   them as accepted. Any other difference makes the command fail, for a scheduled CI job.
//!
//! # Why `spec add` edits text
//!
//! The curated spec is read by people: its comments say where each rule comes from, its
//! layout groups the schemas, and our vendor extensions (`x-sunset`, `x-replaced-by`,
//! `x-response-envelope`) sit beside what they annotate. Rewriting the file from a parsed tree
//! would lose every comment. So `spec add` appends the new path items and components as
//! text at the end of their sections, in the file's own block style and indentation, and
//! touches no other line ([`yaml_text`]). Only `--overwrite` replaces lines: those of the
//! entries it replaces (comments inside them go; the official text has none). Before
//! anything is written, the edited text is parsed back and must equal our tree plus exactly
//! the intended additions, and the generator must accept it; writing
//! goes through a temporary file renamed into place. Path-level parameters of an official
//! path item are moved into the copied operation, and `x-codeSamples` (other languages' SDK
//! snippets) are left out.

pub mod add;
pub mod closure;
pub mod drift;
pub mod report;
pub mod tree;
pub mod yaml_text;

use crate::codegen::DEFAULT_SPEC;
use std::path::{Path, PathBuf};

/// The allow-list's file name, beside the spec.
pub const ALLOW_LIST: &str = "drift-allow.yaml";

pub const USAGE: &str = "\
       cargo xtask spec add OPERATION_ID... --from OFFICIAL_SPEC [--spec PATH] [--dry-run] [--overwrite]
       cargo xtask spec drift --against OFFICIAL_SPEC [--spec PATH] [--allow PATH] [--json]
";

/// `cargo xtask spec add` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddArgs {
    pub operation_ids: Vec<String>,
    pub from: PathBuf,
    pub spec: Option<PathBuf>,
    pub dry_run: bool,
    pub overwrite: bool,
}

/// `cargo xtask spec drift` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DriftArgs {
    pub against: PathBuf,
    pub spec: Option<PathBuf>,
    /// Defaults to `drift-allow.yaml` beside the spec; a missing file is an empty list.
    pub allow: Option<PathBuf>,
    pub json: bool,
}

/// The report, and whether it holds drift to act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftOutcome {
    pub report: String,
    pub clean: bool,
}

/// `cargo xtask spec ...`: `Ok` holds what to print, `Err` the message for a non-zero exit.
pub fn run(root: &Path, args: &[String]) -> Result<String, String> {
    let usage = |error: &str| format!("{error}\n\nusage: cargo xtask spec add|drift ...\n{USAGE}");
    match args.split_first() {
        Some((command, rest)) if command == "add" => {
            let args = parse_add(rest).map_err(|error| usage(&error))?;
            add(root, &args)
        }
        Some((command, rest)) if command == "drift" => {
            let args = parse_drift(rest).map_err(|error| usage(&error))?;
            let outcome = drift(root, &args)?;
            match (outcome.clean, args.json) {
                (true, _) => Ok(outcome.report),
                (false, false) => Err(outcome.report),
                // Machines read the JSON from stdout whatever the exit status.
                (false, true) => {
                    print!("{}", outcome.report);
                    Err("spec drift: there are differences to act on (see the JSON).\n".to_owned())
                }
            }
        }
        _ => Err(usage("expected `spec add` or `spec drift`")),
    }
}

pub fn parse_add(args: &[String]) -> Result<AddArgs, String> {
    let mut parsed = AddArgs::default();
    let mut from = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--from" => from = Some(args.next().ok_or("--from needs a path")?.into()),
            "--spec" => parsed.spec = Some(args.next().ok_or("--spec needs a path")?.into()),
            "--dry-run" => parsed.dry_run = true,
            "--overwrite" => parsed.overwrite = true,
            other if other.starts_with('-') => return Err(format!("unknown argument {other:?}")),
            id => parsed.operation_ids.push(id.to_owned()),
        }
    }
    parsed.from = from.ok_or("spec add needs --from OFFICIAL_SPEC")?;
    if parsed.operation_ids.is_empty() {
        return Err("spec add needs at least one operationId".to_owned());
    }
    Ok(parsed)
}

pub fn parse_drift(args: &[String]) -> Result<DriftArgs, String> {
    let mut parsed = DriftArgs::default();
    let mut against = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--against" => against = Some(args.next().ok_or("--against needs a path")?.into()),
            "--spec" => parsed.spec = Some(args.next().ok_or("--spec needs a path")?.into()),
            "--allow" => parsed.allow = Some(args.next().ok_or("--allow needs a path")?.into()),
            "--json" => parsed.json = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    parsed.against = against.ok_or("spec drift needs --against OFFICIAL_SPEC")?;
    Ok(parsed)
}

/// Plans the addition, checks that the generator accepts the result, then writes it (unless
/// `--dry-run`, which prints the change as a diff instead).
pub fn add(root: &Path, args: &AddArgs) -> Result<String, String> {
    let spec_path = args.spec.clone().unwrap_or_else(|| root.join(DEFAULT_SPEC));
    let spec_name = display_path(root, &spec_path);
    let from_name = display_path(root, &args.from);
    let ours_text = read(&spec_path, &spec_name)?;
    let theirs_text = read(&args.from, &from_name)?;
    let ours = add::Spec::parse(&spec_name, &ours_text)?;
    let theirs = add::Spec::parse(&from_name, &theirs_text)?;
    let request = add::AddRequest {
        operation_ids: args.operation_ids.clone(),
        overwrite: args.overwrite,
    };
    let plan = add::plan(&ours, &theirs, &request)?;
    let Some(new_text) = plan.new_text else {
        return Ok(plan.report);
    };
    let mut report = plan.report;
    // The whole pipeline through its stable entry point; the files are thrown away.
    let source = atlas_codegen::SpecSource {
        name: &spec_name,
        text: &new_text,
    };
    if let Err(diagnostics) =
        atlas_codegen::generate(source, &atlas_codegen::Options::for_spec(&spec_name))
    {
        report.push_str(&format!(
            "the generator does not accept the result:\n{diagnostics}nothing was written.\n"
        ));
        return Err(report);
    }
    if args.dry_run {
        let diff = similar::TextDiff::from_lines(ours_text.as_str(), new_text.as_str());
        report.push_str(&format!(
            "{}dry run: nothing was written.\n",
            diff.unified_diff()
                .context_radius(2)
                .header(&spec_name, &spec_name)
        ));
        return Ok(report);
    }
    write_atomically(&spec_path, &new_text)
        .map_err(|error| format!("{report}cannot write {spec_name}: {error}\n"))?;
    report.push_str(&format!(
        "wrote {spec_name}; run `cargo xtask codegen` to regenerate.\n"
    ));
    Ok(report)
}

/// Runs the comparison and renders it (text or JSON) with the allow-list applied.
pub fn drift(root: &Path, args: &DriftArgs) -> Result<DriftOutcome, String> {
    let spec_path = args.spec.clone().unwrap_or_else(|| root.join(DEFAULT_SPEC));
    let allow_path = args.allow.clone().unwrap_or_else(|| {
        spec_path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(ALLOW_LIST)
    });
    let (spec_name, official_name, allow_name) = (
        display_path(root, &spec_path),
        display_path(root, &args.against),
        display_path(root, &allow_path),
    );
    let ours_text = read(&spec_path, &spec_name)?;
    let theirs_text = read(&args.against, &official_name)?;
    let ours = add::Spec::parse(&spec_name, &ours_text)?;
    let theirs = add::Spec::parse(&official_name, &theirs_text)?;
    let allowed = match std::fs::read_to_string(&allow_path) {
        Ok(text) => report::parse_allow_list(&allow_name, &text)?,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound && args.allow.is_none() => {
            Vec::new()
        }
        Err(error) => return Err(format!("cannot read {allow_name}: {error}\n")),
    };
    let found = drift::drift(&ours.tree, &theirs.tree);
    let report = report::Report::new((&spec_name, &official_name, &allow_name), &found, &allowed);
    Ok(DriftOutcome {
        report: if args.json {
            report.json()
        } else {
            report.text()
        },
        clean: report.unaccepted() == 0,
    })
}

fn read(path: &Path, name: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|error| format!("cannot read {name}: {error}\n"))
}

/// The path relative to the workspace when it is inside it, for stable reports.
fn display_path(root: &Path, path: &Path) -> String {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|dir| dir.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    absolute
        .strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Writes beside the target and renames into place: the spec is never half-written.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staged = path.with_file_name(format!(".{file_name}.spec-add"));
    std::fs::write(&staged, text)?;
    std::fs::rename(&staged, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&staged);
    })
}
