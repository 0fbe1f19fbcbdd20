//! The write stage: compare generated files with a folder, report drift, apply all-or-nothing.
//!
//! One function decides what changes ([`Plan::new`]); `--check`, the drift test and the real
//! write all go through it.

use atlas_codegen::Generation;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

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
}

impl Plan {
    pub fn new(out_dir: &Path, generation: &Generation) -> io::Result<Self> {
        let mut changes = Vec::new();
        for file in &generation.files {
            match read_if_exists(&out_dir.join(&file.path))? {
                None => changes.push(Change::Create {
                    path: file.path.clone(),
                    contents: file.contents.clone(),
                }),
                Some(old) if old != file.contents => changes.push(Change::Update {
                    path: file.path.clone(),
                    old,
                    new: file.contents.clone(),
                }),
                Some(_) => {}
            }
        }
        for dir in &generation.owned_dirs {
            for path in files_under(out_dir, dir)? {
                if generation.files.iter().all(|file| file.path != path) {
                    let old = fs::read_to_string(out_dir.join(&path)).unwrap_or_default();
                    changes.push(Change::Delete { path, old });
                }
            }
        }
        changes.sort_by(|a, b| a.path().cmp(b.path()));
        Ok(Self { changes })
    }

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

    /// One line per changed file, for the maintainer who just ran the command.
    pub fn summary(&self, out_name: &str) -> String {
        let mut out = String::new();
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
}

fn read_if_exists(path: &Path) -> io::Result<Option<String>> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    }
}

/// Relative paths (with `/`) of the files below `out_dir/dir`, sorted.
fn files_under(out_dir: &Path, dir: &str) -> io::Result<Vec<String>> {
    let mut found = Vec::new();
    let mut pending = vec![out_dir.join(dir)];
    while let Some(current) = pending.pop() {
        let entries = match fs::read_dir(&current) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error),
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(out_dir) {
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Applies a plan so that either every change lands or none does.
///
/// New contents go to temporary files beside their targets first (a full disk or a
/// permission problem stops us before anything is replaced); then each is renamed into
/// place. If any step fails, everything done so far is undone from the old contents.
pub fn apply(out_dir: &Path, plan: &Plan) -> io::Result<()> {
    let mut undo = Undo::default();
    let result = apply_steps(out_dir, plan, &mut undo);
    if result.is_err() {
        undo.roll_back(out_dir, plan);
    }
    result
}

#[derive(Default)]
struct Undo {
    created_dirs: Vec<PathBuf>,
    temp_files: Vec<PathBuf>,
    /// Indexes into the plan of the changes that took effect.
    applied: Vec<usize>,
}

fn apply_steps(out_dir: &Path, plan: &Plan, undo: &mut Undo) -> io::Result<()> {
    if !out_dir.exists() {
        create_dirs(out_dir, undo)?;
    }
    let mut staged = Vec::new();
    for change in &plan.changes {
        let contents = match change {
            Change::Create { contents, .. } => contents,
            Change::Update { new, .. } => new,
            Change::Delete { .. } => continue,
        };
        let target = out_dir.join(change.path());
        if let Some(parent) = target.parent() {
            create_dirs(parent, undo)?;
        }
        let temp = temp_path(&target);
        undo.temp_files.push(temp.clone());
        fs::write(&temp, contents)?;
        staged.push((temp, target));
    }
    let mut staged = staged.into_iter();
    for (index, change) in plan.changes.iter().enumerate() {
        match change {
            Change::Delete { path, .. } => fs::remove_file(out_dir.join(path))?,
            _ => {
                let Some((temp, target)) = staged.next() else {
                    break;
                };
                fs::rename(&temp, &target)?;
            }
        }
        undo.applied.push(index);
    }
    Ok(())
}

fn create_dirs(dir: &Path, undo: &mut Undo) -> io::Result<()> {
    let mut missing = Vec::new();
    let mut current = Some(dir);
    while let Some(path) = current.filter(|path| !path.as_os_str().is_empty() && !path.exists()) {
        missing.push(path.to_path_buf());
        current = path.parent();
    }
    for path in missing.into_iter().rev() {
        fs::create_dir(&path)?;
        undo.created_dirs.push(path);
    }
    Ok(())
}

fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.codegen-tmp"))
}

impl Undo {
    /// Best effort: every step is tried even when an earlier one fails.
    fn roll_back(self, out_dir: &Path, plan: &Plan) {
        for index in self.applied.into_iter().rev() {
            let change = &plan.changes[index];
            let target = out_dir.join(change.path());
            let _ = match change {
                Change::Create { .. } => fs::remove_file(&target),
                Change::Update { old, .. } | Change::Delete { old, .. } => fs::write(&target, old),
            };
        }
        for temp in self.temp_files {
            let _ = fs::remove_file(temp);
        }
        for dir in self.created_dirs.into_iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atlas_codegen::GeneratedFile;

    fn generation(files: &[(&str, &str)]) -> Generation {
        Generation {
            files: files
                .iter()
                .map(|(path, contents)| GeneratedFile {
                    path: (*path).into(),
                    contents: (*contents).into(),
                })
                .collect(),
            owned_dirs: vec!["src/models".into()],
        }
    }

    fn snapshot(dir: &Path) -> Vec<(String, String)> {
        let mut files: Vec<_> = files_under(dir, "")
            .unwrap()
            .into_iter()
            .map(|path| {
                let contents = fs::read_to_string(dir.join(&path)).unwrap();
                (path, contents)
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn plan_creates_updates_and_deletes_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("src/models")).unwrap();
        fs::write(dir.path().join("src/models/old.rs"), "old").unwrap();
        fs::write(dir.path().join("src/lib.rs"), "before").unwrap();
        fs::write(dir.path().join("README.md"), "mine").unwrap();
        let generation = generation(&[("src/lib.rs", "after"), ("src/models/new.rs", "new")]);
        let plan = Plan::new(dir.path(), &generation).unwrap();
        let paths: Vec<_> = plan.changes.iter().map(Change::path).collect();
        assert_eq!(
            paths,
            ["src/lib.rs", "src/models/new.rs", "src/models/old.rs"]
        );
        apply(dir.path(), &plan).unwrap();
        assert_eq!(
            snapshot(dir.path()),
            [
                ("README.md".into(), "mine".into()),
                ("src/lib.rs".into(), "after".into()),
                ("src/models/new.rs".into(), "new".into())
            ]
        );
        assert!(Plan::new(dir.path(), &generation).unwrap().is_empty());
    }

    #[test]
    fn a_failed_write_leaves_the_folder_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("src/models/blocked.rs/inner")).unwrap();
        fs::write(dir.path().join("src/lib.rs"), "before").unwrap();
        fs::write(dir.path().join("src/models/stale.rs"), "stale").unwrap();
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
        };
        assert!(apply(dir.path(), &plan).is_err());
        assert_eq!(snapshot(dir.path()), before);
        assert!(!dir.path().join("src/a").exists());
    }

    #[test]
    fn diff_names_the_file_and_the_lines() {
        let plan = Plan {
            changes: vec![Change::Update {
                path: "src/lib.rs".into(),
                old: "a\nb\n".into(),
                new: "a\nc\n".into(),
            }],
        };
        let diff = plan.diff("generated");
        assert!(diff.contains("--- a/generated/src/lib.rs"), "{diff}");
        assert!(diff.contains("-b\n+c\n"), "{diff}");
    }
}
