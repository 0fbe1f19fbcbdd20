//! `cargo xtask test`: the whole suite, in the order that fails fastest, as CI runs it.

use std::process::Command;

/// One step: a cargo invocation with its extra environment.
struct Step {
    title: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
}

const STEPS: &[Step] = &[
    Step {
        title: "formatting",
        args: &["fmt", "--all", "--", "--check"],
        env: &[],
    },
    Step {
        title: "lints (every crate, the generated one too)",
        args: &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        env: &[],
    },
    Step {
        // Its examples call Atlas and say so (`required-features`); the rest must build
        // without the client.
        title: "lints of the generated crate without its client",
        args: &[
            "clippy",
            "--package",
            "atlas-snapshots",
            "--no-default-features",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        env: &[],
    },
    Step {
        title: "documentation",
        args: &["doc", "--workspace", "--no-deps"],
        env: &[("RUSTDOCFLAGS", "-D warnings")],
    },
    Step {
        title: "tests (unit, integration, snapshot, drift, doc)",
        args: &["test", "--workspace"],
        env: &[],
    },
];

/// Runs every step; the first failure stops the suite with its name.
pub fn run(root: &std::path::Path) -> Result<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    println!("==> generated/ is up to date with spec/");
    let check = crate::codegen::codegen(
        root,
        &crate::codegen::CodegenArgs {
            check: true,
            ..Default::default()
        },
    )?;
    print!("{check}");
    for step in STEPS {
        println!("==> {}: cargo {}", step.title, step.args.join(" "));
        let status = Command::new(&cargo)
            .args(step.args)
            .envs(step.env.iter().copied())
            .current_dir(root)
            .status()
            .map_err(|error| format!("cannot run cargo: {error}\n"))?;
        if !status.success() {
            return Err(format!("the test suite failed at: {}\n", step.title));
        }
    }
    Ok("the whole test suite passed.\n".to_owned())
}
