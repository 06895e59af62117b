//! The JSON report: the [`Report`] serialised with stable key order and a final newline.
//!
//! The recommendations (nearly all of a large report: 175 MB of 176 MB for 100,000
//! resources) are rendered on `opts.jobs` threads into reused blocks and spliced into the
//! rest of the document in order, while this thread writes them out. The bytes are those of `serde_json`'s pretty
//! printer over the whole report (a test compares them).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use serde::Serialize;

use super::{Recommendation, RenderOptions, Report, Reporter};

/// Writes `schemas/report.schema.json` documents.
#[derive(Debug, Clone, Copy)]
pub struct JsonReporter;

impl Reporter for JsonReporter {
    fn render(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        // Through a buffer: serde_json writes in tiny pieces, and each through `dyn Write` is
        // a virtual call (seconds for a 100,000-resource report). A small buffer, not the
        // whole document: a 1,000,000-resource report is 1.7 GB, and `out` holds it already.
        let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
        let head = pretty(&without_recommendations(report))?;
        match split_at_recommendations(&head) {
            _ if report.recommendations.is_empty() => buffered.write_all(&head)?,
            Some((before, after)) => {
                buffered.write_all(before)?;
                write_recommendations(&report.recommendations, opts.jobs, &mut buffered)?;
                buffered.write_all(b"\n  ]")?;
                buffered.write_all(after)?;
            }
            // Not expected (the key is always there); the whole report the plain way rather
            // than a document without its recommendations.
            None => {
                serde_json::to_writer_pretty(&mut buffered, report).map_err(io::Error::other)?
            }
        }
        buffered.write_all(b"\n")?;
        buffered.flush()
    }
}

fn pretty<T: serde::Serialize>(value: &T) -> io::Result<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(io::Error::other)
}

/// The report with an empty recommendation list. Every field is named (no `..`), so a field
/// added to [`Report`] cannot be left out of the JSON by mistake: this stops compiling.
fn without_recommendations(report: &Report) -> Report {
    let Report {
        schema_version,
        tool,
        assessed_at,
        inputs,
        resource_count,
        score,
        machines,
        intel,
        baseline,
        trend,
        exemptions,
        recommendations: _,
        alerts,
        policies,
        gate,
        errors,
        warnings,
    } = report;
    Report {
        schema_version: schema_version.clone(),
        tool: tool.clone(),
        assessed_at: assessed_at.clone(),
        inputs: inputs.clone(),
        resource_count: *resource_count,
        score: score.clone(),
        machines: machines.clone(),
        intel: intel.clone(),
        baseline: baseline.clone(),
        trend: trend.clone(),
        exemptions: exemptions.clone(),
        recommendations: Vec::new(),
        alerts: alerts.clone(),
        policies: policies.clone(),
        gate: gate.clone(),
        errors: errors.clone(),
        warnings: warnings.clone(),
    }
}

/// The rendered report without recommendations, cut inside its `[]`: the list's elements
/// go between the two parts. The key is found with the newline and indentation before it,
/// which no string value can hold (JSON escapes a newline inside a string).
fn split_at_recommendations(head: &[u8]) -> Option<(&[u8], &[u8])> {
    const KEY: &[u8] = b"\n  \"recommendations\": [";
    let at = head.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let after = head.get(at..)?.strip_prefix(b"]")?;
    Some((head.get(..at)?, after))
}

/// How many rendered recommendations may wait for the writer, per thread: bounds the
/// memory held (a recommendation of a 1,000,000-resource estate is tens of megabytes).
const AHEAD_PER_JOB: usize = 2;

/// The list's elements as the pretty printer writes them at depth two: each on a new line
/// indented by four spaces, with a comma between.
fn write_recommendations(
    recs: &[Recommendation],
    jobs: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let jobs = jobs.clamp(1, recs.len().max(1));
    let shared = Ordered {
        state: Mutex::new(Window::default()),
        changed: Condvar::new(),
        ahead: jobs * AHEAD_PER_JOB,
    };
    if jobs == 1 {
        for (i, rec) in recs.iter().enumerate() {
            let rendered = render_element(rec, i == 0, &shared)?;
            shared.write(rendered, out)?;
        }
        return Ok(());
    }
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(rec) = recs.get(i) else { break };
                if !shared.wait_for_room(i) {
                    break;
                }
                // A panic in the renderer (a bug) must not leave the writer waiting.
                let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    render_element(rec, i == 0, &shared)
                }))
                .unwrap_or_else(|_| Err(io::Error::other("the report renderer stopped")));
                shared.done(i, rendered);
            });
        }
        let mut result = Ok(());
        for i in 0..recs.len() {
            if let Err(e) = shared.take(i).and_then(|buf| shared.write(buf, out)) {
                result = Err(e);
                break;
            }
        }
        // On an error the workers stop at their next element.
        shared.stop();
        result
    })
}

