//! The text of every file a run reads, kept so that diagnostics can point into it.
//!
//! Depends on nothing but miette's span types. Line and column numbers are 1-based and count
//! characters (not bytes) in the column, as editors do.

use std::sync::Arc;

use miette::{NamedSource, SourceSpan};

/// Index of a file in a [`SourceMap`].
pub type SourceId = usize;

/// One file's path (as the user gave it) and text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as displayed to the user.
    pub path: String,
    /// The whole text, shared so diagnostics can hold it cheaply. An `Arc<String>` rather
    /// than an `Arc<str>`: the text read from a file is kept where it was read, where an
    /// `Arc<str>` would copy it (1.6 GB copied at 1,000,000 resources).
    pub text: Arc<String>,
}

impl SourceFile {
    /// A miette source for labels in this file.
    pub fn named(&self) -> NamedSource<Arc<String>> {
        NamedSource::new(self.path.clone(), Arc::clone(&self.text))
    }

    /// The byte offset of a 1-based line and column (column counted in characters).
    /// Positions past the end clamp to the end of the text.
    pub fn offset(&self, line: usize, column: usize) -> usize {
        offset_of(&self.text, line, column)
    }

    /// The 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col_of(&self.text, offset)
    }
}

/// The byte offset of a 1-based line and column in `text`.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0usize;
    if line > 1 {
        let mut seen = 1usize;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                seen += 1;
                if seen == line {
                    start = i + 1;
                    break;
                }
            }
        }
        if seen < line {
            return text.len();
        }
    }
    let rest = text.get(start..).unwrap_or("");
    let mut off = start;
    for (n, (i, c)) in rest.char_indices().enumerate() {
        if n + 1 >= column || c == '\n' {
            return start + i;
        }
        off = start + i + c.len_utf8();
    }
    off
}

/// The 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col_of(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut line = 1usize;
    let mut line_start = 0usize;
    for (i, b) in text.bytes().enumerate() {
        if i >= offset {
            break;
        }
        if b == b'\n' {
            line += 1;
            line_start = i + 1;
        }
    }
    let col = text
        .get(line_start..offset)
        .map_or(1, |s| s.chars().count() + 1);
    (line, col)
}

/// The 1-based line and column of many byte offsets in one sweep over `text`: O(text +
/// n log n) where calling [`line_col_of`] for each would be O(text × n) (a minified
/// inventory is one line of megabytes holding thousands of resources). The column counts
/// characters; an offset inside a character counts that character.
pub fn line_cols_of(text: &str, offsets: &[usize]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets.get(i).copied().unwrap_or(0));
    let mut out = vec![(1usize, 1usize); offsets.len()];
    let mut walk = LineWalk::default();
    for i in order {
        let place = walk.to(text, offsets.get(i).copied().unwrap_or(0));
        if let Some(slot) = out.get_mut(i) {
            *slot = place;
        }
    }
    out
}

/// Line and column at ascending byte offsets of one text, each found from the last: line
/// breaks are counted with the memchr crate's vectorised search and characters as the
/// bytes that do not continue one (an inventory document of 160 MB took 0.2 s a character
/// at a time).
#[derive(Debug, Clone, Copy)]
pub struct LineWalk {
    at: usize,
    line: usize,
    col: usize,
}

impl Default for LineWalk {
    fn default() -> Self {
        Self {
            at: 0,
            line: 1,
            col: 1,
        }
    }
}

impl LineWalk {
    /// The line and column of `offset` (clamped to the text), which must not be before the
    /// last offset asked for (an earlier one gives the last place again).
    pub fn to(&mut self, text: &str, offset: usize) -> (usize, usize) {
        let target = offset.min(text.len()).max(self.at);
        let passed = text.as_bytes().get(self.at..target).unwrap_or_default();
        let chars = |b: &[u8]| b.iter().filter(|&&c| (c as i8) >= -0x40).count();
        match memchr::memrchr(b'\n', passed) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', passed).count();
                self.col = 1 + chars(passed.get(last + 1..).unwrap_or_default());
            }
            None => self.col += chars(passed),
        }
        self.at = target;
        (self.line, self.col)
    }
}

