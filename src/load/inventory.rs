//! Turns inventory files into resources: recognises the accepted document shapes, validates
//! each resource, derives `subscriptionId`/`resourceGroup` from ids, and resolves ids that
//! appear twice (the later one in sorted path order wins, with a warning naming both places).

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::{Map, Value};

use super::locate::{self, SpanCache};
use super::schema::Budget;
use super::{
    codes, discover, for_each_document_in, ndjson, read_sources, Discovered, Document,
    DocumentKind, Format, LoadOptions,
};
use crate::diag::{Problem, Problems};
use crate::model::{InputFile, Origin, Resource};
use crate::source::{SourceFile, SourceId, SourceMap};

/// Every resource of every inventory file of a run.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    /// Sorted by lower-cased id; ids are unique (case-insensitively).
    pub resources: Vec<Resource>,
    /// The files read, in the order read (sorted by path).
    pub inputs: Vec<InputFile>,
    /// Agent snapshots found among the inputs, in the order read.
    pub snapshots: Vec<Snapshot>,
}

/// One host's agent snapshot (`kind: posture-agent-snapshot`), validated.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The whole document.
    pub value: Value,
    /// Where it was read.
    pub origin: Origin,
    /// `collectedAt`, as written.
    pub collected_at: String,
    /// `collectedAt` in Unix seconds.
    pub collected_unix: i64,
    /// `host.hostname`.
    pub hostname: String,
    /// `host.resourceId`, when given.
    pub resource_id: Option<String>,
    /// What identifies the host across snapshots: the lower-cased resource id, else the
    /// machine id, else the lower-cased hostname.
    pub host_key: String,
}

/// The `kind` that marks an agent snapshot among inventory documents.
pub const SNAPSHOT_KIND: &str = "posture-agent-snapshot";

const SNAPSHOT_SCHEMA: &str = "agent-snapshot";

const SCHEMA: &str = "inventory";

/// At most this many duplicate-id warnings are located per file; the rest are counted.
const MAX_DUPLICATE_ID_WARNINGS: usize = 100;

const SHAPES_HELP: &str = "accepted inventory documents: a JSON array of resources; \
    {\"data\": [...]} (az graph query, Resource Graph REST); {\"value\": [...]} (ARM list \
    responses); a single resource object with \"id\" and \"type\"; YAML of the same shapes; \
    NDJSON with one resource object per line";

