//! Escaping for the HTML format: the only way text from inputs reaches the page.
//!
//! Two contexts exist and each has one function: [`escape`] for element content and
//! [`escape_attr`] for attribute values, which the page always double-quotes. Nothing from
//! an input is ever written into a `<script>`, a `<style>`, a URL or an attribute name, so
//! these two are all the page needs. [`Text`] and [`Attr`] are the same functions as
//! `Display` wrappers, so markup can be written with `write!` without building a string per
//! value.

use std::fmt;

/// Escapes text for element content: `&`, `<` and `>` become entities, so a resource named
/// `<script>` is shown as those characters and never parsed as a tag.
pub fn escape(text: &str) -> String {
    Text(text).to_string()
}

/// Escapes text for a double-quoted attribute value: `&`, `<`, `>`, `"` and `'`, so a value
/// cannot close its attribute (`"><img onerror=...>`) whatever quote the page used.
pub fn escape_attr(text: &str) -> String {
    Attr(text).to_string()
}

/// Element content, escaped when displayed.
#[derive(Debug, Clone, Copy)]
pub struct Text<'a>(pub &'a str);

/// A double-quoted attribute value, escaped when displayed.
#[derive(Debug, Clone, Copy)]
pub struct Attr<'a>(pub &'a str);

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(f, self.0, false)
    }
}

impl fmt::Display for Attr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(f, self.0, true)
    }
}

fn write_escaped(f: &mut fmt::Formatter<'_>, text: &str, attribute: bool) -> fmt::Result {
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let replacement = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' if attribute => "&quot;",
            '\'' if attribute => "&#39;",
            // Control characters (NUL, C1, DEL) make an HTML5 document invalid and can
            // hide text; tab, line feed and carriage return are ordinary white space.
            '\t' | '\n' | '\r' => continue,
            c if c.is_control() => "\u{FFFD}",
            _ => continue,
        };
        f.write_str(text.get(start..i).unwrap_or_default())?;
        f.write_str(replacement)?;
        start = i + c.len_utf8();
    }
    f.write_str(text.get(start..).unwrap_or_default())
}

/// Standard base64 with padding, for the Content-Security-Policy hashes.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let symbol = |index: u32| {
        ALPHABET
            .get(usize::try_from(index & 63).unwrap_or_default())
            .map_or('=', |b| char::from(*b))
    };
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let mut group = [0u8; 3];
        for (slot, byte) in group.iter_mut().zip(chunk) {
            *slot = *byte;
        }
        let [a, b, c] = group;
        let n = (u32::from(a) << 16) | (u32::from(b) << 8) | u32::from(c);
        out.push(symbol(n >> 18));
        out.push(symbol(n >> 12));
        out.push(if chunk.len() > 1 { symbol(n >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { symbol(n) } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_markup_and_keeps_the_rest() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert('x') &amp; \"y\"&lt;/script&gt;"
        );
        assert_eq!(
            escape("café 日本 🚀 \u{202e}rtl"),
            "café 日本 🚀 \u{202e}rtl"
        );
        assert_eq!(escape("tab\there\nline"), "tab\there\nline");
        assert_eq!(
            escape("nul\u{0}bell\u{7}c1\u{85}del\u{7f}"),
            "nul\u{FFFD}bell\u{FFFD}c1\u{FFFD}del\u{FFFD}"
        );
        assert_eq!(escape(""), "");
        assert_eq!(escape("&amp;"), "&amp;amp;");
    }

    #[test]
    fn attributes_also_escape_both_quotes() {
        assert_eq!(
            escape_attr("\"><img src=x onerror='alert(1)'>"),
            "&quot;&gt;&lt;img src=x onerror=&#39;alert(1)&#39;&gt;"
        );
        assert_eq!(format!("{}", Attr("a&b")), "a&amp;b");
        assert_eq!(format!("{}", Text("a<b")), "a&lt;b");
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
    }
}
