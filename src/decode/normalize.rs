//! Text normalisation, and folding for matching.
//!
//! [`normalize`] produces the report's normalised text, the text all offsets
//! in the outputs refer to: full-width ASCII forms (digits, letters,
//! punctuation, `％`) become ASCII, U+3000, NBSP and the other wide spaces
//! become spaces, zero-width characters go, dash variants become `-`, and the
//! CJK compatibility forms are NFKC-normalised, and pinyin syllables that
//! mirror sites inject after characters (`監(jiān)察局`) are removed. Each line is trimmed, runs of
//! spaces inside a line shrink to one, and blank lines are dropped, so the
//! result has one paragraph (or table row) per line.
//!
//! [`fold`] maps traditional characters (and the vocabulary of converted
//! mirrors: 檔案 → 文件, 資訊 → 信息, 入口網站 → 门户网站, 反覆 → 反复) to simplified ones for
//! matching, without changing any byte offset: matches found in the folded
//! text are read back from the normalised text as printed.

use unicode_normalization::UnicodeNormalization;

/// Normalises text as described in the module docs.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Start of the line being written in `out`; a pending space is written
    // only before a following character on the same line.
    let mut line_start = 0;
    let mut pending_space = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // Pinyin a mirror site injected after a character: 監(jiān)察局.
        if matches!(c, '(' | '（')
            && out.chars().next_back().is_some_and(is_han)
            && let Some(n) = pinyin_after(&chars)
        {
            for _ in 0..n {
                chars.next();
            }
            continue;
        }
        // The common case: printable ASCII and Han characters pass as they are.
        if (c > ' ' && c < '\u{7F}') || ('\u{3400}'..='\u{9FFF}').contains(&c) {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
            continue;
        }
        let mapped = match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                Mapped::Newline
            }
            '\n' | '\u{2028}' | '\u{2029}' | '\u{85}' => Mapped::Newline,
            ' '
            | '\t'
            | '\u{0B}'
            | '\u{0C}'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200A}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}' => Mapped::Space,
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}' => Mapped::Drop,
            '\u{FF01}'..='\u{FF5E}' => Mapped::Char(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)),
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' => Mapped::Char('-'),
            '\u{FE6A}' => Mapped::Char('%'),
            c if c.is_control() => Mapped::Space,
            '\u{F900}'..='\u{FAFF}'
            | '\u{2F00}'..='\u{2FDF}'
            | '\u{FE10}'..='\u{FE1F}'
            | '\u{FE30}'..='\u{FE4F}'
            | '\u{FE50}'..='\u{FE6F}'
            | '\u{3200}'..='\u{3243}'
            | '\u{FF5F}'..='\u{FFEF}' => Mapped::Nfkc(c),
            c => Mapped::Char(c),
        };
        match mapped {
            Mapped::Newline => {
                end_line(&mut out, line_start);
                line_start = out.len();
                pending_space = false;
            }
            Mapped::Space => pending_space = out.len() > line_start,
            Mapped::Drop => {}
            Mapped::Char(c) => {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                out.push(c);
            }
            Mapped::Nfkc(c) => {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                for n in std::iter::once(c).nfkc() {
                    match n {
                        '\u{FF01}'..='\u{FF5E}' => {
                            out.push(char::from_u32(n as u32 - 0xFEE0).unwrap_or(n))
                        }
                        '\u{3000}' => out.push(' '),
                        n => out.push(n),
                    }
                }
            }
        }
    }
    end_line(&mut out, line_start);
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

/// After an opening parenthesis: the number of characters up to and
/// including its closing one when what they enclose is one pinyin syllable
/// with its tone mark (`jiān)`, `qū)`), as mirror sites inject after each
/// character; `None` otherwise (`(pdf)`, `(一)`, `(2023)` stay).
fn pinyin_after(rest: &std::iter::Peekable<std::str::Chars<'_>>) -> Option<usize> {
    const TONED: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ";
    let mut n = 0;
    let mut toned = false;
    for c in rest.clone().take(8) {
        n += 1;
        match c {
            ')' | '）' => return (toned && n >= 3).then_some(n),
            'a'..='z' | 'ü' => {}
            c if TONED.contains(c) => toned = true,
            _ => return None,
        }
    }
    None
}

