//! A best-effort walker over YAML text that finds the node at a pointer.
//!
//! It understands what humans, `yq` and `az -o yaml` write: block mappings and sequences
//! (including `- key: v` compact entries and sequences at the same indent as their key), flow
//! collections (which also covers JSON written as YAML), quoted and plain scalars, block
//! scalars, comments, anchors, tags and aliases (an alias ends the descent: its span is the
//! best place to point at), and `---`/`...` document markers. It does not understand explicit
//! `? ` keys or collections used as keys; then it returns `None` and the caller falls back to
//! the document start. No YAML crate with node positions is needed for that (serde_yaml hides
//! its marks), and the walker is line-based and iterative, so deep nesting is harmless.

use super::array_index;

#[path = "scan_yaml_flow.rs"]
mod flow;

use flow::unquote;

/// Span of the node at `tokens` (the first token picks the document when there are several).
pub(super) fn span(text: &str, tokens: &[String]) -> Option<(usize, usize)> {
    let (sc, node) = resolve(text, tokens)?;
    Some(sc.node_span(node))
}

/// Spans of the elements of the sequence at `tokens`.
pub(super) fn children(text: &str, tokens: &[String]) -> Option<Vec<(usize, usize)>> {
    let (sc, node) = resolve(text, tokens)?;
    let is_seq = matches!(node.kind, Kind::Seq(_))
        || (node.kind == Kind::Flow && sc.byte(node.at) == Some(b'['));
    if !is_seq {
        return None;
    }
    let mut out = Vec::new();
    sc.for_each_child(node, |_, child| {
        out.push(sc.node_span(child));
        false
    })?;
    Some(out)
}

fn resolve<'t>(text: &'t str, tokens: &[String]) -> Option<(Scanner<'t>, Node)> {
    let docs = documents(text);
    let (doc, tokens) = if docs.len() >= 2 {
        let (first, rest) = tokens.split_first()?;
        (*docs.get(array_index(first)?)?, rest)
    } else {
        (*docs.first()?, tokens)
    };
    let sc = Scanner {
        b: text.as_bytes().get(..doc.1)?,
    };
    let root = sc.next_content(doc.0)?;
    let mut node = sc.node_at(root, None);
    for token in tokens {
        if node.kind == Kind::Alias {
            break;
        }
        node = sc.child(node, token)?;
    }
    Some((sc, node))
}

/// `(content start, end)` of each document, counted the way libyaml counts them.
fn documents(text: &str) -> Vec<(usize, usize)> {
    let mut docs = Vec::new();
    let mut start = 0usize;
    let mut open = false; // an explicit `---` started the current document
    let mut content = false;
    let mut pos = 0usize;
    for line in text.split_inclusive('\n') {
        let here = pos;
        pos += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let marker = |m: &str| {
            body.strip_prefix(m)
                .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
        };
        if marker("---") {
            if open || content {
                docs.push((start, here));
            }
            start = here + 3;
            open = true;
            let rest = body.get(3..).unwrap_or("").trim_start();
            content = !rest.is_empty() && !rest.starts_with('#');
        } else if marker("...") {
            if open || content {
                docs.push((start, here));
            }
            start = pos;
            open = false;
            content = false;
        } else {
            let t = body.trim_start();
            let ignorable = t.is_empty() || t.starts_with('#');
            let directive = t.starts_with('%') && !open && !content;
            if !ignorable && !directive {
                content = true;
            }
        }
    }
    if open || content || docs.is_empty() {
        docs.push((start, text.len()));
    }
    docs
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Block mapping whose keys sit at this column.
    Map(usize),
    /// Block sequence whose dashes sit at this column.
    Seq(usize),
    /// `{...}` or `[...]`.
    Flow,
    /// `"..."` or `'...'`.
    Quoted,
    /// `*name`.
    Alias,
    /// `|` or `>` with its indented lines; the column of the owning collection, if any.
    Block(Option<usize>),
    /// A plain scalar in block context (up to the end of the line or a comment).
    Plain,
    /// A plain scalar inside a flow collection.
    FlowPlain,
    /// An empty value: the span is that of its key or dash.
    Null(usize),
}

#[derive(Debug, Clone, Copy)]
struct Node {
    at: usize,
    kind: Kind,
}

enum Key {
    Index(usize),
    Name(String),
}

struct Scanner<'t> {
    b: &'t [u8],
}