/// One element, with the separator and indentation the list puts before it.
fn render_element(rec: &Recommendation, first: bool, pool: &Ordered) -> io::Result<Vec<Vec<u8>>> {
    let mut w = Blocks {
        pool,
        full: Vec::new(),
        block: pool.block(),
    };
    w.block
        .extend_from_slice(if first { b"\n    " } else { b",\n    " });
    let mut ser = serde_json::Serializer::with_formatter(
        &mut w,
        Pretty {
            depth: 2,
            has_value: false,
        },
    );
    rec.serialize(&mut ser).map_err(io::Error::other)?;
    let mut blocks = w.full;
    blocks.push(w.block);
    Ok(blocks)
}

/// Rendered bytes gathered in blocks of [`BLOCK`] bytes taken from the pool. One buffer
/// per element, grown by doubling, copied itself at every step and touched fresh pages the
/// kernel must zero (measured: that made this stage slower than rendering on one thread).
struct Blocks<'a> {
    pool: &'a Ordered,
    full: Vec<Vec<u8>>,
    block: Vec<u8>,
}

impl Write for Blocks<'_> {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.block.len() + buf.len() > self.block.capacity() && !self.block.is_empty() {
            let next = self.pool.block();
            self.full.push(std::mem::replace(&mut self.block, next));
        }
        self.block.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Size of the blocks rendered elements are held in.
const BLOCK: usize = 1 << 20;

/// serde_json's `PrettyFormatter` (two-space indent) starting at a given depth, which that
/// one cannot: the same bytes as the element inside the whole document. Indentation is
/// written in one piece, not two bytes per level.
struct Pretty {
    depth: usize,
    has_value: bool,
}

/// Enough for any depth the report reaches (its schema nests a dozen levels at most).
const SPACES: &[u8; 128] = &[b' '; 128];

