//! A large NDJSON file is parsed in pieces on several threads; joined, the pieces must give
//! exactly what the whole text gives: resources with their pointers and places, snapshots,
//! and every problem at its place. The first byte picks the piece size.
#![no_main]

use libfuzzer_sys::fuzz_target;
use posture::diag::Problems;
use posture::load::{ndjson_resources_in_pieces, resources_from_text, Format, Snapshot};
use posture::model::Resource;
use posture::source::SourceMap;

fn render(found: (Vec<Resource>, Vec<Snapshot>), problems: &Problems) -> String {
    let (resources, snapshots) = found;
    let mut out = String::new();
    for r in &resources {
        out += &format!(
            "{} {} {:?} {:?}\n",
            r.id, r.origin.pointer, r.origin.place, r.value
        );
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
    let id = sources.add("fuzz.ndjson", text.as_ref());
    let Some(file) = sources.get(id) else {
        return;
    };
    let mut whole_problems = Problems::default();
    let whole = resources_from_text(file, id, Format::Ndjson, &mut whole_problems);
    let mut piece_problems = Problems::default();
    let pieces =
        ndjson_resources_in_pieces(file, id, usize::from(size % 64) + 1, &mut piece_problems);
    assert_eq!(
        render(whole, &whole_problems),
        render(pieces, &piece_problems),
        "pieces of {} bytes",
        usize::from(size % 64) + 1
    );
});
