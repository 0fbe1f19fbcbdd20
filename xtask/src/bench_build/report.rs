//! The figures as a table for people, or as JSON for scripts.

/// The two cargo commands measured on every crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CargoCommand {
    Check,
    Build,
}

impl CargoCommand {
    pub const ALL: [Self; 2] = [Self::Check, Self::Build];

    pub fn name(self) -> &'static str {
        match self {
            Self::Check => "check",
            Self::Build => "build",
        }
    }
}

/// One measured crate, as the legend above the table describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateLine {
    pub crate_name: String,
    /// `ours` or `progenitor <version>`.
    pub tool: String,
    /// Where the crate came from: the committed folder, or the spec it was written from.
    pub source: String,
    /// The feature flags given to cargo, as typed (empty for the default features).
    pub feature_flags: Vec<String>,
}

/// The figures of one crate under one cargo command.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub crate_name: String,
    pub tool: String,
    pub command: CargoCommand,
    pub runs: usize,
    /// Median CPU time (user + system), seconds.
    pub cpu_seconds: f64,
    /// The CPU time of each run, in the order of the rounds.
    pub cpu_seconds_by_run: Vec<f64>,
    /// Median elapsed time, seconds.
    pub wall_seconds: f64,
    /// Median peak resident set of the largest process, MiB.
    pub peak_mib: f64,
    /// Ours divided by progenitor's on the same spec and command, when progenitor ran.
    pub versus_progenitor: Option<Ratio>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratio {
    /// Of the medians.
    pub cpu: f64,
    pub peak: f64,
    /// The lowest and highest CPU ratio of one round (run N of ours over run N of the
    /// baseline, built minutes apart), when at least two rounds ran both.
    pub cpu_by_round: Option<(f64, f64)>,
}

impl Ratio {
    pub fn of(ours: &Row, baseline: &Row) -> Self {
        let by_round: Vec<f64> = ours
            .cpu_seconds_by_run
            .iter()
            .zip(&baseline.cpu_seconds_by_run)
            .map(|(ours, baseline)| ours / baseline)
            .collect();
        let cpu_by_round = (by_round.len() >= 2).then(|| {
            by_round
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), &ratio| {
                    (low.min(ratio), high.max(ratio))
                })
        });
        Self {
            cpu: ours.cpu_seconds / baseline.cpu_seconds,
            peak: ours.peak_mib / baseline.peak_mib,
            cpu_by_round,
        }
    }
}

/// How every figure was taken, printed above the table so it is read the right way.
pub const PROTOCOL: &str = "\
Each crate's dependencies are built first (not measured); then, per run, `touch src/lib.rs`
and `cargo check`, `touch src/lib.rs` and `cargo build` (dev profile, CARGO_INCREMENTAL=0).
Runs go in rounds: each round builds every crate once per command, so that a slow spell of
the shared machine falls on every tool alike. CPU s: user + system time of cargo and every
rustc it ran. wall s: elapsed time, what a person waits (less than CPU s where rustc works
in parallel, more when other work shares the machine). peak MiB: the largest resident set
of any one of those processes. Figures are medians over the runs; ratios are ours divided
by progenitor's, both measured in this run, and [low, high] are the lowest and highest
ratio of one round, when two or more rounds ran both.
";