impl Pretty {
    fn newline<W: ?Sized + Write>(&self, w: &mut W, comma: bool) -> io::Result<()> {
        w.write_all(if comma { b",\n" } else { b"\n" })?;
        let mut n = self.depth * 2;
        while n > 0 {
            let step = n.min(SPACES.len());
            w.write_all(SPACES.get(..step).unwrap_or_default())?;
            n -= step;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.has_value {
            self.newline(w, false)?;
        }
        w.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.newline(w, !first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.newline(w, !first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Rendered elements handed from the workers to the writer in list order.
struct Ordered {
    state: Mutex<Window>,
    changed: Condvar,
    /// How far beyond the next element to write a worker may render.
    ahead: usize,
}

#[derive(Default)]
struct Window {
    /// Elements written so far.
    written: usize,
    /// Rendered, not yet written.
    ready: BTreeMap<usize, io::Result<Vec<Vec<u8>>>>,
    /// Written blocks, for reuse.
    spare: Vec<Vec<u8>>,
    stopped: bool,
}

impl Ordered {
    fn lock(&self) -> std::sync::MutexGuard<'_, Window> {
        // Nothing panics while holding the lock; recover the data if something ever did.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn wait<'a>(&self, w: std::sync::MutexGuard<'a, Window>) -> std::sync::MutexGuard<'a, Window> {
        self.changed
            .wait(w)
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// An empty block, a spare one when there is one.
    fn block(&self) -> Vec<u8> {
        let mut b = self
            .lock()
            .spare
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(BLOCK));
        b.clear();
        b
    }

    /// Waits until element `i` is within the window; false when the writer stopped.
    fn wait_for_room(&self, i: usize) -> bool {
        let mut w = self.lock();
        while !w.stopped && i >= w.written + self.ahead {
            w = self.wait(w);
        }
        !w.stopped
    }

    fn done(&self, i: usize, rendered: io::Result<Vec<Vec<u8>>>) {
        self.lock().ready.insert(i, rendered);
        self.changed.notify_all();
    }

    /// Waits for element `i` and takes it; the window moves past it.
    fn take(&self, i: usize) -> io::Result<Vec<Vec<u8>>> {
        let mut w = self.lock();
        loop {
            if let Some(r) = w.ready.remove(&i) {
                w.written = i + 1;
                self.changed.notify_all();
                return r;
            }
            w = self.wait(w);
        }
    }

    /// Writes an element's blocks and keeps them for reuse.
    fn write(&self, blocks: Vec<Vec<u8>>, out: &mut dyn Write) -> io::Result<()> {
        for b in &blocks {
            out.write_all(b)?;
        }
        self.lock().spare.extend(blocks);
        Ok(())
    }

    fn stop(&self) {
        self.lock().stopped = true;
        self.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spliced document is byte for byte serde_json's pretty printing of the report,
    /// whatever the number of threads, with and without recommendations.
    #[test]
    fn parallel_rendering_gives_the_pretty_printers_bytes() {
        let report = crate::report::fixture::sample();
        assert!(
            report.recommendations.len() >= 3,
            "the fixture needs several"
        );
        let mut expected = serde_json::to_vec_pretty(&report).unwrap();
        expected.push(b'\n');
        for jobs in [1, 2, 3, 8] {
            let opts = RenderOptions {
                jobs,
                ..RenderOptions::default()
            };
            let mut got = Vec::new();
            JsonReporter.render(&report, &opts, &mut got).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&expected),
                "jobs {jobs}"
            );
        }
        let mut empty = report.clone();
        empty.recommendations.clear();
        let mut expected = serde_json::to_vec_pretty(&empty).unwrap();
        expected.push(b'\n');
        let mut got = Vec::new();
        JsonReporter
            .render(&empty, &RenderOptions::default(), &mut got)
            .unwrap();
        assert_eq!(got, expected);
    }

    /// The formatter writes what serde_json's pretty printer writes, at any depth (deeper
    /// than its run of spaces too), for empty and nested arrays and objects.
    #[test]
    fn the_formatter_matches_the_pretty_printer() {
        let mut deep = serde_json::json!({"leaf": [1, {}, [], {"a": null}], "s": "x\ny"});
        for i in 0..80 {
            deep = serde_json::json!({"level": i, "inner": [deep, []], "empty": {}});
        }
        let mut got = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(
            &mut got,
            Pretty {
                depth: 0,
                has_value: false,
            },
        );
        deep.serialize(&mut ser).unwrap();
        assert_eq!(
            String::from_utf8(got).unwrap(),
            serde_json::to_string_pretty(&deep).unwrap()
        );
    }

    /// A string value that looks like the key does not move the splice point.
    #[test]
    fn the_key_inside_a_string_is_not_the_splice_point() {
        let mut report = crate::report::fixture::sample();
        report.assessed_at = "\n  \"recommendations\": []".into();
        if let Some(m) = report.errors.first_mut() {
            m.message = "  \"recommendations\": [],\n".into();
        }
        let mut expected = serde_json::to_vec_pretty(&report).unwrap();
        expected.push(b'\n');
        let mut got = Vec::new();
        let opts = RenderOptions {
            jobs: 2,
            ..RenderOptions::default()
        };
        JsonReporter.render(&report, &opts, &mut got).unwrap();
        assert_eq!(got, expected);
    }

    /// A failing output stops the workers and returns the error, without hanging.
    #[test]
    fn a_write_error_is_returned() {
        struct Full(usize);
        impl Write for Full {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                if self.0 < buf.len() {
                    return Err(io::Error::other("disk full"));
                }
                self.0 -= buf.len();
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        // Many recommendations, far more than the window and the 64 KB buffer hold, so that
        // the output fails while workers are still rendering.
        let mut report = crate::report::fixture::sample();
        let one = report.recommendations.clone();
        for _ in 0..200 {
            report.recommendations.extend(one.iter().cloned());
        }
        let mut whole = Vec::new();
        JsonReporter
            .render(&report, &RenderOptions::default(), &mut whole)
            .unwrap();
        assert!(whole.len() > 1 << 20, "{} bytes", whole.len());
        for jobs in [1, 2, 4] {
            let opts = RenderOptions {
                jobs,
                ..RenderOptions::default()
            };
            let err = JsonReporter
                .render(&report, &opts, &mut Full(whole.len() / 3))
                .unwrap_err();
            assert_eq!(err.to_string(), "disk full", "jobs {jobs}");
        }
    }
}
