//! Stage reporting for long runs: a progress bar on an interactive terminal, and stage
//! timings on request (`POSTURE_TIMINGS=1`, for benchmarks).
//!
//! The bar appears only once a run has taken about a second (short runs stay quiet), only
//! when stderr is a terminal, and never when `CI` is set: CI logs capture a pseudo-terminal
//! on some runners, and a redrawn bar there is noise in every line.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before the bar is shown.
const SHOW_AFTER: Duration = Duration::from_millis(1000);

/// [`SHOW_AFTER`], or `POSTURE_PROGRESS_AFTER_MS` when set: the test that runs posture on a
/// pseudo-terminal shows the bar at once, whatever the machine's speed.
fn show_after() -> Duration {
    std::env::var("POSTURE_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .map_or(SHOW_AFTER, Duration::from_millis)
}

/// Progress of one command. Cheap to call from worker threads.
pub struct Progress {
    bar: Option<ProgressBar>,
    /// The bar's looks, one per kind of stage (see [`Styles`]).
    styles: Option<Styles>,
    /// Resources read so far in a stage counted in bytes (see [`Progress::loaded`]).
    resources: AtomicU64,
    timings: bool,
    /// `POSTURE_TIMINGS=policies`: each policy's time too.
    policy_times: bool,
    started: Instant,
    /// How long the run goes before the bar is shown.
    show_after: Duration,
    state: Arc<Mutex<StageState>>,
}

/// A stage without a count shows its name and the time; one with a count shows a bar, the
/// count and its rate; one counted in bytes (reading the inputs) shows a bar, the bytes,
/// and the resources read so far with their rate. Switching styles never shows a count of
/// one stage under the name of another: see [`Progress::stage`].
struct Styles {
    plain: ProgressStyle,
    counted: ProgressStyle,
    bytes: ProgressStyle,
}

impl Styles {
    fn new() -> Option<Self> {
        let plain = ProgressStyle::with_template("{spinner} {prefix:>9} ({elapsed})").ok()?;
        let counted = ProgressStyle::with_template(
            "{spinner} {prefix:>9} {wide_bar} {human_pos}/{human_len} {msg} ({rate}, {elapsed})",
        )
        .ok()?
        // Whole units per second with thousands separators, as the counts beside it: the
        // default shows four decimals.
        .with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{}/s", per_second(state.per_sec()));
            },
        );
        let bytes = ProgressStyle::with_template(
            "{spinner} {prefix:>9} {wide_bar} {binary_bytes}/{binary_total_bytes} {msg} ({elapsed})",
        )
        .ok()?;
        Some(Self {
            plain,
            counted,
            bytes,
        })
    }
}

/// A rate as a whole number with thousands separators (0 for a rate not yet known).
fn per_second(rate: f64) -> HumanCount {
    // `as` saturates, and NaN becomes 0.
    HumanCount(if rate.is_finite() { rate as u64 } else { 0 })
}