pub fn table(crates: &[CrateLine], rows: &[Row]) -> String {
    let mut out = String::from(PROTOCOL);
    out.push('\n');
    let legend: Vec<[String; 3]> = crates
        .iter()
        .map(|line| {
            let features = if line.feature_flags.is_empty() {
                "default features".to_owned()
            } else {
                line.feature_flags.join(" ")
            };
            [
                line.crate_name.clone(),
                line.tool.clone(),
                format!("{}; {features}", line.source),
            ]
        })
        .collect();
    out.push_str(&columns(&[Align::Left; 3], &legend, "  "));
    out.push('\n');

    let header = [
        "crate",
        "tool",
        "command",
        "runs",
        "CPU s",
        "wall s",
        "peak MiB",
        "CPU vs progenitor",
        "peak vs progenitor",
    ]
    .map(str::to_owned);
    let mut cells = vec![header];
    cells.extend(rows.iter().map(|row| {
        let (cpu_ratio, peak_ratio) = match row.versus_progenitor {
            Some(ratio) => (
                match ratio.cpu_by_round {
                    Some((low, high)) => format!("{} [{low:.2}, {high:.2}]", times(ratio.cpu)),
                    None => times(ratio.cpu),
                },
                times(ratio.peak),
            ),
            None => ("-".to_owned(), "-".to_owned()),
        };
        [
            row.crate_name.clone(),
            row.tool.clone(),
            row.command.name().to_owned(),
            row.runs.to_string(),
            format!("{:.2}", row.cpu_seconds),
            format!("{:.2}", row.wall_seconds),
            format!("{:.0}", row.peak_mib),
            cpu_ratio,
            peak_ratio,
        ]
    }));
    let align = [
        Align::Left,
        Align::Left,
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
    ];
    out.push_str(&columns(&align, &cells, ""));
    out
}

pub fn json(crates: &[CrateLine], rows: &[Row]) -> String {
    let crates: Vec<_> = crates
        .iter()
        .map(|line| {
            serde_json::json!({
                "crate": line.crate_name,
                "tool": line.tool,
                "source": line.source,
                "feature_flags": line.feature_flags,
            })
        })
        .collect();
    let rows: Vec<_> = rows
        .iter()
        .map(|row| {
            serde_json::json!({
                "crate": row.crate_name,
                "tool": row.tool,
                "command": row.command.name(),
                "runs": row.runs,
                "cpu_seconds": row.cpu_seconds,
                "cpu_seconds_by_run": row.cpu_seconds_by_run,
                "wall_seconds": row.wall_seconds,
                "peak_mib": row.peak_mib,
                "cpu_vs_progenitor": row.versus_progenitor.map(|ratio| ratio.cpu),
                "cpu_vs_progenitor_by_round": row
                    .versus_progenitor
                    .and_then(|ratio| ratio.cpu_by_round)
                    .map(|(low, high)| [low, high]),
                "peak_vs_progenitor": row.versus_progenitor.map(|ratio| ratio.peak),
            })
        })
        .collect();
    let report = serde_json::json!({ "protocol": PROTOCOL, "crates": crates, "rows": rows });
    format!("{report:#}\n")
}

fn times(ratio: f64) -> String {
    format!("{ratio:.2}x")
}

#[derive(Debug, Clone, Copy)]
enum Align {
    Left,
    Right,
}