/// Closes the line that starts at `line_start`: trailing spaces go, and an
/// empty line leaves nothing behind.
fn end_line(out: &mut String, line_start: usize) {
    let trimmed = out[line_start..].trim_end().len();
    out.truncate(line_start + trimmed);
    if out.len() > line_start {
        out.push('\n');
    }
}

enum Mapped {
    Newline,
    Space,
    Drop,
    Char(char),
    Nfkc(char),
}

/// Folds traditional characters to simplified ones, keeping every byte offset.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    let table = &*FOLD_TABLE;
    let mut folded = String::with_capacity(text.len());
    // Copy runs that need no change in one go; look up each Han character
    // (three-byte sequences led by E3-E9, read without decoding the rest).
    let b = text.as_bytes();
    let mut run_start = 0;
    let mut i = 0;
    while i < b.len() {
        let lead = b[i];
        let width = match lead {
            0..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        if (0xE3..=0xE9).contains(&lead) && i + 2 < b.len() {
            let u = (u32::from(lead & 0x0F) << 12)
                | (u32::from(b[i + 1] & 0x3F) << 6)
                | u32::from(b[i + 2] & 0x3F);
            if let Some(&f) = table.get(u.wrapping_sub(FOLD_FIRST) as usize)
                && f as u32 != u
            {
                folded.push_str(&text[run_start..i]);
                folded.push(f);
                run_start = i + 3;
            }
        }
        i += width;
    }
    folded.push_str(&text[run_start..]);
    // Vocabulary of s2twp-converted mirrors, mapped back (same byte lengths).
    if text.contains(['檔', '資', '網', '覆']) {
        for (trad, simp) in [
            ("檔案", "文件"),
            ("資訊", "信息"),
            ("入口網站", "门户网站"),
            ("反覆", "反复"),
        ] {
            debug_assert_eq!(trad.len(), simp.len());
            let mut from = 0;
            while let Some(at) = text[from..].find(trad) {
                let at = from + at;
                folded.replace_range(at..at + trad.len(), simp);
                from = at + trad.len();
            }
        }
    }
    folded
}

/// A normalised line that is a page header or footer (a page number): `- 3 -`
/// (dashes are `-` once normalised), `第 3 页 共 6 页`, `共6页第3页`,
/// `第3页`, `Page 3 of 6`, `3 / 6`.
pub fn is_page_number(s: &str) -> bool {
    static PAGE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^(?:-+ ?\d{1,4} ?-+|(?:第 ?\d{1,4} ?页|共 ?\d{1,4} ?页|[ ,,/])+|(?i:page) ?\d{1,4}(?: ?(?i:of) ?\d{1,4})?|\d{1,4} ?/ ?\d{1,4})$",
        )
        .expect("valid pattern")
    });
    s.len() <= 40 && PAGE.is_match(s) && s.bytes().any(|b| b.is_ascii_digit())
}

/// First and last code point the fold table covers (CJK extension A through
/// the unified block).
const FOLD_FIRST: u32 = 0x3400;
const FOLD_LAST: u32 = 0x9FFF;

/// Simplified form of every character of the covered range, built once from
/// fast2s's character table. Only same-width (three-byte) mappings are kept,
/// so that folding never moves a byte offset.
static FOLD_TABLE: std::sync::LazyLock<Vec<char>> = std::sync::LazyLock::new(|| {
    (FOLD_FIRST..=FOLD_LAST)
        .map(|u| {
            let c = char::from_u32(u).unwrap_or(' ');
            let mut buf = [0u8; 4];
            match fast2s::convert(c.encode_utf8(&mut buf)).chars().next() {
                Some(f) if f.len_utf8() == c.len_utf8() => f,
                _ => c,
            }
        })
        .collect()
});

