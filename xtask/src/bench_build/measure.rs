//! One measured cargo invocation: the CPU time and the largest resident set of cargo and
//! every process it ran, taken from the kernel's accounting when the child is reaped.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wait4::Wait4;

/// What one cargo invocation cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Usage {
    /// User plus system time of cargo and its descendants (rustc above all).
    pub cpu: Duration,
    /// The largest resident set any one of those processes reached, in bytes.
    pub peak_rss_bytes: u64,
    /// Elapsed time from spawning cargo to reaping it: what a person waits, which parallel
    /// codegen shortens and CPU time does not show. Unlike CPU time, another agent's work on
    /// the machine lengthens it directly.
    pub wall: Duration,
}

/// Runs `command` to completion and returns what it cost. Its output goes to `log` (cargo's
/// progress is noise in a benchmark) and is quoted in the error when the command fails.
///
/// `wait4` reaps exactly this child, and Linux folds into a reaped child's rusage everything
/// its own reaped descendants used: cargo waits for every rustc it starts, so the figures are
/// the whole invocation's and nothing else's, however busy the rest of the machine is.
pub fn measure(mut command: Command, log: &Path) -> Result<Usage, String> {
    let shown = describe(&command);
    let log_file = std::fs::File::create(log)
        .map_err(|error| format!("cannot create {}: {error}\n", log.display()))?;
    let log_copy = log_file
        .try_clone()
        .map_err(|error| format!("cannot share {}: {error}\n", log.display()))?;
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(log_file)
        .stderr(log_copy)
        .spawn()
        .map_err(|error| format!("cannot run {shown}: {error}\n"))?;
    let reaped = child
        .wait4()
        .map_err(|error| format!("cannot wait for {shown}: {error}\n"))?;
    let wall = started.elapsed();
    if !reaped.status.success() {
        let output = std::fs::read_to_string(log).unwrap_or_default();
        return Err(format!("{shown} failed ({}):\n{output}", reaped.status));
    }
    Ok(Usage {
        cpu: reaped.rusage.utime + reaped.rusage.stime,
        peak_rss_bytes: reaped.rusage.maxrss,
        wall,
    })
}

/// Runs `command` unmeasured (a warm-up), its output on the terminal; fails on a non-zero exit.
pub fn run_visible(command: &mut Command) -> Result<(), String> {
    let shown = describe(command);
    let status = command
        .stdin(Stdio::null())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .status()
        .map_err(|error| format!("cannot run {shown}: {error}\n"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status}).\n"))
    }
}

/// `cargo build` in target/bench-build/x, as a person would type it.
fn describe(command: &Command) -> String {
    let program = Path::new(command.get_program())
        .file_name()
        .unwrap_or(command.get_program())
        .to_string_lossy()
        .into_owned();
    let mut words = vec![program];
    words.extend(
        command
            .get_args()
            .map(|arg| arg.to_string_lossy().into_owned()),
    );
    match command.get_current_dir() {
        Some(dir) => format!("`{}` in {}", words.join(" "), dir.display()),
        None => format!("`{}`", words.join(" ")),
    }
}

/// The median of some figures (the mean of the middle two for an even count); `None` when
/// there are none. A median ignores the one run another agent's build happened to slow down.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        len if len % 2 == 1 => Some(sorted[middle]),
        _ => Some((sorted[middle - 1] + sorted[middle]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[4.0]), Some(4.0));
        assert_eq!(median(&[9.0, 1.0, 5.0]), Some(5.0));
        assert_eq!(median(&[9.0, 1.0, 5.0, 3.0]), Some(4.0));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_measured_child_reports_its_own_cpu_and_memory() {
        let log = tempfile::NamedTempFile::new().unwrap();
        // A shell that burns CPU in a child of its own: the figures include reaped descendants.
        let mut command = Command::new("sh");
        command.args([
            "-c",
            "sh -c 'i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done'",
        ]);
        let usage = measure(command, log.path()).unwrap();
        assert!(usage.cpu > Duration::ZERO, "{usage:?}");
        assert!(usage.peak_rss_bytes > 0, "{usage:?}");
        assert!(usage.wall > Duration::ZERO, "{usage:?}");
    }

    #[test]
    fn a_failing_command_is_an_error_with_its_output() {
        let log = tempfile::NamedTempFile::new().unwrap();
        let mut command = Command::new("sh");
        command.args(["-c", "echo broken spec >&2; exit 3"]);
        let error = measure(command, log.path()).unwrap_err();
        assert!(error.contains("`sh -c"), "{error}");
        assert!(error.contains("broken spec"), "{error}");
    }
}