impl Scanner<'_> {
    fn byte(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    fn line_start(&self, i: usize) -> usize {
        self.b
            .get(..i)
            .and_then(|s| s.iter().rposition(|&c| c == b'\n'))
            .map_or(0, |p| p + 1)
    }

    fn line_end(&self, i: usize) -> usize {
        self.b
            .get(i..)
            .and_then(|s| s.iter().position(|&c| c == b'\n'))
            .map_or(self.b.len(), |p| i + p)
    }

    fn col(&self, i: usize) -> usize {
        i - self.line_start(i)
    }

    fn skip_blanks(&self, mut i: usize) -> usize {
        while matches!(self.byte(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        i
    }

    /// True when nothing but blanks or a comment follows `i` on its line.
    fn rest_is_empty(&self, i: usize) -> bool {
        matches!(
            self.byte(self.skip_blanks(i)),
            None | Some(b'\n' | b'\r' | b'#')
        )
    }

    fn is_dash(&self, i: usize) -> bool {
        self.byte(i) == Some(b'-')
            && matches!(self.byte(i + 1), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
    }

    /// First content at or after `i`, skipping blanks, comments and line breaks; stops at a
    /// document marker.
    fn next_content(&self, mut i: usize) -> Option<usize> {
        loop {
            i = self.skip_blanks(i);
            match self.byte(i)? {
                b'\n' | b'\r' => i += 1,
                b'#' => i = self.line_end(i),
                _ => return (!self.is_marker(i)).then_some(i),
            }
        }
    }

    /// True at a `---` or `...` document marker (column 0, then a blank or the line end).
    fn is_marker(&self, i: usize) -> bool {
        self.line_start(i) == i
            && self
                .b
                .get(i..i + 3)
                .is_some_and(|m| m == b"---" || m == b"...")
            && matches!(self.byte(i + 3), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
    }

    /// The content of the next line below `i` that belongs to a node owned by column `c`:
    /// indented deeper, or (for a mapping value) a sequence at the same indent.
    fn content_below(&self, i: usize, c: Option<usize>, dash_same: bool) -> Option<usize> {
        let q = self.next_content(self.line_end(i))?;
        let ind = self.col(q);
        let below = match c {
            None => true,
            Some(c) => ind > c || (dash_same && ind == c && self.is_dash(q)),
        };
        below.then_some(q)
    }

    /// Classifies the block-context node at content position `p`, skipping `&anchor`/`!tag`.
    fn node_at(&self, p: usize, ctx: Option<usize>) -> Node {
        let mut p = p;
        while matches!(self.byte(p), Some(b'&' | b'!')) {
            let mut j = p;
            while !matches!(self.byte(j), None | Some(b' ' | b'\t' | b'\n' | b'\r')) {
                j += 1;
            }
            if self.rest_is_empty(j) {
                match self.content_below(j, ctx, true) {
                    Some(q) => p = q,
                    None => {
                        return Node {
                            at: p,
                            kind: Kind::Null(j - p),
                        }
                    }
                }
            } else {
                p = self.skip_blanks(j);
            }
        }
        let kind = match self.byte(p) {
            _ if self.is_dash(p) => Kind::Seq(self.col(p)),
            Some(b'{' | b'[') => Kind::Flow,
            Some(b'|' | b'>') => Kind::Block(ctx),
            Some(b'*') => Kind::Alias,
            _ if self.key_at(p).is_some() => Kind::Map(self.col(p)),
            Some(b'"' | b'\'') => Kind::Quoted,
            _ => Kind::Plain,
        };
        Node { at: p, kind }
    }

    /// A block mapping key at `p`: its text and the position after its `:`.
    fn key_at(&self, p: usize) -> Option<(String, usize)> {
        let (key, mut j) = match self.byte(p)? {
            q @ (b'"' | b'\'') => {
                let end = self.quoted_end(p)?;
                if end > self.line_end(p) {
                    return None;
                }
                (
                    unquote(q, self.b.get(p + 1..end - 1)?),
                    self.skip_blanks(end),
                )
            }
            _ => {
                let mut j = p;
                loop {
                    match self.byte(j) {
                        None | Some(b'\n' | b'\r') => return None,
                        Some(b'#')
                            if matches!(self.byte(j.wrapping_sub(1)), Some(b' ' | b'\t')) =>
                        {
                            return None
                        }
                        Some(b':') if self.is_value_colon(j) => break,
                        _ => j += 1,
                    }
                }
                let raw = std::str::from_utf8(self.b.get(p..j)?).ok()?;
                (raw.trim_end().to_string(), j)
            }
        };
        if self.byte(j)? != b':' || !self.is_value_colon(j) {
            return None;
        }
        j += 1;
        Some((key, j))
    }

    fn is_value_colon(&self, j: usize) -> bool {
        self.byte(j) == Some(b':')
            && matches!(self.byte(j + 1), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
    }

    /// The next line at column `c` continuing a collection at `c` after position `from`.
    fn next_sibling(&self, from: usize, c: usize, seq: bool) -> Option<usize> {
        let mut i = self.line_end(from);
        loop {
            let q = self.next_content(i)?;
            let ind = self.col(q);
            if ind < c {
                return None;
            }
            if ind == c {
                match (seq, self.is_dash(q)) {
                    (true, true) | (false, false) => return Some(q),
                    (true, false) => return None,
                    (false, true) => {} // a sequence value at its key's indent
                }
            }
            i = self.line_end(q);
        }
    }

    /// Calls `f` for each child of `node` until it returns true.
    fn for_each_child(&self, node: Node, mut f: impl FnMut(Key, Node) -> bool) -> Option<()> {
        match node.kind {
            Kind::Map(c) => {
                let mut entry = node.at;
                loop {
                    let (key, after) = self.key_at(entry)?;
                    let v = self.skip_blanks(after);
                    let value = if !self.rest_is_empty(v) {
                        self.node_at(v, Some(c))
                    } else if let Some(q) = self.content_below(after, Some(c), true) {
                        self.node_at(q, Some(c))
                    } else {
                        Node {
                            at: entry,
                            kind: Kind::Null(after - 1 - entry),
                        }
                    };
                    if f(Key::Name(key), value) {
                        return Some(());
                    }
                    match self.next_sibling(entry, c, false) {
                        Some(next) => entry = next,
                        None => return Some(()),
                    }
                }
            }
            Kind::Seq(c) => {
                let mut item = node.at;
                let mut index = 0usize;
                loop {
                    let v = self.skip_blanks(item + 1);
                    let value = if !self.rest_is_empty(v) {
                        self.node_at(v, Some(c))
                    } else if let Some(q) = self.content_below(item, Some(c), false) {
                        self.node_at(q, Some(c))
                    } else {
                        Node {
                            at: item,
                            kind: Kind::Null(1),
                        }
                    };
                    if f(Key::Index(index), value) {
                        return Some(());
                    }
                    index += 1;
                    match self.next_sibling(item, c, true) {
                        Some(next) => item = next,
                        None => return Some(()),
                    }
                }
            }
            Kind::Flow => self.flow_children(node.at, f),
            _ => None,
        }
    }

    /// The child of `node` named by `token` (the last one when a key repeats).
    fn child(&self, node: Node, token: &str) -> Option<Node> {
        let wanted = match node.kind {
            Kind::Seq(_) => Some(array_index(token)?),
            Kind::Flow if self.byte(node.at) == Some(b'[') => Some(array_index(token)?),
            _ => None,
        };
        let mut found = None;
        self.for_each_child(node, |key, value| {
            let hit = match (&key, wanted) {
                (Key::Index(i), Some(w)) => *i == w,
                (Key::Name(k), None) => k == token,
                _ => false,
            };
            if hit {
                found = Some(value);
            }
            hit && wanted.is_some()
        })?;
        found
    }

    /// Byte span of a node.
    fn node_span(&self, node: Node) -> (usize, usize) {
        let p = node.at;
        let end = match node.kind {
            Kind::Null(len) => p + len,
            Kind::Flow => self.flow_end(p).unwrap_or_else(|| self.line_end(p)),
            Kind::Quoted => self.quoted_end(p).unwrap_or_else(|| self.line_end(p)),
            Kind::Alias => {
                let mut j = p + 1;
                while !matches!(
                    self.byte(j),
                    None | Some(b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}')
                ) {
                    j += 1;
                }
                j
            }
            Kind::FlowPlain => self.flow_plain_end(p, false),
            Kind::Plain => self.plain_end(p),
            Kind::Block(ctx) => self.block_scalar_end(p, ctx.map_or(0, |c| c + 1)),
            Kind::Map(c) => self.block_end(p, c, false),
            Kind::Seq(c) => self.block_end(p, c, true),
        };
        (p, end.saturating_sub(p))
    }

    /// End of a plain scalar on its first line (before a comment and trailing blanks).
    fn plain_end(&self, p: usize) -> usize {
        let mut j = p;
        while let Some(c) = self.byte(j) {
            if c == b'\n'
                || c == b'\r'
                || (c == b'#' && matches!(self.byte(j.wrapping_sub(1)), Some(b' ' | b'\t')))
            {
                break;
            }
            j += 1;
        }
        while j > p && matches!(self.byte(j - 1), Some(b' ' | b'\t')) {
            j -= 1;
        }
        j
    }

    /// End of a `|`/`>` scalar: every following line indented at least `min` is content,
    /// even one that looks like a comment; blank lines inside it do not end it.
    fn block_scalar_end(&self, p: usize, min: usize) -> usize {
        let mut end = self.plain_end_of_line(p);
        let mut i = self.line_end(p);
        while i < self.b.len() {
            let start = i + 1;
            i = self.line_end(start);
            let content = self.skip_blanks(start);
            if matches!(self.byte(content), None | Some(b'\n' | b'\r')) {
                continue;
            }
            if content - start < min || self.is_marker(content) {
                break;
            }
            end = self.plain_end_of_line(start);
        }
        end
    }

    /// End of the last content line of a block collection starting at `p`. Lines indented
    /// deeper than `min` belong to it; lines at exactly `min` only as further entries (dashes
    /// for a sequence; anything for a mapping).
    fn block_end(&self, p: usize, min: usize, is_seq: bool) -> usize {
        let mut end = self.plain_end_of_line(p);
        let mut i = self.line_end(p);
        while let Some(q) = self.next_content(i) {
            let ind = self.col(q);
            let belongs = ind > min || (ind == min && (!is_seq || self.is_dash(q)));
            if !belongs {
                break;
            }
            end = self.plain_end_of_line(q);
            i = self.line_end(q);
        }
        end
    }

    fn plain_end_of_line(&self, i: usize) -> usize {
        let mut e = self.line_end(i);
        while e > i && matches!(self.byte(e - 1), Some(b'\r' | b' ' | b'\t')) {
            e -= 1;
        }
        e
    }
}

#[cfg(test)]
#[path = "scan_yaml_tests.rs"]
mod tests;
