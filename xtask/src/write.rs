//! The write stage: compare generated files with a folder, report drift, apply all-or-nothing.
//!
//! One function decides what changes ([`Plan::new`]); `--check`, the drift test and the real
//! write all go through it. What the stage guarantees, whatever the output folder holds:
//!
//! - It never goes through a symbolic link below the output folder: a link where it would
//!   read, write, stage or delete (an owned folder, a file in one, a generated file, or a
//!   folder on the way to one) is refused with an error naming it, before anything changes.
//!   Git stores links, so a committed one must not turn a run into a write outside the folder.
//! - It replaces or deletes only files it wrote: those whose first line carries the
//!   [`GENERATED_MARKER`] (the generator's header; see `atlas_codegen::format::header`), or
//!   whose text is exactly one the caller recognises (a runtime copy from before copies had
//!   a header). Anything else is refused by name unless the maintainer passes `--force`.
//! - New contents are staged in a fresh folder that no one else can have prepared
//!   (`.codegen-staging-*`, created exclusively inside the output folder, its files created
//!   with `create_new`), then renamed into place; if any step fails, every change is undone.
//! - A run that was killed leaves only what the next run repairs: staging leftovers (this
//!   stage's, or the `.NAME.codegen-tmp` files of earlier versions) are removed and reported,
//!   and files already renamed into place are simply compared again.

use atlas_codegen::{GeneratedFile, Generation};
use std::fmt::{self, Write as _};
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// What the first line of every file the generator writes contains.
pub const GENERATED_MARKER: &str = "@generated";

/// Prefix of the folder a run stages its files in, directly inside the output folder.
const STAGING_PREFIX: &str = ".codegen-staging-";

/// Suffix of the staging files of earlier versions, `.NAME.codegen-tmp` beside `NAME`.
const OLD_STAGING_SUFFIX: &str = ".codegen-tmp";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Create {
        path: String,
        contents: String,
    },
    Update {
        path: String,
        old: String,
        new: String,
    },
    /// A file in an owned folder that the generator no longer produces.
    Delete {
        path: String,
        old: String,
    },
}

impl Change {
    pub fn path(&self) -> &str {
        match self {
            Change::Create { path, .. }
            | Change::Update { path, .. }
            | Change::Delete { path, .. } => path,
        }
    }
}

/// What it takes to make a folder hold exactly the generated files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub changes: Vec<Change>,
    /// Files the changes would replace or delete that the generator did not write (no
    /// [`GENERATED_MARKER`] on their first line): [`apply`] refuses them unless forced.
    pub foreign: Vec<String>,
    /// Staging files and folders left by an interrupted run, removed by [`apply`].
    pub leftovers: Vec<String>,
}