/// Loads every inventory under `paths`. Returns the inventory and the configuration files
/// (`posture.yaml`) found inside folders. All problems go to `problems`; resources of files
/// (and NDJSON lines) without errors are kept even when other files fail.
pub fn load_inventory(
    paths: &[PathBuf],
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> (Inventory, Vec<PathBuf>) {
    load_inventory_with(paths, &LoadOptions::default(), sources, problems)
}

/// [`load_inventory`] with explicit options.
pub fn load_inventory_with(
    paths: &[PathBuf],
    opts: &LoadOptions,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> (Inventory, Vec<PathBuf>) {
    load_in_batches(paths, opts, BATCH_BYTES, sources, problems)
}

/// Inputs are read and parsed in batches of files of about this many bytes. Between
/// batches, the text of every file whose resources all know their place (NDJSON lines) is
/// dropped: at 1,000,000 resources (1.6 GB of NDJSON in ten files) all texts at once were a
/// fifth of the peak, and their memory now holds the next batch's text and values instead
/// of fresh pages. Inputs under this size are one batch, read as before.
const BATCH_BYTES: u64 = 512 << 20;

/// Consecutive runs of `found` holding at least `batch_bytes` each (the last may hold less),
/// by the sizes the file system reports (a file it cannot stat counts as empty; reading it
/// reports the problem), and the size of them all.
fn batches(found: &[Discovered], batch_bytes: u64) -> (Vec<&[Discovered]>, u64) {
    let mut out = Vec::new();
    let (mut start, mut bytes, mut all) = (0usize, 0u64, 0u64);
    for (i, d) in found.iter().enumerate() {
        let size = std::fs::metadata(&d.path).map_or(0, |m| m.len());
        all = all.saturating_add(size);
        bytes = bytes.saturating_add(size);
        if bytes >= batch_bytes {
            out.extend(found.get(start..=i));
            (start, bytes) = (i + 1, 0);
        }
    }
    if start < found.len() || out.is_empty() {
        out.extend(found.get(start..));
    }
    (out, all)
}

/// [`load_inventory_with`] with the batch size as a parameter (tests use tiny batches).
fn load_in_batches(
    paths: &[PathBuf],
    opts: &LoadOptions,
    batch_bytes: u64,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> (Inventory, Vec<PathBuf>) {
    let (found, configs) = discover(paths, problems);
    let mut inputs = Vec::new();
    let mut formats: HashMap<SourceId, Format> = HashMap::new();
    let mut snapshots = Vec::new();
    let mut spans = SpanCache::default();
    let mut read = Vec::new();
    let mut parsed = Vec::new();
    // Whether each file read had its text dropped between batches (parallel to `read`).
    let mut released: Vec<bool> = Vec::new();
    // Read problems of every batch come before any parse problem, as in one batch.
    let mut read_problems = Problems::default();
    let (batches, bytes) = batches(&found, batch_bytes);
    opts.progress.expect_bytes(bytes);
    let several = batches.len() > 1;
    for batch in batches {
        let first = read.len();
        let mut boms = Vec::new();
        for (d, got) in batch
            .iter()
            .zip(read_sources(batch, opts, sources, &mut read_problems))
        {
            if let Some((id, bom)) = got {
                formats.insert(id, d.format);
                if let Some(file) = sources.get(id).cloned() {
                    read.push((d, id, String::new(), file));
                    boms.push(bom);
                }
            }
        }
        let mine = read.get_mut(first..).unwrap_or_default();
        let hash = |files: &[_]| -> Vec<String> {
            files
                .iter()
                .zip(&boms)
                .map(|((_, _, _, file), &bom): (&Read<'_>, _)| {
                    super::text::sha256_of(&file.text, bom)
                })
                .collect()
        };
        // Files are parsed and checked on `jobs` threads, then merged in discovery order, so
        // the result (and which duplicate wins) does not depend on the thread count. With
        // more than one job they are hashed on one more thread meanwhile: parsing has
        // stretches on one thread (a large JSON list is scanned for its elements first).
        let files: &[Read<'_>] = mine;
        let (found, hashes) = if opts.jobs > 1 {
            std::thread::scope(|scope| {
                let hashing = scope.spawn(|| hash(files));
                let found = parse_files(files, opts.jobs, PIECE_BYTES, &opts.progress);
                // A hashing thread that died (a bug): hash here.
                (found, hashing.join().unwrap_or_else(|_| hash(files)))
            })
        } else {
            (
                parse_files(files, opts.jobs, PIECE_BYTES, &opts.progress),
                hash(files),
            )
        };
        for (entry, sha256) in mine.iter_mut().zip(hashes) {
            entry.2 = sha256;
        }
        parsed.extend(found);
        let entries = read.iter_mut().zip(parsed.iter()).skip(first);
        for ((_, id, _, file), p) in entries {
            let release = several && text_unneeded(p);
            if release {
                sources.release(*id);
                file.text = std::sync::Arc::default();
            }
            released.push(release);
        }
    }
    problems.extend(read_problems.into_vec());
    let merged = merge_by_key(&parsed, opts.jobs);
    // The files a duplicate-id warning points into need their text back.
    let mut restored = Vec::new();
    for (fi, file) in restore_texts(&merged, &read, &released, opts, sources) {
        if let Some(entry) = read.get_mut(fi) {
            restored.push(entry.1);
            entry.3 = file;
        }
    }
    for (fi, (d, _, sha256, file)) in read.into_iter().enumerate() {
        let Some(Some((resources, found, local))) = parsed.get_mut(fi) else {
            problems.push(
                Problem::error(
                    codes::INTERNAL,
                    "this file could not be read (a worker thread stopped)",
                )
                .in_file(file.path.clone()),
            );
            continue;
        };
        problems.extend(std::mem::take(local).into_vec());
        let kind = if resources.is_empty() && !found.is_empty() {
            "agent-snapshot"
        } else {
            "inventory"
        };
        inputs.push(InputFile {
            path: d.display.clone(),
            sha256,
            kind: kind.to_string(),
        });
        snapshots.append(found);
        // This file's resources whose id was read before (in an earlier file, or earlier
        // in this one), in the file's order, each with the one it replaces.
        let repeats = merged
            .repeats
            .get(merged.repeats.partition_point(|x| x.again.0 < fi)..)
            .unwrap_or_default()
            .iter()
            .take_while(|x| x.again.0 == fi);
        let mut duplicates = 0usize;
        for x in repeats {
            duplicates += 1;
            if duplicates > MAX_DUPLICATE_ID_WARNINGS {
                continue;
            }
            let (Some(earlier), Some(r)) = (
                resource_at(&parsed, x.earlier),
                resource_at(&parsed, x.again),
            ) else {
                continue;
            };
            let first = place(sources, &formats, &mut spans, &earlier.origin);
            let warning = |again: (usize, usize)| {
                let msg = format!(
                    "resource id {:?} is read twice: at {first} and at {}:{}:{}; the later one is used",
                    r.id, file.path, again.0, again.1
                );
                Problem::warning(codes::DUPLICATE_ID, msg)
                    .with_help("ids are case-insensitive; remove one copy or read one file")
            };
            let problem = match r.origin.place.filter(|_| file.text.is_empty()) {
                // Released, and changed since: the place found while parsing, no snippet.
                Some(again) => warning(again).in_file(file.path.clone()),
                None => {
                    let (o, l) = span_of(&mut spans, &file, d.format, &r.origin.pointer);
                    let again = crate::source::line_col_of(&file.text, o);
                    warning(again).at(&file, o, l, "this one is used")
                }
            };
            problems.push(problem);
        }
        if duplicates > MAX_DUPLICATE_ID_WARNINGS {
            let more = duplicates - MAX_DUPLICATE_ID_WARNINGS;
            let warning = Problem::warning(
                codes::DUPLICATE_ID,
                format!("and {more} more resources in this file repeat an id read before"),
            );
            problems.push(if file.text.is_empty() {
                warning.in_file(file.path.clone())
            } else {
                warning.at(&file, file.text.len(), 0, "not all shown")
            });
        }
    }
    // The winners, moved out in key order.
    let mut slots: Vec<Vec<Option<Resource>>> = parsed
        .into_iter()
        .map(|p| {
            p.map_or_else(Vec::new, |(resources, _, _)| {
                resources.into_iter().map(Some).collect()
            })
        })
        .collect();
    let resources = merged
        .winners
        .iter()
        .filter_map(|&(fi, i)| slots.get_mut(fi)?.get_mut(i)?.take())
        .collect();
    for id in restored {
        sources.release(id);
    }
    let inventory = Inventory {
        resources,
        inputs,
        snapshots,
    };
    (inventory, configs)
}

/// Whether a parsed file's text has no further use: every resource knows its place and the
/// file holds no agent snapshot (snapshots point into their text later).
fn text_unneeded(p: &Option<Parsed>) -> bool {
    p.as_ref().is_some_and(|(resources, snapshots, _)| {
        snapshots.is_empty() && resources.iter().all(|r| r.origin.place.is_some())
    })
}

/// Reads again the released files that a duplicate-id warning points into, when they still
/// hold the bytes read first (same sha256), and puts their text back in `sources`; returns
/// them by index into `read`. A file that changed or vanished since stays without text: its
/// warnings then give the places found while parsing, without a snippet. (Duplicates in
/// every file of a large estate bring every text back at once: memory of the old peak,
/// for an estate that needs fixing anyway.)
fn restore_texts(
    merged: &Merged,
    read: &[(&Discovered, SourceId, String, SourceFile)],
    released: &[bool],
    opts: &LoadOptions,
    sources: &mut SourceMap,
) -> Vec<(usize, SourceFile)> {
    if !released.contains(&true) {
        return Vec::new();
    }
    let mut wanted: Vec<usize> = merged
        .repeats
        .iter()
        .flat_map(|x| [x.again.0, x.earlier.0])
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut out = Vec::new();
    for fi in wanted {
        let (Some((d, id, sha256, _)), Some(true)) = (read.get(fi), released.get(fi)) else {
            continue;
        };
        let Ok(again) = super::text::read(&d.path, &d.display, opts.max_file_bytes) else {
            continue;
        };
        if again.sha256 != *sha256 {
            continue;
        }
        sources.restore(*id, again.text);
        if let Some(file) = sources.get(*id) {
            out.push((fi, file.clone()));
        }
    }
    out
}

/// Where a resource is: (file, index among the file's resources).
type At = (usize, usize);

/// The resources of all files merged by key.
struct Merged {
    /// The resource kept for each id (the last read), in key order.
    winners: Vec<At>,
    /// Every resource whose id was read before, with the one it replaces (the one read just
    /// before it), ordered by file and position in the file.
    repeats: Vec<Repeat>,
}

struct Repeat {
    again: At,
    earlier: At,
}

/// Orders every resource by key, files and positions breaking ties, as reading the files one
/// after the other into an ordered map would (the last read wins), but each file's
/// resources are ordered on `jobs` threads and the sorted runs then merged: one map
/// insertion per resource took seconds at 1,000,000 resources.
fn merge_by_key(parsed: &[Option<Parsed>], jobs: usize) -> Merged {
    let runs = crate::parallel::map(parsed, jobs, key_order);
    let mut all: Vec<(&str, At)> =
        Vec::with_capacity(parsed.iter().flatten().map(|p| p.0.len()).sum());
    for (fi, (run, p)) in runs.into_iter().zip(parsed).enumerate() {
        // A worker that died (a bug): that file is ordered here rather than lost.
        let run = run.unwrap_or_else(|| key_order(p));
        all.extend(
            run.into_iter()
                .filter_map(|i| Some((resource_at(parsed, (fi, i))?.key.as_ref(), (fi, i)))),
        );
    }
    // Stable, on sorted runs: equal keys stay in file order, and the merge costs little.
    all.sort_by(|a, b| a.0.cmp(b.0));
    let mut winners = Vec::with_capacity(all.len());
    let mut repeats = Vec::new();
    for group in all.chunk_by(|a, b| a.0 == b.0) {
        for pair in group.windows(2) {
            if let [(_, earlier), (_, again)] = pair {
                repeats.push(Repeat {
                    again: *again,
                    earlier: *earlier,
                });
            }
        }
        winners.extend(group.last().map(|(_, at)| *at));
    }
    repeats.sort_unstable_by_key(|x| x.again);
    Merged { winners, repeats }
}

/// The positions of a file's resources, ordered by key (then position).
fn key_order(p: &Option<Parsed>) -> Vec<usize> {
    let resources = p
        .as_ref()
        .map_or(&[][..], |(resources, _, _)| resources.as_slice());
    let key = |i: usize| resources.get(i).map_or("", |r| r.key.as_ref());
    let mut order: Vec<usize> = (0..resources.len()).collect();
    order.sort_unstable_by(|&a, &b| key(a).cmp(key(b)).then(a.cmp(&b)));
    order
}

fn resource_at(parsed: &[Option<Parsed>], (fi, i): At) -> Option<&Resource> {
    parsed.get(fi)?.as_ref()?.0.get(i)
}

/// What one file holds: its resources, its agent snapshots and the problems found.
type Parsed = (Vec<Resource>, Vec<Snapshot>, Problems);

/// A file read: how it was found, its id, the sha256 of its bytes and its text.
type Read<'a> = (&'a Discovered, SourceId, String, SourceFile);

/// The resources, snapshots and problems of each file read, parallel to `read`. Work is
/// spread over `jobs` threads by file, and by piece within a large NDJSON file or JSON
/// document; each file's result is the same as parsing it whole on one thread.
fn parse_files(
    read: &[(&Discovered, SourceId, String, SourceFile)],
    jobs: usize,
    piece_bytes: usize,
    progress: &crate::progress::Progress,
) -> Vec<Option<Parsed>> {
    let whole = |(d, id, _, file): &(&Discovered, SourceId, String, SourceFile)| {
        let mut local = Problems::default();
        let (resources, found) = file_resources(file, *id, d.format, &mut local);
        (resources, found, local)
    };
    // The resource list of each JSON document, found by scanning, so that its elements are
    // parsed in pieces like an NDJSON file's lines and each resource knows its place.
    let lists: Vec<Option<Listed>> = crate::parallel::map(read, jobs, |(d, _, _, file)| {
        (d.format == Format::Json).then(|| listed(file)).flatten()
    })
    .into_iter()
    .map(Option::flatten)
    .collect();
    // Pieces of the large files, numbered (for NDJSON) by a first, cheap pass (line breaks
    // and values per piece), so that each piece knows its first line and value. Only when
    // there are too few large files to keep every thread busy: each piece shares keys and
    // strings within itself only, so pieces cost memory (about 3% at 1,000,000 resources).
    let large = |fi: usize| {
        read.get(fi).is_some_and(|(d, _, _, file)| {
            let piecewise =
                d.format == Format::Ndjson || lists.get(fi).is_some_and(Option::is_some);
            piecewise && file.text.len() >= 2 * piece_bytes
        })
    };
    let split_large = jobs > 1 && (0..read.len()).filter(|&fi| large(fi)).count() < 2 * jobs;
    let mut pieces: Vec<(usize, ndjson::Piece)> = Vec::new();
    for (fi, entry) in read.iter().enumerate() {
        let (d, _, _, file) = entry;
        if split_large && large(fi) && d.format == Format::Ndjson {
            let split = ndjson::split(&file.text, piece_bytes);
            pieces.extend(split.into_iter().map(|p| (fi, p)));
        }
    }
    let counts = crate::parallel::map(&pieces, jobs, |(fi, p)| {
        read.get(*fi)
            .map(|(_, _, _, file)| ndjson::count(&file.text, p))
    });
    let mut work: Vec<Work<'_>> = Vec::new();
    // How each file is parsed: whole, in NDJSON pieces, or as list elements.
    let mut how = vec![How::Whole; read.len()];
    for (fi, (d, id, _, file)) in read.iter().enumerate() {
        let unit = |part| Work {
            file: fi,
            part,
            source: file,
            id: *id,
            format: d.format,
        };
        if let Some(Some(list)) = lists.get(fi) {
            let size = if split_large && large(fi) {
                piece_bytes
            } else {
                usize::MAX
            };
            work.extend(
                list.parts(size)
                    .into_iter()
                    .map(|r| unit(Part::Elements(r))),
            );
            if let Some(h) = how.get_mut(fi) {
                *h = How::Elements;
            }
            continue;
        }
        let range =
            pieces.partition_point(|(f, _)| *f < fi)..pieces.partition_point(|(f, _)| *f <= fi);
        let mut mine: Vec<ndjson::Piece> = pieces
            .get(range.clone())
            .unwrap_or_default()
            .iter()
            .map(|(_, p)| *p)
            .collect();
        // Every piece counted, or the file is parsed whole (a counting worker died: a bug).
        let mine_counts: Option<Vec<(usize, usize)>> = counts
            .get(range)
            .unwrap_or_default()
            .iter()
            .map(|c| c.flatten())
            .collect();
        match mine_counts {
            Some(c) if !mine.is_empty() => {
                ndjson::number(&mut mine, &c);
                work.extend(mine.into_iter().map(|p| unit(Part::Lines(p))));
                if let Some(h) = how.get_mut(fi) {
                    *h = How::Lines;
                }
            }
            _ => work.push(unit(Part::Whole)),
        }
    }
    let done = crate::parallel::map(&work, jobs, |w| {
        let list = lists.get(w.file).and_then(Option::as_ref);
        let done = match &w.part {
            Part::Whole => Done::Whole(read.get(w.file).map(whole)),
            Part::Lines(p) => Done::Piece(piece_resources(w, p)),
            Part::Elements(range) => {
                Done::Elements(list.and_then(|list| element_resources(w, list, range.clone())))
            }
        };
        progress.loaded(w.bytes(list), done.resources());
        done
    });
    // Whole files' results go straight out; pieces are gathered per file, in order.
    let mut out: Vec<Option<Parsed>> = read.iter().map(|_| None).collect();
    let mut gathered: Vec<Option<Vec<PieceResult>>> =
        read.iter().map(|_| Some(Vec::new())).collect();
    let mut elements: Vec<Option<Vec<Resource>>> = read.iter().map(|_| Some(Vec::new())).collect();
    for (w, result) in work.iter().zip(done) {
        match result {
            Some(Done::Whole(parsed)) => {
                if let Some(slot) = out.get_mut(w.file) {
                    *slot = parsed;
                }
            }
            Some(Done::Piece(piece)) => {
                if let Some(Some(list)) = gathered.get_mut(w.file) {
                    list.push(piece);
                }
            }
            Some(Done::Elements(Some(resources))) => {
                if let Some(Some(list)) = elements.get_mut(w.file) {
                    list.extend(resources);
                }
            }
            // A worker that died (a bug): a whole file is reported unread by the caller; a
            // file with a lost piece is parsed whole below, as is a list with an element
            // that is not a plain resource (its pieces' work is lost: that is the path of
            // a document with problems to report).
            Some(Done::Elements(None)) | None => {
                if let Some(slot) = gathered.get_mut(w.file) {
                    *slot = None;
                }
                if let Some(slot) = elements.get_mut(w.file) {
                    *slot = None;
                }
            }
        }
    }
    for (fi, entry) in read.iter().enumerate() {
        let (d, _, _, file) = entry;
        let result = match how.get(fi) {
            Some(How::Lines) => {
                let mut local = Problems::default();
                gathered
                    .get_mut(fi)
                    .and_then(Option::take)
                    .and_then(|list| join_pieces(file, d.format, list, &mut local))
                    .map(|(resources, snapshots)| (resources, snapshots, local))
                    .unwrap_or_else(|| whole(entry))
            }
            // Plain resources only: no problem to report, as for a plain document parsed
            // whole (see `Collector::whole`).
            Some(How::Elements) => elements
                .get_mut(fi)
                .and_then(Option::take)
                .map(|resources| (resources, Vec::new(), Problems::default()))
                .unwrap_or_else(|| whole(entry)),
            _ => continue,
        };
        if let Some(slot) = out.get_mut(fi) {
            *slot = Some(result);
        }
    }
    out
}

/// How [`parse_files`] parses one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    Whole,
    Lines,
    Elements,
}

/// A JSON document's resource list as found by scanning (see [`locate::json_list`]), with
/// the place of each element.
struct Listed {
    pointer: &'static str,
    elements: Vec<(usize, usize)>,
    places: Vec<(usize, usize)>,
}

impl Listed {
    /// Runs of consecutive elements of at least `size` bytes each (the last may be shorter);
    /// one run, possibly empty, when the list is smaller.
    fn parts(&self, size: usize) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        let mut from = 0;
        let mut bytes = 0usize;
        for (i, (start, end)) in self.elements.iter().enumerate() {
            bytes = bytes.saturating_add(end - start);
            if bytes >= size {
                out.push(from..i + 1);
                from = i + 1;
                bytes = 0;
            }
        }
        if from < self.elements.len() || out.is_empty() {
            out.push(from..self.elements.len());
        }
        out
    }
}

/// How deeply an element or other member of a listed document may nest. serde_json refuses
/// more than 127 levels counted from the top of the document, so an element parsed alone
/// could pass where the whole document fails; a deeper document is parsed whole, which
/// reports it.
const LIST_MAX_DEPTH: usize = 100;

/// The resource list of a JSON document whose outline and other members are sound;
/// `None` sends the document down the whole path.
fn listed(file: &SourceFile) -> Option<Listed> {
    let list = locate::json_list(&file.text)?;
    if list.deepest > LIST_MAX_DEPTH {
        return None;
    }
    // The members beside the list must parse as the whole document's parse would have
    // required (no syntax error, no duplicate key).
    let mut scratch = super::value::Interner::default();
    for &(start, end) in &list.others {
        super::value::engine_document(file.text.get(start..end)?, &mut scratch)?;
    }
    let mut walk = crate::source::LineWalk::default();
    let places = list
        .elements
        .iter()
        .map(|&(start, _)| walk.to(&file.text, start))
        .collect();
    Some(Listed {
        pointer: list.pointer,
        elements: list.elements,
        places,
    })
}

/// The resources of elements `range` of a listed document, as [`plain_document`] gives
/// them; `None` when one of them is not a plain resource (the document is then parsed
/// whole, which reports why).
fn element_resources(
    w: &Work<'_>,
    list: &Listed,
    range: std::ops::Range<usize>,
) -> Option<Vec<Resource>> {
    let mut interner = super::value::Interner::default();
    let mut out = Vec::with_capacity(range.len());
    for i in range {
        let &(start, end) = list.elements.get(i)?;
        let entries = super::value::object_entries(w.source.text.get(start..end)?, &mut interner)?;
        let origin = Origin {
            source: w.id,
            pointer: format!("{}/{i}", list.pointer),
            place: list.places.get(i).copied(),
        };
        out.push(plain_resource(entries, origin, &mut interner)?);
    }
    Some(out)
}

/// A unit of work's result.
enum Done {
    Whole(Option<Parsed>),
    Piece(PieceResult),
    Elements(Option<Vec<Resource>>),
}

impl Done {
    /// How many resources it found (for the progress bar).
    fn resources(&self) -> u64 {
        let n = match self {
            Done::Whole(parsed) => parsed.as_ref().map_or(0, |(r, _, _)| r.len()),
            Done::Piece(piece) => piece.resources.len(),
            Done::Elements(found) => found.as_ref().map_or(0, Vec::len),
        };
        n as u64
    }
}

/// `file:line:col` of a resource, for messages.
fn place(
    sources: &SourceMap,
    formats: &HashMap<SourceId, Format>,
    spans: &mut SpanCache,
    origin: &Origin,
) -> String {
    let Some(file) = sources.get(origin.source) else {
        return origin.pointer.clone();
    };
    if let Some((line, col)) = origin.place.filter(|_| file.text.is_empty()) {
        // A released text that could not be read again: the place found while parsing.
        return format!("{}:{line}:{col}", file.path);
    }
    let format = formats
        .get(&origin.source)
        .copied()
        .unwrap_or_else(|| Format::detect(&file.path, &file.text));
    let (o, _) = span_of(spans, file, format, &origin.pointer);
    let (line, col) = crate::source::line_col_of(&file.text, o);
    format!("{}:{line}:{col}", file.path)
}

fn span_of(
    spans: &mut SpanCache,
    file: &SourceFile,
    format: Format,
    pointer: &str,
) -> (usize, usize) {
    spans
        .span(file, format, pointer)
        .map_or((0, 0), |s| locate::first_line(&file.text, s))
}

/// The resources and agent snapshots of one file's text, in document order; problems are
/// pushed as found. The entry point for fuzzing: no file system involved.
pub fn resources_from_text(
    file: &SourceFile,
    id: SourceId,
    format: Format,
    problems: &mut Problems,
) -> (Vec<Resource>, Vec<Snapshot>) {
    file_resources(file, id, format, problems)
}

/// One NDJSON line's resource built straight from the parser (`.0`, when the line takes that
/// path) and through the JSON tree, the schema and [`resource`] (`.1`, `None` when that path
/// reports a problem or the line is an agent snapshot): the entry point for fuzzing the
/// first against the second.
pub fn line_resource_both_ways(line: &str) -> (Option<Resource>, Option<Resource>) {
    let origin = Origin {
        source: 0,
        pointer: "/0".into(),
        place: Some((1, 1)),
    };
    let mut interner = super::value::Interner::default();
    let fast = super::value::object_entries(line, &mut interner)
        .and_then(|entries| plain_resource(entries, origin.clone(), &mut interner));
    let file = SourceFile {
        path: "line.ndjson".into(),
        text: std::sync::Arc::new(line.to_string()),
    };
    let mut budget = Budget::new(&file, Format::Ndjson);
    let mut problems = Problems::default();
    let general = super::json::parse_value(line, "/0")
        .ok()
        .filter(|(value, dups)| dups.is_empty() && !is_snapshot(value))
        .and_then(|(value, _)| {
            let mut interner = super::value::Interner::default();
            resource(value, origin, &mut budget, &mut interner, &mut problems)
        })
        .filter(|_| problems.all().is_empty());
    (fast, general)
}

/// A JSON document's resources built straight from the parser (`.0`, when the document
/// takes that path) and through the JSON tree, the schema and [`resource`] (`.1`, `None`
/// when that path reports any problem): the entry point for fuzzing the first against the
/// second.
pub fn document_resources_both_ways(text: &str) -> (Option<Vec<Resource>>, Option<Vec<Resource>>) {
    let mut interner = super::value::Interner::default();
    let fast = plain_document(text, 0, &mut interner);
    let file = SourceFile {
        path: "document.json".into(),
        text: std::sync::Arc::new(text.to_string()),
    };
    let mut c = Collector::new(&file, 0, Format::Json);
    let (docs, dups, problems) = super::json::parse(&file);
    for doc in docs {
        c.document(doc);
    }
    let clean = dups.is_empty() && problems.is_empty() && c.found.all().is_empty();
    (fast, clean.then_some(c.resources))
}

/// [`resources_from_text`] for an NDJSON text cut into pieces of about `piece_bytes` bytes,
/// parsed on two threads and joined, as a large file is loaded: the entry point for fuzzing
/// the pieces against the whole text.
pub fn ndjson_resources_in_pieces(
    file: &SourceFile,
    id: SourceId,
    piece_bytes: usize,
    problems: &mut Problems,
) -> (Vec<Resource>, Vec<Snapshot>) {
    resources_in_pieces(file, id, Format::Ndjson, piece_bytes, problems)
}

/// [`resources_from_text`] for a JSON document whose resource list is cut into pieces of
/// about `piece_bytes` bytes, parsed on two threads and joined, as a large document is
/// loaded: the entry point for fuzzing the pieces against the whole text. Resources taken
/// this way know their place; the whole path leaves it to the locator.
pub fn json_resources_in_pieces(
    file: &SourceFile,
    id: SourceId,
    piece_bytes: usize,
    problems: &mut Problems,
) -> (Vec<Resource>, Vec<Snapshot>) {
    resources_in_pieces(file, id, Format::Json, piece_bytes, problems)
}

/// One file through [`parse_files`] on two threads, with pieces of `piece_bytes`.
fn resources_in_pieces(
    file: &SourceFile,
    id: SourceId,
    format: Format,
    piece_bytes: usize,
    problems: &mut Problems,
) -> (Vec<Resource>, Vec<Snapshot>) {
    let d = Discovered {
        path: file.path.clone().into(),
        display: file.path.clone(),
        format,
    };
    let read = [(&d, id, String::new(), file.clone())];
    let parsed = parse_files(&read, 2, piece_bytes, &crate::progress::Progress::hidden())
        .into_iter()
        .next()
        .flatten();
    let (resources, snapshots, found) = parsed.unwrap_or_default();
    problems.extend(found.into_vec());
    (resources, snapshots)
}

/// The resources and agent snapshots of one file, in document order; problems are pushed
/// as found.
fn file_resources(
    file: &SourceFile,
    id: SourceId,
    format: Format,
    problems: &mut Problems,
) -> (Vec<Resource>, Vec<Snapshot>) {
    let mut c = Collector::new(file, id, format);
    let parsed = for_each_document_in(file, format, &mut c);
    problems.extend(parsed);
    // Problems of the documents, after those of parsing (the order of a whole parse).
    problems.extend(c.found.into_vec());
    c.budget.finish(problems);
    (c.resources, c.snapshots)
}

/// What the documents of one file (or of one piece of it) hold.
struct Collector<'f> {
    file: &'f SourceFile,
    id: SourceId,
    format: Format,
    budget: Budget<'f>,
    interner: super::value::Interner,
    resources: Vec<Resource>,
    snapshots: Vec<Snapshot>,
    /// Problems of the documents.
    found: Problems,
}

