//! The flow-style half of the YAML walker: `{...}`, `[...]`, quoted scalars and the
//! scanning rules inside them (JSON written as YAML goes through here too).

use super::{Key, Kind, Node, Scanner};

impl Scanner<'_> {
    /// Classifies a node inside a flow collection.
    pub(super) fn flow_node_at(&self, p: usize) -> Node {
        let kind = match self.byte(p) {
            Some(b'{' | b'[') => Kind::Flow,
            Some(b'"' | b'\'') => Kind::Quoted,
            Some(b'*') => Kind::Alias,
            _ => Kind::FlowPlain,
        };
        Node { at: p, kind }
    }

    /// Index just past a quoted scalar starting at `p`.
    pub(super) fn quoted_end(&self, p: usize) -> Option<usize> {
        let q = self.byte(p)?;
        let mut j = p + 1;
        loop {
            match self.byte(j)? {
                b'\\' if q == b'"' => j += 2,
                c if c == q => {
                    if q == b'\'' && self.byte(j + 1) == Some(b'\'') {
                        j += 2;
                    } else {
                        return Some(j + 1);
                    }
                }
                _ => j += 1,
            }
        }
    }

    /// Index just past the flow collection starting at `p`.
    pub(super) fn flow_end(&self, p: usize) -> Option<usize> {
        let mut depth = 0usize;
        let mut j = p;
        loop {
            match self.byte(j)? {
                b'"' | b'\'' if self.starts_token(j) => {
                    j = self.quoted_end(j)?;
                    continue;
                }
                b'#' if self.starts_token(j) => {
                    j = self.line_end(j);
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(j + 1);
                    }
                }
                _ => {}
            }
            j += 1;
        }
    }

    /// A quote or `#` starts a token only after whitespace or a flow indicator
    /// (`it's` is a plain scalar, `a#b` is not a comment).
    pub(super) fn starts_token(&self, j: usize) -> bool {
        j == 0
            || matches!(
                self.byte(j - 1),
                Some(b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b',' | b':')
            )
    }

    /// End of a plain scalar inside a flow collection.
    pub(super) fn flow_plain_end(&self, p: usize, is_key: bool) -> usize {
        let mut j = p;
        while let Some(c) = self.byte(j) {
            let stop = match c {
                b',' | b'[' | b']' | b'{' | b'}' | b'\n' | b'\r' => true,
                b':' => {
                    is_key || matches!(self.byte(j + 1), Some(b' ' | b'\t' | b',' | b']' | b'}'))
                }
                b'#' => matches!(self.byte(j.wrapping_sub(1)), Some(b' ' | b'\t')),
                _ => false,
            };
            if stop {
                break;
            }
            j += 1;
        }
        while j > p && matches!(self.byte(j - 1), Some(b' ' | b'\t')) {
            j -= 1;
        }
        j
    }

    pub(super) fn flow_value_end(&self, p: usize) -> Option<usize> {
        match self.byte(p)? {
            b'{' | b'[' => self.flow_end(p),
            b'"' | b'\'' => self.quoted_end(p),
            _ => Some(self.flow_plain_end(p, false).max(p + 1)),
        }
    }

    /// Skips blanks, line breaks and comments inside a flow collection.
    pub(super) fn flow_ws(&self, mut i: usize) -> usize {
        loop {
            match self.byte(i) {
                Some(b' ' | b'\t' | b'\n' | b'\r') => i += 1,
                Some(b'#') => i = self.line_end(i),
                _ => return i,
            }
        }
    }

    pub(super) fn flow_children(
        &self,
        p: usize,
        mut f: impl FnMut(Key, Node) -> bool,
    ) -> Option<()> {
        let (is_map, close) = match self.byte(p)? {
            b'{' => (true, b'}'),
            _ => (false, b']'),
        };
        let mut i = self.flow_ws(p + 1);
        let mut index = 0usize;
        loop {
            if self.byte(i)? == close {
                return Some(());
            }
            let (key, value, end) = if is_map {
                let (key, kend) = match self.byte(i)? {
                    q @ (b'"' | b'\'') => {
                        let e = self.quoted_end(i)?;
                        (unquote(q, self.b.get(i + 1..e - 1)?), e)
                    }
                    _ => {
                        let e = self.flow_plain_end(i, true);
                        let raw = std::str::from_utf8(self.b.get(i..e)?).ok()?;
                        (raw.to_string(), e)
                    }
                };
                let j = self.flow_ws(kend);
                let null = Node {
                    at: i,
                    kind: Kind::Null(kend - i),
                };
                if self.byte(j) == Some(b':') {
                    let v = self.flow_ws(j + 1);
                    if matches!(self.byte(v), Some(b',')) || self.byte(v) == Some(close) {
                        (Key::Name(key), null, v)
                    } else {
                        (
                            Key::Name(key),
                            self.flow_node_at(v),
                            self.flow_value_end(v)?,
                        )
                    }
                } else {
                    (Key::Name(key), null, j)
                }
            } else {
                (
                    Key::Index(index),
                    self.flow_node_at(i),
                    self.flow_value_end(i)?,
                )
            };
            if f(key, value) {
                return Some(());
            }
            index += 1;
            // Step over whatever remains of the entry (a multi-line plain scalar, say).
            i = self.flow_ws(end);
            while let Some(c) = self.byte(i) {
                if c == b',' || c == close {
                    break;
                }
                i = match c {
                    b'{' | b'[' => self.flow_end(i)?,
                    b'"' | b'\'' if self.starts_token(i) => self.quoted_end(i)?,
                    _ => i + 1,
                };
            }
            if self.byte(i)? == b',' {
                i = self.flow_ws(i + 1);
            }
        }
    }
}

/// The text of a quoted scalar (common escapes only; enough to compare keys).
pub(super) fn unquote(quote: u8, raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    if quote == b'\'' {
        return text.replace("''", "'");
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else { break };
        let hex = |n: usize, chars: &mut std::str::Chars<'_>| {
            let digits: String = chars.by_ref().take(n).collect();
            u32::from_str_radix(&digits, 16)
                .ok()
                .and_then(char::from_u32)
        };
        let decoded = match e {
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            '0' => Some('\0'),
            'x' => hex(2, &mut chars),
            'u' => hex(4, &mut chars),
            'U' => hex(8, &mut chars),
            other => Some(other),
        };
        out.extend(decoded);
    }
    out
}