struct StageState {
    name: &'static str,
    started: Instant,
    shown: bool,
    /// Set by `finish`: the bar must not be shown any more.
    finished: bool,
    /// Finished stages and their durations, for the timings line.
    done: Vec<(&'static str, Duration)>,
    /// Extra timing lines.
    notes: Vec<String>,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

impl Default for Progress {
    fn default() -> Self {
        Self::hidden()
    }
}

impl Progress {
    /// Reports nothing (tests, library use, non-terminal stderr).
    pub fn hidden() -> Self {
        Self::build(false, false)
    }

    /// A bar when `stderr_tty` and not in CI and not `quiet`; timings when
    /// `POSTURE_TIMINGS` is set to something other than `0` (`policies`: per-policy times too).
    pub fn for_terminal(stderr_tty: bool, quiet: bool) -> Self {
        let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
        let asked = std::env::var_os("POSTURE_TIMINGS");
        let timings = asked.as_ref().is_some_and(|v| !v.is_empty() && v != "0");
        let mut p = Self::build(stderr_tty && !quiet && !in_ci, timings);
        p.policy_times = asked.is_some_and(|v| v == "policies");
        p
    }

    fn build(bar: bool, timings: bool) -> Self {
        let styles = if bar { Styles::new() } else { None };
        let bar = bar.then(|| {
            // Hidden until the run has lasted SHOW_AFTER; see `tick`.
            let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            if let Some(styles) = &styles {
                b.set_style(styles.plain.clone());
            }
            b
        });
        let now = Instant::now();
        let after = show_after();
        let state = Arc::new(Mutex::new(StageState {
            name: "start",
            started: now,
            shown: false,
            finished: false,
            done: Vec::new(),
            notes: Vec::new(),
        }));
        if let Some(b) = &bar {
            // Shows the bar once the run has lasted SHOW_AFTER, even in a stage that reports
            // no progress of its own (reading a large estate). If the thread cannot start,
            // `tick` shows it at the next stage or step instead.
            let (b, state) = (b.clone(), Arc::clone(&state));
            let _ = std::thread::Builder::new()
                .name("posture-progress".into())
                .spawn(move || {
                    std::thread::sleep(after);
                    if let Ok(mut s) = state.lock() {
                        show(&b, &mut s);
                    }
                });
        }
        Self {
            bar,
            styles,
            resources: AtomicU64::new(0),
            timings,
            policy_times: false,
            started: now,
            show_after: after,
            state,
        }
    }

    /// Starts a stage of `total` units (0: not counted: the bar shows the stage's name and
    /// the time only), ending the previous one.
    pub fn stage(&self, name: &'static str, total: u64, unit: &'static str) {
        let now = Instant::now();
        if let Ok(mut s) = self.state.lock() {
            let elapsed = now.duration_since(s.started);
            let prev = s.name;
            if prev != "start" {
                s.done.push((prev, elapsed));
                if self.timings {
                    if let Some(mib) = resident_mib() {
                        s.notes
                            .push(format!("memory after {prev}: {mib} MiB resident"));
                    }
                }
            }
            s.name = name;
            s.started = now;
        }
        self.resources.store(0, Ordering::Relaxed);
        if let (Some(b), Some(styles)) = (&self.bar, &self.styles) {
            // The setters below draw (setting a style does not): the plain style first, so
            // that no frame shows the last stage's count or unit under this stage's name.
            b.set_style(styles.plain.clone());
            b.set_prefix(name);
            b.set_message(unit);
            b.set_position(0);
            if total > 0 {
                b.set_length(total);
            } else {
                b.unset_length();
            }
            b.reset_eta();
            if total > 0 {
                b.set_style(styles.counted.clone());
            }
        }
        self.tick();
    }

    /// Counts the current stage in bytes from now on, `total` of them: reading the inputs,
    /// whose sizes are known before they are read; [`Progress::loaded`] adds to it.
    pub fn expect_bytes(&self, total: u64) {
        if let (Some(b), Some(styles)) = (&self.bar, &self.styles) {
            if total == 0 {
                return;
            }
            b.set_position(0);
            b.set_length(total);
            b.set_message(resources_read(0, Duration::ZERO));
            b.reset_eta();
            b.set_style(styles.bytes.clone());
        }
        self.tick();
    }

    /// Adds `bytes` read and `resources` found to a stage counted in bytes.
    pub fn loaded(&self, bytes: u64, resources: u64) {
        let Some(b) = &self.bar else { return };
        let total = self.resources.fetch_add(resources, Ordering::Relaxed) + resources;
        let took = self
            .state
            .lock()
            .map_or(Duration::ZERO, |s| s.started.elapsed());
        b.set_message(resources_read(total, took));
        b.inc(bytes);
        self.tick();
    }

    /// Adds `n` units to the current stage.
    pub fn inc(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.inc(n);
        }
        self.tick();
    }

    fn tick(&self) {
        let Some(b) = &self.bar else { return };
        if self.started.elapsed() < self.show_after {
            return;
        }
        if let Ok(mut s) = self.state.lock() {
            show(b, &mut s);
        }
    }

    /// Records a line for the timings output (per-policy times and the like).
    pub fn note(&self, line: String) {
        if let Ok(mut s) = self.state.lock() {
            s.notes.push(line);
        }
    }

    /// Records how long one policy took, when policy times were asked for.
    pub fn policy_time(&self, id: &str, took: Duration) {
        if self.policy_times {
            self.note(format!("policy {id} {:.3}", took.as_secs_f64()));
        }
    }

    /// Ends the last stage, clears the bar and writes the timings if asked for.
    pub fn finish(&self, stderr: &mut dyn Write) {
        let Ok(mut s) = self.state.lock() else { return };
        // Under the lock, so the timer thread cannot show the bar again after this.
        s.finished = true;
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
        let now = Instant::now();
        let elapsed = now.duration_since(s.started);
        let last = s.name;
        if last != "start" {
            s.done.push((last, elapsed));
            s.name = "start";
        }
        if self.timings {
            if let Some(mib) = resident_mib() {
                let note = format!("memory after {last}: {mib} MiB resident");
                s.notes.push(note);
            }
            // Policy times arrive from worker threads in any order; the rest in stage order.
            s.notes.sort_by_key(|n| n.starts_with("policy "));
            let split = s.notes.partition_point(|n| !n.starts_with("policy "));
            if let Some(policies) = s.notes.get_mut(split..) {
                policies.sort();
            }
            for n in &s.notes {
                let _ = writeln!(stderr, "timings: {n}");
            }
            let parts: Vec<String> = s
                .done
                .iter()
                .map(|(n, d)| format!("{n} {:.3}", d.as_secs_f64()))
                .collect();
            // One line, space-separated, so a benchmark script can parse it.
            let _ = writeln!(
                stderr,
                "timings: {} total {:.3}",
                parts.join(" "),
                self.started.elapsed().as_secs_f64()
            );
        }
    }
}

/// "12,000 resources, 85,000/s": what a stage counted in bytes shows beside them, since
/// the resources are what a user counts.
fn resources_read(resources: u64, took: Duration) -> String {
    let secs = took.as_secs_f64();
    let rate = if secs > 0.0 {
        resources as f64 / secs
    } else {
        0.0
    };
    format!(
        "{} resources, {}/s",
        HumanCount(resources),
        per_second(rate)
    )
}

/// Draws the bar from now on, unless it is shown already or the run has finished.
fn show(b: &ProgressBar, s: &mut StageState) {
    if !s.shown && !s.finished {
        s.shown = true;
        b.set_draw_target(ProgressDrawTarget::stderr());
        b.enable_steady_tick(Duration::from_millis(120));
    }
}

/// The process's resident memory in MiB (Linux; `None` elsewhere), for the timings.
fn resident_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    // VmRSS is in kibibytes, whatever its "kB" says.
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timings_name_every_stage_in_order() {
        let p = Progress::build(false, true);
        p.stage("load", 0, "resources");
        p.stage("evaluate", 10, "resources");
        p.inc(10);
        let mut out = Vec::new();
        p.finish(&mut out);
        let text = String::from_utf8(out).unwrap_or_default();
        // The stage line comes last, so a script can take the last line.
        let line = text.lines().last().unwrap_or_default();
        assert!(line.starts_with("timings: load "), "{text}");
        assert!(line.contains(" evaluate "), "{text}");
        assert!(line.contains(" total "), "{text}");
        if cfg!(target_os = "linux") {
            let memory: Vec<&str> = text
                .lines()
                .filter(|l| l.contains("memory after"))
                .collect();
            assert_eq!(memory.len(), 2, "{text}");
            assert!(memory[0].contains("after load") && memory[1].contains("after evaluate"));
        }
    }