impl<'f> Collector<'f> {
    fn new(file: &'f SourceFile, id: SourceId, format: Format) -> Self {
        Self {
            file,
            id,
            format,
            budget: Budget::new(file, format),
            interner: super::value::Interner::default(),
            resources: Vec::new(),
            snapshots: Vec::new(),
            found: Problems::default(),
        }
    }

    fn document(&mut self, doc: Document) {
        if is_snapshot(&doc.value) {
            let s = snapshot(
                doc.value,
                doc.pointer,
                self.id,
                &mut self.budget,
                &mut self.found,
            );
            self.snapshots.extend(s);
            return;
        }
        let items: Vec<(String, Value)> = match doc.kind {
            DocumentKind::Line => vec![(doc.pointer, doc.value)],
            DocumentKind::Whole => shape_items(
                self.file,
                self.format,
                &doc.pointer,
                doc.value,
                &mut self.budget,
                &mut self.found,
            ),
        };
        // Only a line's single resource has a place known while parsing.
        let place = doc.place.filter(|_| items.len() == 1);
        for (pointer, value) in items {
            let origin = Origin {
                source: self.id,
                pointer,
                place,
            };
            let r = resource(
                value,
                origin,
                &mut self.budget,
                &mut self.interner,
                &mut self.found,
            );
            self.resources.extend(r);
        }
    }
}