/// A span of `len` bytes at `offset`, clamped to the text.
pub fn span(text: &str, offset: usize, len: usize) -> SourceSpan {
    let offset = offset.min(text.len());
    let len = len.min(text.len() - offset);
    SourceSpan::new(offset.into(), len)
}

/// Every file read during a run.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// Drops a file's text (its path stays): for inputs whose every use of the text is over.
    /// Later lookups see an empty text.
    pub fn release(&mut self, id: SourceId) {
        if let Some(f) = self.files.get_mut(id) {
            f.text = Arc::default();
        }
    }

    /// Gives a released file its text back (read again by the caller).
    pub fn restore(&mut self, id: SourceId, text: impl Into<String>) {
        if let Some(f) = self.files.get_mut(id) {
            f.text = Arc::new(text.into());
        }
    }

    /// Keeps a file's text and returns its id.
    pub fn add(&mut self, path: impl Into<String>, text: impl Into<String>) -> SourceId {
        self.files.push(SourceFile {
            path: path.into(),
            text: Arc::new(text.into()),
        });
        self.files.len() - 1
    }

    /// [`SourceMap::add`] for a text shared with its reader (policies keep theirs).
    pub fn add_shared(&mut self, path: impl Into<String>, text: Arc<String>) -> SourceId {
        self.files.push(SourceFile {
            path: path.into(),
            text,
        });
        self.files.len() - 1
    }

    /// The file with this id.
    pub fn get(&self, id: SourceId) -> Option<&SourceFile> {
        self.files.get(id)
    }

    /// All files, in the order they were added.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_positions_round_trip() {
        let text = "ab\ncdé\nf";
        assert_eq!(offset_of(text, 1, 1), 0);
        assert_eq!(offset_of(text, 2, 1), 3);
        assert_eq!(offset_of(text, 2, 3), 5);
        assert_eq!(offset_of(text, 3, 1), 8);
        assert_eq!(line_col_of(text, 5), (2, 3));
        assert_eq!(line_col_of(text, 8), (3, 1));
        assert_eq!(offset_of(text, 9, 1), text.len());
    }

    #[test]
    fn many_offsets_in_one_sweep_agree_with_one_at_a_time() {
        let text = "ab\ncdé\nf\n\nxyz";
        let offsets: Vec<usize> = vec![12, 0, 5, 3, 8, 100, 9, 5];
        let many = line_cols_of(text, &offsets);
        for (o, lc) in offsets.iter().zip(many) {
            assert_eq!(lc, line_col_of(text, *o), "offset {o}");
        }
    }

    /// The sweep as it was written first, a character at a time: the reference for the
    /// vectorised one.
    fn char_by_char(text: &str, offsets: &[usize]) -> Vec<(usize, usize)> {
        let mut order: Vec<usize> = (0..offsets.len()).collect();
        order.sort_by_key(|&i| offsets[i]);
        let mut out = vec![(1, 1); offsets.len()];
        let (mut line, mut col) = (1, 1);
        let mut chars = text.char_indices().peekable();
        for i in order {
            let target = offsets[i].min(text.len());
            while let Some(&(at, c)) = chars.peek() {
                if at >= target {
                    break;
                }
                if c == '\n' {
                    line += 1;
                    col = 1;
                } else {
                    col += 1;
                }
                chars.next();
            }
            out[i] = (line, col);
        }
        out
    }

    #[test]
    fn the_vectorised_sweep_agrees_with_a_character_at_a_time() {
        let long = format!("{}\n{}", "é€x\r".repeat(40), "\u{10348}a\n".repeat(30));
        for text in [
            "",
            "\n",
            "a",
            "\n\n\r\n",
            "ab\ncdé\nf\n\nxyz",
            "€\u{10348}\né",
            &long,
        ] {
            // Every offset, inside characters and past the end too, in mixed order.
            let mut offsets: Vec<usize> = (0..=text.len() + 2).rev().collect();
            offsets.extend((0..=text.len()).step_by(3));
            assert_eq!(
                line_cols_of(text, &offsets),
                char_by_char(text, &offsets),
                "{text:?}"
            );
        }
    }
}