/// Cells padded into columns two spaces apart, each line starting with `indent`.
fn columns<const N: usize>(align: &[Align; N], cells: &[[String; N]], indent: &str) -> String {
    let mut widths = [0; N];
    for line in cells {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for line in cells {
        let padded: Vec<String> = line
            .iter()
            .zip(widths)
            .zip(align)
            .map(|((cell, width), align)| match align {
                Align::Left => format!("{cell:<width$}"),
                Align::Right => format!("{cell:>width$}"),
            })
            .collect();
        out.push_str(indent);
        out.push_str(padded.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(tool: &str, command: CargoCommand, cpu: f64, peak: f64) -> Row {
        Row {
            crate_name: "atlas-api".to_owned(),
            tool: tool.to_owned(),
            command,
            runs: 3,
            cpu_seconds: cpu,
            cpu_seconds_by_run: vec![cpu],
            wall_seconds: cpu / 2.0,
            peak_mib: peak,
            versus_progenitor: None,
        }
    }

    #[test]
    fn the_ratio_is_ours_over_the_baseline() {
        let ours = row("ours", CargoCommand::Build, 3.0, 300.0);
        let theirs = row("progenitor 0.15.1", CargoCommand::Build, 12.0, 600.0);
        assert_eq!(
            Ratio::of(&ours, &theirs),
            Ratio {
                cpu: 0.25,
                peak: 0.5,
                cpu_by_round: None,
            }
        );
    }

    #[test]
    fn rounds_give_the_range_of_side_by_side_ratios() {
        let mut ours = row("ours", CargoCommand::Build, 3.0, 300.0);
        ours.cpu_seconds_by_run = vec![3.0, 4.0, 2.0];
        let mut theirs = row("progenitor 0.15.1", CargoCommand::Build, 12.0, 600.0);
        // Progenitor's third run is missing (one run was enough): two rounds ran both.
        theirs.cpu_seconds_by_run = vec![10.0, 16.0];
        assert_eq!(Ratio::of(&ours, &theirs).cpu_by_round, Some((0.25, 0.3)));
        theirs.cpu_seconds_by_run.truncate(1);
        assert_eq!(Ratio::of(&ours, &theirs).cpu_by_round, None);
    }

    #[test]
    fn the_table_lines_up_and_shows_ratios_where_there_are_some() {
        let crates = [
            CrateLine {
                crate_name: "atlas-api".to_owned(),
                tool: "ours".to_owned(),
                source: "written from api.yaml".to_owned(),
                feature_flags: vec!["--no-default-features".to_owned()],
            },
            CrateLine {
                crate_name: "atlas-api".to_owned(),
                tool: "progenitor 0.15.1".to_owned(),
                source: "written from api.yaml".to_owned(),
                feature_flags: Vec::new(),
            },
        ];
        let mut ours = row("ours", CargoCommand::Check, 1.234, 250.4);
        ours.versus_progenitor = Some(Ratio {
            cpu: 0.123,
            peak: 0.5,
            cpu_by_round: None,
        });
        let mut ours_build = row("ours", CargoCommand::Build, 2.0, 260.0);
        ours_build.versus_progenitor = Some(Ratio {
            cpu: 0.1,
            peak: 0.5,
            cpu_by_round: Some((0.094, 0.126)),
        });
        let rows = [
            ours,
            ours_build,
            row("progenitor 0.15.1", CargoCommand::Check, 10.0, 500.8),
        ];
        let table = table(&crates, &rows);
        let expected = "
  atlas-api  ours               written from api.yaml; --no-default-features
  atlas-api  progenitor 0.15.1  written from api.yaml; default features

crate      tool               command  runs  CPU s  wall s  peak MiB   CPU vs progenitor  peak vs progenitor
atlas-api  ours               check       3   1.23    0.62       250               0.12x               0.50x
atlas-api  ours               build       3   2.00    1.00       260  0.10x [0.09, 0.13]               0.50x
atlas-api  progenitor 0.15.1  check       3  10.00    5.00       501                   -                   -
";
        assert_eq!(table.strip_prefix(PROTOCOL), Some(expected), "{table}");
    }

    #[test]
    fn json_carries_the_same_figures() {
        let mut ours = row("ours", CargoCommand::Build, 2.0, 100.0);
        ours.cpu_seconds_by_run = vec![2.0, 2.5];
        ours.versus_progenitor = Some(Ratio {
            cpu: 0.5,
            peak: 0.25,
            cpu_by_round: Some((0.4, 0.6)),
        });
        let report: serde_json::Value = serde_json::from_str(&json(&[], &[ours])).unwrap();
        let first = &report["rows"][0];
        assert_eq!(first["command"], "build");
        assert_eq!(first["cpu_seconds"], 2.0);
        assert_eq!(first["wall_seconds"], 1.0);
        assert_eq!(first["cpu_vs_progenitor"], 0.5);
        assert_eq!(first["peak_vs_progenitor"], 0.25);
        assert_eq!(first["cpu_seconds_by_run"], serde_json::json!([2.0, 2.5]));
        assert_eq!(
            first["cpu_vs_progenitor_by_round"],
            serde_json::json!([0.4, 0.6])
        );
    }
}