impl super::Sink for Collector<'_> {
    /// A line holding a plain resource (an object without duplicate keys that the schema
    /// accepts, see [`plain_resource`]) becomes its resource straight from the parser, with
    /// no JSON tree; every other line takes the general path, which reports its problems.
    fn line(&mut self, text: &str, pointer: &str, place: (usize, usize)) -> bool {
        let Some(entries) = super::value::object_entries(text, &mut self.interner) else {
            return false;
        };
        let origin = Origin {
            source: self.id,
            pointer: pointer.to_string(),
            place: Some(place),
        };
        match plain_resource(entries, origin, &mut self.interner) {
            Some(r) => {
                self.resources.push(r);
                true
            }
            None => false,
        }
    }

    /// A JSON document whose every resource is plain (see [`plain_resource`]) in one of the
    /// shapes of [`shape_items`] (an array, `{"data": [...]}`, `{"value": [...]}`, one
    /// resource) becomes its resources straight from the parser; any other document takes
    /// the general path whole.
    fn whole(&mut self, text: &str) -> bool {
        match plain_document(text, self.id, &mut self.interner) {
            Some(resources) => {
                self.resources.extend(resources);
                true
            }
            None => false,
        }
    }

    fn document(&mut self, doc: Document) {
        Collector::document(self, doc);
    }
}