    #[test]
    fn policy_times_are_sorted_after_the_stage_notes() {
        let mut p = Progress::build(false, true);
        p.policy_times = true;
        p.stage("evaluate", 0, "");
        p.policy_time("b", Duration::from_millis(200));
        p.policy_time("a", Duration::from_millis(100));
        let mut out = Vec::new();
        p.finish(&mut out);
        let text = String::from_utf8(out).unwrap_or_default();
        let a = text.find("policy a").unwrap_or(usize::MAX);
        let b = text.find("policy b").unwrap_or(0);
        assert!(a < b, "{text}");
    }

    #[test]
    fn policy_times_only_when_asked() {
        let p = Progress::build(false, true);
        p.stage("evaluate", 0, "");
        p.policy_time("a", Duration::from_millis(100));
        let mut out = Vec::new();
        p.finish(&mut out);
        let text = String::from_utf8(out).unwrap_or_default();
        assert!(!text.contains("policy a"), "{text}");
        assert!(text.contains("timings: evaluate"), "{text}");
    }

    #[test]
    fn a_finished_run_never_shows_the_bar() {
        let p = Progress::build(true, false);
        p.stage("load", 0, "resources");
        let mut out = Vec::new();
        p.finish(&mut out);
        // What the timer thread does once the run has lasted SHOW_AFTER.
        if let (Some(b), Ok(mut s)) = (&p.bar, p.state.lock()) {
            show(b, &mut s);
            assert!(!s.shown);
            assert!(b.is_hidden());
        }
        assert!(out.is_empty());
    }

