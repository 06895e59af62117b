//! A JSON document's resource list is found by scanning and its elements parsed in pieces
//! on several threads; joined, the pieces must give exactly what the whole document gives:
//! resources with their pointers, values and places (where the whole parse leaves a place
//! to the locator, the locator's), snapshots, and every problem at its place. The first
//! byte picks the piece size.
#![no_main]

use libfuzzer_sys::fuzz_target;
use posture::diag::Problems;
use posture::load::locate::pointer_span;
use posture::load::{json_resources_in_pieces, resources_from_text, Format, Snapshot};
use posture::model::Resource;
use posture::source::{line_cols_of, SourceFile, SourceMap};

fn render(file: &SourceFile, found: (Vec<Resource>, Vec<Snapshot>), problems: &Problems) -> String {
    let (resources, snapshots) = found;
    let mut out = String::new();
    for r in &resources {
        let place = r.origin.place.or_else(|| {
            let (offset, _) = pointer_span(&file.text, Format::Json, &r.origin.pointer)?;
            line_cols_of(&file.text, &[offset]).first().copied()
        });
        out += &format!("{} {} {place:?} {:?}\n", r.id, r.origin.pointer, r.value);
    }
    out += &format!("{} snapshots\n", snapshots.len());
    for p in problems.all() {
        out += &format!("{:?} {} {p} {:?}\n", p.level, p.code, p.location());
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&size, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let mut sources = SourceMap::default();
    let id = sources.add("fuzz.json", text.as_ref());
    let Some(file) = sources.get(id) else {
        return;
    };
    let mut whole_problems = Problems::default();
    let whole = resources_from_text(file, id, Format::Json, &mut whole_problems);
    let mut piece_problems = Problems::default();
    let pieces =
        json_resources_in_pieces(file, id, usize::from(size % 64) + 1, &mut piece_problems);
    assert_eq!(
        render(file, whole, &whole_problems),
        render(file, pieces, &piece_problems),
        "pieces of {} bytes",
        usize::from(size % 64) + 1
    );
});