/// The resources of a JSON document when they are all plain, as [`shape_items`] and
/// [`resource`] give them from the tree (the envelope's schema holds whenever the list is an
/// array); `None` when the general path must see the document.
fn plain_document(
    text: &str,
    source: SourceId,
    interner: &mut super::value::Interner,
) -> Option<Vec<Resource>> {
    use regorus::Value as V;
    let value = super::value::engine_document(text, interner)?;
    let V::Object(top) = &value else {
        return plain_items(&value, "", source, interner);
    };
    if top.contains_key(&V::from("id")) {
        let origin = Origin {
            source,
            pointer: String::new(),
            place: None,
        };
        return Some(vec![plain_resource(entries_of(top), origin, interner)?]);
    }
    let key = ["data", "value"]
        .into_iter()
        .find(|k| top.contains_key(&V::from(*k)))?;
    plain_items(
        top.get(&V::from(key))?,
        &format!("/{key}"),
        source,
        interner,
    )
}

/// The resources of a list whose every item is a plain resource object.
fn plain_items(
    list: &regorus::Value,
    base: &str,
    source: SourceId,
    interner: &mut super::value::Interner,
) -> Option<Vec<Resource>> {
    let regorus::Value::Array(items) = list else {
        return None;
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let regorus::Value::Object(obj) = item else {
            return None;
        };
        let origin = Origin {
            source,
            pointer: format!("{base}/{i}"),
            place: None,
        };
        out.push(plain_resource(entries_of(obj), origin, interner)?);
    }
    Some(out)
}