    /// Every line the bar draws, as a terminal would have shown it.
    #[derive(Debug, Clone, Default)]
    struct Frames(Arc<Mutex<Vec<String>>>);

    impl Frames {
        fn all(&self) -> Vec<String> {
            self.0.lock().map(|f| f.clone()).unwrap_or_default()
        }
    }

    impl indicatif::TermLike for Frames {
        fn width(&self) -> u16 {
            120
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.write_str(s)
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            if !s.trim().is_empty() {
                if let Ok(mut f) = self.0.lock() {
                    f.push(s.to_string());
                }
            }
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A bar drawn, without a rate limit, into [`Frames`].
    fn drawn() -> (Progress, ProgressBar, Frames) {
        let p = Progress::build(true, false);
        let frames = Frames::default();
        let bar = p.bar.clone().unwrap();
        if let Ok(mut s) = p.state.lock() {
            // Shown already, so the timer thread leaves the target alone.
            s.shown = true;
        }
        bar.set_draw_target(ProgressDrawTarget::term_like(Box::new(frames.clone())));
        (p, bar, frames)
    }

    #[test]
    fn each_stage_shows_its_own_count_or_none() {
        let (p, bar, frames) = drawn();
        p.stage("load", 0, "resources");
        p.expect_bytes(4096);
        p.loaded(1024, 3);
        p.loaded(1024, 1_200);
        bar.force_draw();
        p.stage("evaluate", 10, "resource checks");
        p.inc(4);
        bar.force_draw();
        p.stage("alerts", 0, "machines");
        bar.force_draw();
        let all = frames.all();
        let of = |stage: &str| -> Vec<&String> {
            all.iter()
                .filter(|f| f.contains(&format!(" {stage} ")))
                .collect()
        };
        // Reading counts bytes of the inputs and the resources found, with their rate.
        assert!(
            of("load")
                .iter()
                .any(|f| f.contains("2.00 KiB/4.00 KiB") && f.contains("1,203 resources, ")),
            "{all:#?}"
        );
        assert!(
            of("evaluate")
                .iter()
                .any(|f| f.contains("4/10 resource checks (")),
            "{all:#?}"
        );
        // A stage without a count shows its name and the time only: no "0/0", no rate.
        assert!(!of("alerts").is_empty(), "{all:#?}");
        for f in of("alerts") {
            assert!(!f.contains('/') && !f.contains("machines"), "{f}");
        }
        // No frame shows a count or unit of one stage under the name of another.
        for f in of("evaluate") {
            assert!(!f.contains("iB") && !f.contains("resources,"), "{f}");
        }
        for f in of("load") {
            assert!(!f.contains("checks"), "{f}");
        }
        let mut out = Vec::new();
        p.finish(&mut out);
    }

    #[test]
    fn hidden_progress_writes_nothing() {
        let p = Progress::hidden();
        p.stage("load", 0, "resources");
        let mut out = Vec::new();
        p.finish(&mut out);
        assert!(out.is_empty());
    }
}