/// Why the write stage stopped. Nothing was changed by the run that returns it, except that
/// an [`Error::Io`] from [`apply`] comes after everything done was rolled back.
#[derive(Debug)]
pub enum Error {
    /// The folder holds something the stage will not touch: one sentence per problem, each
    /// naming a path.
    Refused(Vec<String>),
    Io {
        path: PathBuf,
        source: io::Error,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Refused(problems) => {
                for (index, problem) in problems.iter().enumerate() {
                    if index > 0 {
                        f.write_str("\n")?;
                    }
                    f.write_str(problem)?;
                }
                Ok(())
            }
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for Error {}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Whether the generator wrote this text: its first line carries the marker.
pub fn is_generated(text: &str) -> bool {
    text.lines()
        .next()
        .is_some_and(|line| line.contains(GENERATED_MARKER))
}

/// What is at a path, looked at without following a link.
enum Entry {
    Missing,
    File,
    Dir,
    Link,
    Other,
}

fn entry(path: &Path) -> Result<Entry, Error> {
    match fs::symlink_metadata(path) {
        Ok(metadata) => {
            let kind = metadata.file_type();
            Ok(if kind.is_symlink() {
                Entry::Link
            } else if kind.is_dir() {
                Entry::Dir
            } else if kind.is_file() {
                Entry::File
            } else {
                Entry::Other
            })
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(Entry::Missing),
        Err(source) => Err(Error::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn link_refused(shown: &str) -> String {
    format!(
        "{shown} is a symbolic link: codegen never writes, stages or deletes through a link; \
         replace it with a real file or folder (or remove it) and run again"
    )
}

/// Checks that every folder on the way from `out_dir` to `relative` (a `/`-separated path)
/// is a real folder or missing, never a link. Returns whether they all exist.
fn check_folders(
    out_dir: &Path,
    relative: &str,
    problems: &mut Vec<String>,
) -> Result<bool, Error> {
    let mut current = out_dir.to_path_buf();
    let mut shown = String::new();
    let folders: Vec<&str> = relative.split('/').collect();
    for folder in &folders[..folders.len().saturating_sub(1)] {
        current.push(folder);
        shown = if shown.is_empty() {
            (*folder).to_owned()
        } else {
            format!("{shown}/{folder}")
        };
        match entry(&current)? {
            Entry::Dir => {}
            Entry::Missing => return Ok(false),
            Entry::Link => {
                problems.push(link_refused(&shown));
                return Ok(false);
            }
            Entry::File | Entry::Other => {
                problems.push(format!(
                    "{shown} is not a folder, but generated files go inside it"
                ));
                return Ok(false);
            }
        }
    }
    Ok(true)
}

impl Plan {
    /// Compares the generated files with `out_dir`. `known` holds texts that are also ours
    /// although they carry no marker (see the module docs).
    ///
    /// # Errors
    ///
    /// [`Error::Refused`] with every link and odd entry found on the way, or the first
    /// read that failed.
    pub fn new(
        out_dir: &Path,
        generation: &Generation,
        known: &[GeneratedFile],
    ) -> Result<Self, Error> {
        let mut plan = Plan::default();
        let mut problems = Vec::new();
        let ours = |path: &str, text: &str| {
            is_generated(text)
                || known
                    .iter()
                    .any(|file| file.path == path && file.contents == text)
        };
        for file in &generation.files {
            if !check_folders(out_dir, &file.path, &mut problems)? {
                plan.changes.push(Change::Create {
                    path: file.path.clone(),
                    contents: file.contents.clone(),
                });
                continue;
            }
            let target = out_dir.join(&file.path);
            match entry(&target)? {
                Entry::Missing => plan.changes.push(Change::Create {
                    path: file.path.clone(),
                    contents: file.contents.clone(),
                }),
                Entry::File => {
                    let bytes = fs::read(&target).map_err(io_error(&target))?;
                    let old = String::from_utf8(bytes)
                        .map_err(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
                    if old.as_deref() != Ok(file.contents.as_str()) {
                        let old = old.unwrap_or_else(|lossy| lossy);
                        if !ours(&file.path, &old) {
                            plan.foreign.push(file.path.clone());
                        }
                        plan.changes.push(Change::Update {
                            path: file.path.clone(),
                            old,
                            new: file.contents.clone(),
                        });
                    }
                }
                Entry::Link => problems.push(link_refused(&file.path)),
                Entry::Dir | Entry::Other => problems.push(format!(
                    "{} is not a regular file, but the generator writes one there",
                    file.path
                )),
            }
            // Staging files of earlier versions sit beside their targets.
            let old_temp = match file.path.rsplit_once('/') {
                Some((folder, name)) => format!("{folder}/.{name}{OLD_STAGING_SUFFIX}"),
                None => format!(".{}{OLD_STAGING_SUFFIX}", file.path),
            };
            if matches!(entry(&out_dir.join(&old_temp))?, Entry::File) {
                plan.leftovers.push(old_temp);
            }
        }
        for dir in &generation.owned_dirs {
            // The trailing `/` makes the owned folder itself one of the folders checked.
            let mut pending = Vec::new();
            if check_folders(out_dir, &format!("{dir}/"), &mut problems)? {
                pending.push(dir.clone());
            }
            while let Some(current) = pending.pop() {
                let folder = out_dir.join(&current);
                for item in fs::read_dir(&folder).map_err(io_error(&folder))? {
                    let item = item.map_err(io_error(&folder))?;
                    let name = item.file_name().to_string_lossy().into_owned();
                    let path = format!("{current}/{name}");
                    let kind = item.file_type().map_err(io_error(&item.path()))?;
                    if kind.is_symlink() {
                        problems.push(link_refused(&path));
                    } else if kind.is_dir() {
                        pending.push(path);
                    } else if !kind.is_file() {
                        // A socket or a FIFO: reading one could block forever.
                        problems.push(format!(
                            "{path} is not a regular file, in a folder codegen owns"
                        ));
                    } else if is_old_staging_name(&name) {
                        if !plan.leftovers.contains(&path) {
                            plan.leftovers.push(path);
                        }
                    } else if generation.files.iter().all(|file| file.path != path) {
                        let target = out_dir.join(&path);
                        let bytes = fs::read(&target).map_err(io_error(&target))?;
                        let old = String::from_utf8_lossy(&bytes).into_owned();
                        if !ours(&path, &old) {
                            plan.foreign.push(path.clone());
                        }
                        plan.changes.push(Change::Delete { path, old });
                    }
                }
            }
        }
        for name in staging_folders(out_dir)? {
            plan.leftovers.push(name);
        }
        if !problems.is_empty() {
            problems.sort();
            problems.dedup();
            return Err(Error::Refused(problems));
        }
        plan.changes.sort_by(|a, b| a.path().cmp(b.path()));
        plan.foreign.sort();
        plan.leftovers.sort();
        Ok(plan)
    }

    /// Whether the folder already holds exactly the generated files (leftovers of an
    /// interrupted run aside: they are not part of the crate).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// A unified diff of every change, for `--check`, with paths under `prefix` (the output
    /// folder as shown to the user) so that `git apply` works from the workspace root.
    pub fn diff(&self, prefix: &str) -> String {
        let mut out = String::new();
        for change in &self.changes {
            let (old, new) = match change {
                Change::Create { contents, .. } => ("", contents.as_str()),
                Change::Update { old, new, .. } => (old.as_str(), new.as_str()),
                Change::Delete { old, .. } => (old.as_str(), ""),
            };
            let path = format!("{}/{}", prefix.trim_matches('/'), change.path());
            let diff = similar::TextDiff::from_lines(old, new);
            let _ = write!(
                out,
                "{}",
                diff.unified_diff()
                    .context_radius(2)
                    .header(&format!("a/{path}"), &format!("b/{path}"))
            );
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out
    }

    /// One line per changed file and per leftover cleaned up, for the maintainer who just
    /// ran the command.
    pub fn summary(&self, out_name: &str) -> String {
        let mut out = String::new();
        for leftover in &self.leftovers {
            let _ = writeln!(
                out,
                "cleaned up {out_name}/{leftover} (left by an interrupted run)"
            );
        }
        for change in &self.changes {
            let verb = match change {
                Change::Create { .. } => "created",
                Change::Update { .. } => "updated",
                Change::Delete { .. } => "deleted",
            };
            let _ = writeln!(out, "{verb} {out_name}/{}", change.path());
        }
        let _ = writeln!(out, "{} file(s) changed.", self.changes.len());
        out
    }

    /// The refusal for the files the plan would replace or delete without having written
    /// them, if there are any.
    pub fn foreign_refusal(&self) -> Option<Error> {
        if self.foreign.is_empty() {
            return None;
        }
        Some(Error::Refused(
            self.foreign
                .iter()
                .map(|path| {
                    let verb = match self.changes.iter().find(|c| c.path() == path) {
                        Some(Change::Delete { .. }) => "delete",
                        _ => "overwrite",
                    };
                    format!(
                        "refusing to {verb} {path}: its first line has no `{GENERATED_MARKER}` \
                         header, so codegen did not write it (move it away, or pass --force)"
                    )
                })
                .collect(),
        ))
    }
}

fn is_old_staging_name(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(OLD_STAGING_SUFFIX)
}

/// The staging folders of earlier runs directly inside `out_dir` (real folders only).
fn staging_folders(out_dir: &Path) -> Result<Vec<String>, Error> {
    let items = match fs::read_dir(out_dir) {
        Ok(items) => items,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Io {
                path: out_dir.to_path_buf(),
                source,
            });
        }
    };
    let mut found = Vec::new();
    for item in items {
        let item = item.map_err(io_error(out_dir))?;
        let name = item.file_name().to_string_lossy().into_owned();
        let is_dir = item.file_type().map_err(io_error(&item.path()))?.is_dir();
        if is_dir && name.starts_with(STAGING_PREFIX) {
            found.push(name);
        }
    }
    Ok(found)
}

/// Applies a plan so that either every change lands or none does; first removes the
/// leftovers of an interrupted run.
///
/// New contents go to a fresh staging folder inside `out_dir` first (a full disk or a
/// permission problem stops us before anything is replaced); then each is renamed into
/// place. If any step fails, everything done so far is undone from the old contents.
///
/// # Errors
///
/// [`Error::Refused`] if the plan replaces or deletes files codegen did not write and
/// `force` is off, or if a link appeared since the plan was made; [`Error::Io`] otherwise.
pub fn apply(out_dir: &Path, plan: &Plan, force: bool) -> Result<(), Error> {
    if !force {
        if let Some(refusal) = plan.foreign_refusal() {
            return Err(refusal);
        }
    }
    clean_leftovers(out_dir, plan)?;
    if plan.changes.is_empty() {
        return Ok(());
    }
    let mut undo = Undo::default();
    let result = apply_steps(out_dir, plan, &mut undo);
    if result.is_err() {
        undo.roll_back(out_dir, plan);
    } else {
        if let Some(staging) = undo.staging.take() {
            // Everything landed; a staging folder that cannot be removed is cleaned up next run.
            let _ = fs::remove_dir_all(staging);
        }
        remove_emptied_folders(out_dir, plan);
    }
    result
}

/// Removes the folders that deleting files left empty (such as the `src/runtime/` of an
/// earlier layout), up to the output folder. `remove_dir` only removes an empty folder and
/// never follows a link, so nothing else can go.
fn remove_emptied_folders(out_dir: &Path, plan: &Plan) {
    for change in &plan.changes {
        let Change::Delete { path, .. } = change else {
            continue;
        };
        let mut folder = Path::new(path).parent();
        while let Some(relative) = folder.filter(|folder| !folder.as_os_str().is_empty()) {
            if fs::remove_dir(out_dir.join(relative)).is_err() {
                break;
            }
            folder = relative.parent();
        }
    }
}

/// Removes what an interrupted run left, looking again at each entry without following
/// links: a link with a staging name is not ours, and stays.
fn clean_leftovers(out_dir: &Path, plan: &Plan) -> Result<(), Error> {
    for leftover in &plan.leftovers {
        let path = out_dir.join(leftover);
        let removed = match entry(&path)? {
            Entry::File => fs::remove_file(&path),
            Entry::Dir => fs::remove_dir_all(&path),
            Entry::Missing | Entry::Link | Entry::Other => Ok(()),
        };
        removed.map_err(io_error(&path))?;
    }
    Ok(())
}

#[derive(Default)]
struct Undo {
    created_dirs: Vec<PathBuf>,
    staging: Option<PathBuf>,
    /// The changes that took effect, by index into the plan, with the bytes the file held
    /// before (for updates and deletes).
    applied: Vec<(usize, Option<Vec<u8>>)>,
}

fn apply_steps(out_dir: &Path, plan: &Plan, undo: &mut Undo) -> Result<(), Error> {
    if matches!(entry(out_dir)?, Entry::Missing) {
        create_missing_dirs(out_dir, undo)?;
    }
    let staging = create_staging_folder(out_dir)?;
    undo.staging = Some(staging.clone());
    for (index, change) in plan.changes.iter().enumerate() {
        let contents = match change {
            Change::Create { contents, .. } => contents,
            Change::Update { new, .. } => new,
            Change::Delete { .. } => continue,
        };
        write_new(&staging.join(index.to_string()), contents.as_bytes())?;
    }
    for (index, change) in plan.changes.iter().enumerate() {
        let temp = staging.join(index.to_string());
        let target = out_dir.join(change.path());
        let mut problems = Vec::new();
        if !check_folders(out_dir, change.path(), &mut problems)? {
            if !problems.is_empty() {
                return Err(Error::Refused(problems));
            }
            create_folders(out_dir, change.path(), undo)?;
        }
        let found = entry(&target)?;
        if matches!(found, Entry::Link) {
            return Err(Error::Refused(vec![link_refused(change.path())]));
        }
        match change {
            Change::Create { .. } => {
                if !matches!(found, Entry::Missing) {
                    return Err(Error::Refused(vec![format!(
                        "{} appeared while codegen was writing; run again",
                        change.path()
                    )]));
                }
                fs::rename(&temp, &target).map_err(io_error(&target))?;
                undo.applied.push((index, None));
            }
            Change::Update { .. } => {
                let old = fs::read(&target).map_err(io_error(&target))?;
                fs::rename(&temp, &target).map_err(io_error(&target))?;
                undo.applied.push((index, Some(old)));
            }
            Change::Delete { .. } => {
                let old = fs::read(&target).map_err(io_error(&target))?;
                fs::remove_file(&target).map_err(io_error(&target))?;
                undo.applied.push((index, Some(old)));
            }
        }
    }
    Ok(())
}

/// Writes a file that must not exist yet: never through a link someone planted there.
fn write_new(path: &Path, contents: &[u8]) -> Result<(), Error> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io_error(path))?;
    file.write_all(contents).map_err(io_error(path))
}

/// A staging folder no one else prepared: `create_dir` fails on anything already there,
/// links included.
fn create_staging_folder(out_dir: &Path) -> Result<PathBuf, Error> {
    let mut attempt = 0u32;
    loop {
        let path = out_dir.join(format!("{STAGING_PREFIX}{}-{attempt}", std::process::id()));
        match fs::create_dir(&path) {
            Ok(()) => return Ok(path),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(source) => return Err(Error::Io { path, source }),
        }
    }
}

/// Creates the missing folders on the way to `relative` below `out_dir` (checked to be no
/// links by the caller).
fn create_folders(out_dir: &Path, relative: &str, undo: &mut Undo) -> Result<(), Error> {
    let mut current = out_dir.to_path_buf();
    let folders: Vec<&str> = relative.split('/').collect();
    for folder in &folders[..folders.len().saturating_sub(1)] {
        current.push(folder);
        match entry(&current)? {
            Entry::Dir => {}
            Entry::Missing => {
                fs::create_dir(&current).map_err(io_error(&current))?;
                undo.created_dirs.push(current.clone());
            }
            _ => return Err(Error::Refused(vec![link_refused(relative)])),
        }
    }
    Ok(())
}

/// Creates the output folder and its missing parents (the path the user chose).
fn create_missing_dirs(dir: &Path, undo: &mut Undo) -> Result<(), Error> {
    let mut missing = Vec::new();
    let mut current = Some(dir);
    while let Some(path) = current.filter(|path| !path.as_os_str().is_empty() && !path.exists()) {
        missing.push(path.to_path_buf());
        current = path.parent();
    }
    for path in missing.into_iter().rev() {
        fs::create_dir(&path).map_err(io_error(&path))?;
        undo.created_dirs.push(path);
    }
    Ok(())
}

impl Undo {
    /// Best effort: every step is tried even when an earlier one fails. Old contents are
    /// staged and renamed back, so a link planted meanwhile is replaced, not followed.
    fn roll_back(self, out_dir: &Path, plan: &Plan) {
        for (index, old) in self.applied.into_iter().rev() {
            let target = out_dir.join(plan.changes[index].path());
            match old {
                None => {
                    if matches!(entry(&target), Ok(Entry::File)) {
                        let _ = fs::remove_file(&target);
                    }
                }
                Some(old) => {
                    if let Some(staging) = &self.staging {
                        let temp = staging.join(format!("undo-{index}"));
                        if write_new(&temp, &old).is_ok() {
                            let _ = fs::rename(&temp, &target);
                        }
                    }
                }
            }
        }
        if let Some(staging) = &self.staging {
            let _ = fs::remove_dir_all(staging);
        }
        for dir in self.created_dirs.into_iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "// @generated by `cargo xtask codegen` from test.yaml.\n";

    fn generation(files: &[(&str, &str)]) -> Generation {
        Generation {
            files: files
                .iter()
                .map(|(path, contents)| GeneratedFile {
                    path: (*path).into(),
                    contents: format!("{HEADER}{contents}"),
                })
                .collect(),
            owned_dirs: vec!["src/models".into()],
        }
    }

    /// Every file below `dir` (links as `-> target`), relative path and contents, sorted.
    fn snapshot(dir: &Path) -> Vec<(String, String)> {
        let mut files = Vec::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(current) = pending.pop() {
            for item in fs::read_dir(&current).unwrap() {
                let path = item.unwrap().path();
                let relative = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let metadata = fs::symlink_metadata(&path).unwrap();
                if metadata.file_type().is_symlink() {
                    let target = fs::read_link(&path).unwrap();
                    files.push((relative, format!("-> {}", target.display())));
                } else if metadata.is_dir() {
                    pending.push(path);
                } else {
                    files.push((relative, fs::read_to_string(&path).unwrap()));
                }
            }
        }
        files.sort();
        files
    }

    fn write(dir: &Path, path: &str, contents: &str) {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    #[test]
    fn plan_creates_updates_and_deletes_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "src/models/old.rs", &format!("{HEADER}old"));
        write(dir.path(), "src/lib.rs", &format!("{HEADER}before"));
        write(dir.path(), "README.md", "mine");
        let generation = generation(&[("src/lib.rs", "after"), ("src/models/new.rs", "new")]);
        let plan = Plan::new(dir.path(), &generation, &[]).unwrap();
        let paths: Vec<_> = plan.changes.iter().map(Change::path).collect();
        assert_eq!(
            paths,
            ["src/lib.rs", "src/models/new.rs", "src/models/old.rs"]
        );
        assert!(plan.foreign.is_empty());
        apply(dir.path(), &plan, false).unwrap();
        assert_eq!(
            snapshot(dir.path()),
            [
                ("README.md".into(), "mine".into()),
                ("src/lib.rs".into(), format!("{HEADER}after")),
                ("src/models/new.rs".into(), format!("{HEADER}new"))
            ]
        );
        assert!(Plan::new(dir.path(), &generation, &[]).unwrap().is_empty());
    }

    #[test]
    fn a_failed_write_leaves_the_folder_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("src/models/blocked.rs/inner")).unwrap();
        write(dir.path(), "src/lib.rs", "before");
        write(dir.path(), "src/models/stale.rs", "stale");
        let before = snapshot(dir.path());
        // `blocked.rs` is a non-empty directory, so renaming a file over it fails after
        // earlier changes have landed: they must all be undone.
        let plan = Plan {
            changes: vec![
                Change::Create {
                    path: "src/a/new.rs".into(),
                    contents: "new".into(),
                },
                Change::Update {
                    path: "src/lib.rs".into(),
                    old: "before".into(),
                    new: "after".into(),
                },
                Change::Delete {
                    path: "src/models/stale.rs".into(),
                    old: "stale".into(),
                },
                Change::Create {
                    path: "src/models/blocked.rs".into(),
                    contents: "x".into(),
                },
            ],
            ..Plan::default()
        };
        assert!(apply(dir.path(), &plan, false).is_err());
        assert_eq!(snapshot(dir.path()), before);
        assert!(!dir.path().join("src/a").exists());
    }

    #[test]
    fn files_without_the_marker_are_not_replaced_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "src/lib.rs", "// mine\n");
        write(dir.path(), "src/models/user.rs", "// mine too\n");
        write(dir.path(), "src/models/known.rs", "known text\n");
        let generation = generation(&[("src/lib.rs", "generated")]);
        let known = [GeneratedFile {
            path: "src/models/known.rs".into(),
            contents: "known text\n".into(),
        }];
        let plan = Plan::new(dir.path(), &generation, &known).unwrap();
        assert_eq!(plan.foreign, ["src/lib.rs", "src/models/user.rs"]);
        let before = snapshot(dir.path());
        let error = apply(dir.path(), &plan, false).unwrap_err().to_string();
        assert!(
            error.contains(
                "refusing to overwrite src/lib.rs: its first line has no `@generated` header"
            ),
            "{error}"
        );
        assert!(
            error.contains("refusing to delete src/models/user.rs"),
            "{error}"
        );
        assert!(!error.contains("known.rs"), "{error}");
        assert_eq!(snapshot(dir.path()), before);
        apply(dir.path(), &plan, true).unwrap();
        assert_eq!(
            snapshot(dir.path()),
            [("src/lib.rs".into(), format!("{HEADER}generated"))]
        );
    }

    #[test]
    fn the_marker_is_on_the_first_line() {
        assert!(is_generated(HEADER));
        assert!(is_generated(
            "# @generated by `cargo xtask codegen` from x.yaml\n[package]"
        ));
        assert!(!is_generated("// mine\n// @generated\n"));
        assert!(!is_generated(""));
    }

    #[test]
    fn diff_names_the_file_and_the_lines() {
        let plan = Plan {
            changes: vec![Change::Update {
                path: "src/lib.rs".into(),
                old: "a\nb\n".into(),
                new: "a\nc\n".into(),
            }],
            ..Plan::default()
        };
        let diff = plan.diff("generated");
        assert!(diff.contains("--- a/generated/src/lib.rs"), "{diff}");
        assert!(diff.contains("-b\n+c\n"), "{diff}");
    }
}