fn entries_of(obj: &regorus::value::Object) -> Vec<(regorus::Value, regorus::Value)> {
    obj.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// The resource of a line's top-level object (`entries`, sorted by key), built as
/// [`resource`] builds it from the JSON tree, when the inventory schema's `resource`
/// accepts the object; `None` otherwise, and for an agent snapshot. The checks below are
/// that schema's, written out (a test compares them with the schema on every kind of value
/// of every field it names): a line they turn away goes through the schema, which says why.
fn plain_resource(
    mut entries: Vec<(regorus::Value, regorus::Value)>,
    origin: Origin,
    interner: &mut super::value::Interner,
) -> Option<Resource> {
    use regorus::Value as V;
    fn field<'a>(entries: &'a [(V, V)], name: &str) -> Option<&'a V> {
        let at = entries
            .binary_search_by(|(k, _)| match k {
                V::String(s) => s.as_ref().cmp(name),
                _ => std::cmp::Ordering::Less,
            })
            .ok()?;
        entries.get(at).map(|(_, v)| v)
    }
    let string_or_null =
        |name: &str| matches!(field(&entries, name), None | Some(V::Null | V::String(_)));
    let object_or_null =
        |name: &str| matches!(field(&entries, name), None | Some(V::Null | V::Object(_)));
    let string_if_present = |name: &str| matches!(field(&entries, name), None | Some(V::String(_)));
    let tags_ok = match field(&entries, "tags") {
        None | Some(V::Null) => true,
        Some(V::Object(tags)) => tags.values().all(|v| matches!(v, V::String(_))),
        Some(_) => false,
    };
    let snapshot =
        matches!(field(&entries, "kind"), Some(V::String(k)) if k.as_ref() == SNAPSHOT_KIND);
    // The value's own string: the resource's id is not copied.
    let id = match field(&entries, "id") {
        Some(V::String(s)) if !s.is_empty() => s.clone(),
        _ => return None,
    };
    let kind = match field(&entries, "type") {
        // The schema's pattern ^[^/]+(/[^/]+)+$: two or more non-empty segments.
        Some(V::String(t)) if t.contains('/') && t.split('/').all(|seg| !seg.is_empty()) => {
            t.to_string()
        }
        _ => return None,
    };
    let valid = !snapshot
        && tags_ok
        && ["name", "location", "kind"].into_iter().all(string_or_null)
        && ["sku", "identity", "properties"]
            .into_iter()
            .all(object_or_null)
        && ["subscriptionId", "resourceGroup", "tenantId"]
            .into_iter()
            .all(string_if_present);
    if !valid {
        return None;
    }
    // As `fill` does in the tree: a non-empty string stays, an empty or missing one takes the
    // value derived from the id.
    let mut fill = |name: &str, derived: Option<&str>| -> Option<regorus::Rc<str>> {
        if let Some(V::String(s)) = field(&entries, name) {
            if !s.is_empty() {
                return Some(interner.get(s));
            }
        }
        let derived = derived?;
        let key = V::String(interner.get(name));
        let value = interner.string(derived);
        match entries.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(at) => {
                if let Some(slot) = entries.get_mut(at) {
                    slot.1 = value;
                }
            }
            Err(at) => entries.insert(at, (key, value)),
        }
        Some(interner.get(derived))
    };
    let (derived_sub, derived_rg) = scope_of(&id);
    let scope = (
        fill("subscriptionId", derived_sub),
        fill("resourceGroup", derived_rg),
    );
    let value = V::Object(regorus::Rc::new(
        regorus::value::Object::from_sorted_entries(entries),
    ));
    Some(Resource::named(
        id,
        interner.kind(&kind),
        scope,
        value,
        origin,
    ))
}