/// True for CJK unified ideographs (and their extensions and compatibility forms).
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{20000}'..='\u{3134F}' | '\u{F900}'..='\u{FAFF}' | '〇')
}

/// The largest char boundary of `s` at or below `at`.
pub fn floor_boundary(s: &str, at: usize) -> usize {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Maps byte offsets of a string to char offsets, for writing spans.
pub struct CharIndex {
    /// Byte offsets of every char boundary, in order (plus the end).
    starts: Vec<u32>,
}

impl CharIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
        starts.push(text.len() as u32);
        CharIndex { starts }
    }

    /// The byte offset of char offset `char` (the end for one past it).
    pub fn byte_at(&self, char: usize) -> usize {
        self.starts[char.min(self.starts.len() - 1)] as usize
    }

    /// The char offset of byte offset `byte` (which must be a char boundary).
    pub fn char_at(&self, byte: usize) -> usize {
        match self.starts.binary_search(&(byte as u32)) {
            Ok(i) | Err(i) => i,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_and_spaces() {
        assert_eq!(
            normalize("收到１３３９件，办结率９８．２％"),
            "收到1339件,办结率98.2%"
        );
        assert_eq!(
            normalize("（一）概述：\u{3000}甲\u{A0}\u{A0}乙"),
            "(一)概述: 甲 乙"
        );
        assert_eq!(normalize("电话：0715—8126116"), "电话:0715-8126116");
        assert_eq!(normalize("a\u{200B}b\u{FEFF}c"), "abc");
    }

    #[test]
    fn lines_are_trimmed_and_blank_lines_dropped() {
        assert_eq!(
            normalize("  一、概述 \r\n\r\n\t正文  内容\n\n"),
            "一、概述\n正文 内容"
        );
        assert_eq!(normalize("\n\n"), "");
    }

    #[test]
    fn compatibility_forms() {
        // A CJK compatibility ideograph, a Kangxi radical, a small-form bracket.
        assert_eq!(
            normalize("\u{F900}\u{2F00}\u{FE5D}2012\u{FE5E}"),
            "\u{8C48}一〔2012〕"
        );
        assert_eq!(normalize("\u{3220}概述"), "(一)概述");
    }

    #[test]
    fn page_numbers_are_told_from_cells() {
        for l in [
            "- 3 -",
            "第 3 页 共 6 页",
            "共6页第3页",
            "Page 3 of 6",
            "3 / 6",
        ] {
            assert!(is_page_number(l), "{l}");
        }
        assert!(is_page_number(normalize("— 3 —").trim()));
        for l in ["-4", "3", "行政许可 | 3", "2023年", "/"] {
            assert!(!is_page_number(l), "{l}");
        }
    }

    #[test]
    fn injected_pinyin_goes_other_brackets_stay() {
        assert_eq!(
            normalize("臨江市監(jiān)察局區(qū)衛(wèi)生"),
            "臨江市監察局區衛生"
        );
        assert_eq!(normalize("发（fā）布"), "发布");
        assert_eq!(
            normalize("报告(pdf) 第(一)项 2023(2) 区(qu)"),
            "报告(pdf) 第(一)项 2023(2) 区(qu)"
        );
    }

    #[test]
    fn folding_keeps_offsets() {
        let t = "本年新收政府信息公開申請數量 規範性檔案 政府資訊19條";
        let f = fold(t);
        assert_eq!(f.len(), t.len());
        assert_eq!(f, "本年新收政府信息公开申请数量 规范性文件 政府信息19条");
        assert_eq!(fold("abc"), "abc");
    }

    #[test]
    fn char_index() {
        let t = "a中b";
        let ix = CharIndex::new(t);
        assert_eq!(ix.char_at(0), 0);
        assert_eq!(ix.char_at(1), 1);
        assert_eq!(ix.char_at(4), 2);
        assert_eq!(ix.char_at(5), 3);
    }
}
