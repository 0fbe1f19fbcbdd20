//! `cargo xtask codegen --verify`: build the crate just written the way its users will, so a
//! maintainer checks a spec end to end with one command.

use std::path::Path;
use std::process::Command;

/// One check: what it proves, and the cargo invocation that proves it.
struct Check {
    title: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
}

const CHECKS: &[Check] = &[
    Check {
        title: "lints (clippy, warnings denied)",
        args: &["clippy", "--all-targets", "--", "-D", "warnings"],
        env: &[],
    },
    Check {
        title: "documentation (rustdoc, warnings denied)",
        args: &["doc", "--no-deps"],
        env: &[("RUSTDOCFLAGS", "-D warnings")],
    },
    Check {
        title: "doc tests",
        args: &["test", "--doc"],
        env: &[],
    },
];

/// Runs every check in the crate at `crate_dir`; the first failure stops with its name.
/// Cargo's own output goes straight to the terminal, where its diagnostics belong.
pub fn verify(crate_dir: &Path, shown_as: &str) -> Result<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut report = String::new();
    for check in CHECKS {
        eprintln!(
            "==> {shown_as}: {}: cargo {}",
            check.title,
            check.args.join(" ")
        );
        let status = Command::new(&cargo)
            .args(check.args)
            .envs(check.env.iter().copied())
            .current_dir(crate_dir)
            .status()
            .map_err(|error| format!("cannot run cargo: {error}\n"))?;
        if !status.success() {
            return Err(format!(
                "{report}{shown_as} was written, but does not pass: {} (`cargo {}` in {shown_as}).\n",
                check.title,
                check.args.join(" ")
            ));
        }
        report.push_str(&format!("{shown_as} passes {}.\n", check.title));
    }
    Ok(report)
}