/// An NDJSON file or JSON list at least twice this large is parsed in pieces of this size on
/// all threads, so one large export loads as fast as the same resources in several files.
const PIECE_BYTES: usize = 16 << 20;

/// One unit of parsing work: a whole file, or a piece of a large NDJSON file or JSON
/// document.
struct Work<'a> {
    /// Index into the files read.
    file: usize,
    part: Part,
    source: &'a SourceFile,
    id: SourceId,
    format: Format,
}

/// What a unit of work covers.
enum Part {
    Whole,
    /// A run of lines of an NDJSON file.
    Lines(ndjson::Piece),
    /// A run of elements of a JSON document's resource list.
    Elements(std::ops::Range<usize>),
}

impl Work<'_> {
    /// The bytes of its file it covers, for the progress bar: the units of one file cover
    /// the whole text between them (a list's first run from the start of the text, its
    /// last to the end, each other from its first element to the next run's).
    fn bytes(&self, list: Option<&Listed>) -> u64 {
        let text = self.source.text.len();
        let (start, end) = match &self.part {
            Part::Whole => (0, text),
            Part::Lines(p) => (p.start, p.end),
            Part::Elements(range) => {
                let at = |i: usize| {
                    list.and_then(|l| l.elements.get(i))
                        .map_or(text, |&(start, _)| start)
                };
                let start = if range.start == 0 { 0 } else { at(range.start) };
                (start, at(range.end))
            }
        };
        end.saturating_sub(start) as u64
    }
}

/// What one piece of an NDJSON file holds, before the pieces are joined.
struct PieceResult {
    resources: Vec<Resource>,
    snapshots: Vec<Snapshot>,
    dups: Vec<super::DuplicateKey>,
    parsed: Vec<Problem>,
    found: Problems,
    values: usize,
    shown: usize,
    hidden: usize,
}

fn piece_resources(w: &Work<'_>, piece: &ndjson::Piece) -> PieceResult {
    let mut c = Collector::new(w.source, w.id, w.format);
    let (dups, parsed, values) = ndjson::each_in(w.source, piece, &mut c);
    let (shown, hidden) = c.budget.counts();
    PieceResult {
        resources: c.resources,
        snapshots: c.snapshots,
        dups,
        parsed,
        found: c.found,
        values,
        shown,
        hidden,
    }
}

/// The pieces of one file joined into what [`file_resources`] gives for the whole file, or
/// `None` when they cannot be (no value at all, or more schema errors than one file shows:
/// the file is then parsed again as a whole, which reports them as it always does).
fn join_pieces(
    file: &SourceFile,
    format: Format,
    pieces: Vec<PieceResult>,
    problems: &mut Problems,
) -> Option<(Vec<Resource>, Vec<Snapshot>)> {
    let values: usize = pieces.iter().map(|p| p.values).sum();
    let shown: usize = pieces.iter().map(|p| p.shown).sum();
    let hidden: usize = pieces.iter().map(|p| p.hidden).sum();
    if values == 0 || hidden > 0 || shown > super::schema::MAX_ERRORS_PER_FILE {
        return None;
    }
    let mut resources = Vec::with_capacity(pieces.iter().map(|p| p.resources.len()).sum());
    let mut snapshots = Vec::new();
    let mut dups = Vec::new();
    let mut found = Vec::new();
    for p in pieces {
        problems.extend(p.parsed);
        dups.extend(p.dups);
        found.extend(p.found.into_vec());
        resources.extend(p.resources);
        snapshots.extend(p.snapshots);
    }
    problems.extend(super::duplicate_key_warnings(file, format, dups));
    problems.extend(found);
    Some((resources, snapshots))
}

/// True for a document that declares itself an agent snapshot.
fn is_snapshot(value: &Value) -> bool {
    value.get("kind").and_then(Value::as_str) == Some(SNAPSHOT_KIND)
}

/// Validates an agent snapshot and reads what identifies it.
fn snapshot(
    value: Value,
    pointer: String,
    source: SourceId,
    budget: &mut Budget<'_>,
    problems: &mut Problems,
) -> Option<Snapshot> {
    if !budget.check(SNAPSHOT_SCHEMA, None, &value, &pointer, problems) {
        return None;
    }
    let text = |ptr: &str| {
        value
            .pointer(ptr)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let collected_at = text("/collectedAt")?;
    let Some(collected_unix) = crate::time::unix_seconds(&collected_at) else {
        let p = Problem::error(
            codes::SCHEMA,
            format!("collectedAt {collected_at:?} is not an RFC 3339 time"),
        );
        problems.push(budget.locate(
            p,
            &format!("{pointer}/collectedAt"),
            "expected e.g. 2026-11-26T05:00:00Z",
        ));
        return None;
    };
    let hostname = text("/host/hostname")?;
    let resource_id = text("/host/resourceId");
    let host_key = resource_id
        .as_ref()
        .map(|r| r.to_ascii_lowercase())
        .or_else(|| text("/host/machineId").map(|m| format!("machine:{}", m.to_ascii_lowercase())))
        .unwrap_or_else(|| format!("host:{}", hostname.to_ascii_lowercase()));
    Some(Snapshot {
        value,
        origin: Origin {
            source,
            pointer,
            place: None,
        },
        collected_at,
        collected_unix,
        hostname,
        resource_id,
        host_key,
    })
}

/// Splits a document into `(pointer, resource value)` pairs by its shape.
fn shape_items(
    file: &SourceFile,
    format: Format,
    pointer: &str,
    value: Value,
    budget: &mut Budget<'_>,
    problems: &mut Problems,
) -> Vec<(String, Value)> {
    let numbered = |base: String, items: Vec<Value>| -> Vec<(String, Value)> {
        items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (format!("{base}/{i}"), v))
            .collect()
    };
    match value {
        Value::Array(items) => numbered(pointer.to_string(), items),
        Value::Object(obj) if obj.contains_key("id") => {
            vec![(pointer.to_string(), Value::Object(obj))]
        }
        Value::Object(mut obj) => {
            let Some(key) = ["data", "value"].into_iter().find(|k| obj.contains_key(*k)) else {
                problems.push(shape_problem(
                    file,
                    format,
                    pointer,
                    "an object without \"id\", \"data\" or \"value\"",
                ));
                return Vec::new();
            };
            if let Some(Value::Object(table)) = obj.get(key) {
                if table.contains_key("columns") && table.contains_key("rows") {
                    problems.push(
                        shape_problem(file, format, pointer, "a Resource Graph result in table format")
                            .with_help("ask Resource Graph for resultFormat objectArray (az graph query does by default)"),
                    );
                    return Vec::new();
                }
            }
            // Validate the envelope without its (possibly huge) resource list; the resources
            // are validated one by one below.
            let list = match obj.remove(key) {
                Some(Value::Array(items)) => items,
                other => {
                    let mut envelope = obj;
                    envelope.insert(key.to_string(), other.unwrap_or(Value::Null));
                    budget.check(SCHEMA, None, &Value::Object(envelope), pointer, problems);
                    return Vec::new();
                }
            };
            let mut envelope: Map<String, Value> = obj;
            envelope.insert(key.to_string(), Value::Array(Vec::new()));
            budget.check(SCHEMA, None, &Value::Object(envelope), pointer, problems);
            numbered(format!("{pointer}/{key}"), list)
        }
        other => {
            let found = super::schema::summary(&other);
            problems.push(shape_problem(file, format, pointer, &found));
            Vec::new()
        }
    }
}

fn shape_problem(file: &SourceFile, format: Format, pointer: &str, found: &str) -> Problem {
    let msg = format!("not an inventory document: found {found}");
    let p = Problem::error(codes::SHAPE, msg).with_help(SHAPES_HELP);
    match locate::pointer_span(&file.text, format, pointer) {
        Some(span) => {
            let (o, l) = locate::first_line(&file.text, span);
            p.at(file, o, l, "this document")
        }
        None => p.at(file, 0, 0, "this document"),
    }
}

/// Validates one resource value and builds the resource when it has a usable id and type.
fn resource(
    mut value: Value,
    origin: Origin,
    budget: &mut Budget<'_>,
    interner: &mut super::value::Interner,
    problems: &mut Problems,
) -> Option<Resource> {
    budget.check(SCHEMA, Some("resource"), &value, &origin.pointer, problems);
    // Other schema errors (a tag that is not a string, say) are reported above but keep the
    // resource: it is identifiable, and dropping it would hide it from every other policy.
    let obj = value.as_object_mut()?;
    let id = obj
        .get("id")?
        .as_str()
        .filter(|s| !s.is_empty())?
        .to_string();
    let kind = obj.get("type")?.as_str()?.to_string();
    let (derived_sub, derived_rg) = scope_of(&id);
    let scope = (
        fill(obj, "subscriptionId", derived_sub),
        fill(obj, "resourceGroup", derived_rg),
    );
    // Moved, not copied: the JSON tree is dropped here, one resource at a time.
    let value = super::value::engine_value(value, interner);
    let (sub, rg) = scope;
    let scope = (sub.map(|s| interner.get(&s)), rg.map(|s| interner.get(&s)));
    Some(Resource::named(
        id.into(),
        interner.kind(&kind),
        scope,
        value,
        origin,
    ))
}

/// The object's non-empty string `field`, else `derived` (written back into the object).
fn fill(obj: &mut Map<String, Value>, field: &str, derived: Option<&str>) -> Option<String> {
    if let Some(s) = obj
        .get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        return Some(s.to_string());
    }
    let derived = derived?.to_string();
    if obj
        .get(field)
        .is_none_or(|v| v.is_null() || v.as_str() == Some(""))
    {
        obj.insert(field.to_string(), Value::String(derived.clone()));
    }
    Some(derived)
}

/// Subscription and resource group of an ARM id
/// (`/subscriptions/{sub}/resourceGroups/{rg}/...`, segment names case-insensitive).
fn scope_of(id: &str) -> (Option<&str>, Option<&str>) {
    let mut parts = id.split('/');
    if parts.next() != Some("") {
        return (None, None);
    }
    fn named<'a>(label: Option<&str>, value: Option<&'a str>, want: &str) -> Option<&'a str> {
        label
            .filter(|l| l.eq_ignore_ascii_case(want))
            .and(value)
            .filter(|v| !v.is_empty())
    }
    let sub = named(parts.next(), parts.next(), "subscriptions");
    if sub.is_none() {
        return (None, None);
    }
    let rg = named(parts.next(), parts.next(), "resourceGroups");
    (sub, rg)
}

#[cfg(test)]
#[path = "tests/inventory.rs"]
mod tests;
