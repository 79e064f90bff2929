//! Bytes to text, and a record of how.
//!
//! The order of evidence is the browser's: a byte-order mark, then a declared
//! label (the HTTP `Content-Type` charset stored with the page, then a
//! `<meta charset>` / `http-equiv` declaration found by a prescan of the page's
//! start), then detection (chardetng with the `.cn` hint) when nothing is
//! declared or the declaration does not decode cleanly. `gb2312`, `gbk` and
//! `x-gbk` labels map to encoding_rs's GBK, whose decoder is the full GB18030
//! decoder, so characters outside GBK proper still come out right.
//!
//! Text normalisation and the traditional-to-simplified folding used for
//! matching live in [`normalize`].

pub mod normalize;
pub mod office;
pub mod pdf;

use encoding_rs::{Encoding, UTF_8};

use crate::error::{Error, Result};
use crate::model::EncodingFrom;

/// How many bytes of a page the `<meta>` prescan looks at. Browsers stop at
/// 1024; Chinese CMS pages often declare later, after long comments and scripts.
const PRESCAN_BYTES: usize = 16 * 1024;

/// How many bytes of text chardetng sees at most: a thousand Chinese
/// characters settle GBK against Big5 and the rest; more only costs time
/// (chardetng spends some two thousand instructions a byte).
const DETECT_BYTES: usize = 2 * 1024;

/// Decoded text and how it was decoded.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text (not yet normalised).
    pub text: String,
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// Why that encoding.
    pub from: EncodingFrom,
    /// True when malformed sequences were replaced with U+FFFD.
    pub lossy: bool,
    /// What went wrong on the way (a declared label that did not fit, …).
    pub warnings: Vec<String>,
}

/// Whether bytes start (after a BOM and whitespace) like markup.
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    b.iter()
        .find(|c| !c.is_ascii_whitespace())
        .is_some_and(|&c| c == b'<')
}

/// Decodes raw input bytes.
///
/// `header` is the stored HTTP `Content-Type` value, if any. `html` enables the
/// `<meta>` prescan. Binary inputs (NUL bytes, PDF, images, archives) are
/// rejected with [`Error::Binary`], empty ones with [`Error::Empty`].
pub fn decode(bytes: &[u8], header: Option<&str>, html: bool) -> Result<Decoded> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, lossy) = decode_with(enc, &bytes[bom_len..]);
        let mut warnings = Vec::new();
        if lossy {
            warnings.push(format!(
                "malformed {} sequences replaced with U+FFFD",
                enc.name()
            ));
        }
        return Ok(Decoded {
            text,
            encoding: enc,
            from: EncodingFrom::Bom,
            lossy,
            warnings,
        });
    }
    if let Some(reason) = binary_reason(bytes) {
        return Err(Error::Binary { reason });
    }
    let mut warnings = Vec::new();
    // A few stray NULs (a CMS bug, a bad copy) in a text page: dropped, and
    // said. Binary content was refused above.
    let without_nuls: Vec<u8>;
    let nuls = memchr::memchr_iter(0, bytes).count();
    let bytes = if nuls > 0 {
        without_nuls = bytes.iter().copied().filter(|&b| b != 0).collect();
        warnings.push(format!("{nuls} stray NUL bytes dropped"));
        &without_nuls[..]
    } else {
        bytes
    };
    let declared = header
        .and_then(charset_from_content_type)
        .map(|label| (label, EncodingFrom::Header))
        .or_else(|| {
            if html {
                prescan_meta(bytes).map(|label| (label, EncodingFrom::Meta))
            } else {
                None
            }
        });
    if let Some((label, from)) = declared {
        match label_to_encoding(&label) {
            Some(enc) => {
                if let Some(text) = decode_strict(enc, bytes) {
                    return Ok(Decoded {
                        text,
                        encoding: enc,
                        from,
                        lossy: false,
                        warnings,
                    });
                }
                // A page cut off inside a multi-byte character is still the
                // declared encoding.
                let tail = bytes.len().saturating_sub(3);
                for cut in (tail..bytes.len()).rev() {
                    if cut > 0 && decode_strict(enc, &bytes[..cut]).is_some() {
                        let (text, _) = decode_with(enc, bytes);
                        warnings.push(format!(
                            "input ends inside a {} character (truncated?)",
                            enc.name()
                        ));
                        return Ok(Decoded {
                            text,
                            encoding: enc,
                            from,
                            lossy: true,
                            warnings,
                        });
                    }
                }
                warnings.push(format!(
                    "declared charset {label:?} ({}) does not decode cleanly; detected instead",
                    from.as_str()
                ));
            }
            None => warnings.push(format!(
                "unknown charset label {label:?} ({}); detected instead",
                from.as_str()
            )),
        }
    }
    let (enc, from) = detect(bytes);
    let (text, lossy) = decode_with(enc, bytes);
    if lossy {
        warnings.push(format!(
            "malformed {} sequences replaced with U+FFFD",
            enc.name()
        ));
    }
    Ok(Decoded {
        text,
        encoding: enc,
        from,
        lossy,
        warnings,
    })
}

/// Guesses the encoding of undeclared bytes.
fn detect(bytes: &[u8]) -> (&'static Encoding, EncodingFrom) {
    if bytes.is_ascii() {
        return (UTF_8, EncodingFrom::Default);
    }
    if std::str::from_utf8(bytes).is_ok() {
        return (UTF_8, EncodingFrom::Detected);
    }
    let sample = detection_sample(bytes);
    let gbk_hits = marker_hits(encoding_rs::GBK, &sample);
    if gbk_hits >= 6 {
        return (encoding_rs::GBK, EncodingFrom::Detected);
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(&sample, true);
    let guess = detector.guess(Some(b"cn"), true);
    // The .cn hint makes chardetng answer GBK for Big5 bytes too (both decode
    // cleanly); traditional-character mirrors are often Big5.
    if guess == encoding_rs::GBK {
        let big5_hits = marker_hits(encoding_rs::BIG5, &sample);
        if big5_hits >= 6 && big5_hits > gbk_hits {
            return (encoding_rs::BIG5, EncodingFrom::Detected);
        }
    }
    (guess, EncodingFrom::Detected)
}

/// How often the words every report uses (in simplified or traditional
/// script) occur in `sample` decoded strictly as `enc` (0 if it does not
/// decode). Bytes of another CJK encoding read as GBK or Big5 give valid but
/// meaningless characters, never these words: a cheap, sure test that
/// spares chardetng's cost (two thousand instructions a byte) on most pages.
fn marker_hits(enc: &'static Encoding, sample: &[u8]) -> usize {
    const MARKERS: [&str; 14] = [
        "政府", "信息", "公开", "公開", "资讯", "資訊", "工作", "年度", "报告", "報告", "情况",
        "情況", "条例", "的",
    ];
    match enc.decode_without_bom_handling_and_without_replacement(sample) {
        Some(text) => MARKERS.iter().map(|m| text.matches(m).count()).sum(),
        None => 0,
    }
}

/// What chardetng needs to see: the stretches of text that hold non-ASCII
/// bytes, without the markup, scripts and styles around them (most of a
/// portal page's bytes, and most of detection's cost). Up to
/// [`DETECT_BYTES`].
fn detection_sample(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len().min(64 * 1024));
    let mut i = 0;
    while i < bytes.len() && out.len() < DETECT_BYTES {
        // The next text run: from here to the next '<'.
        let end = bytes[i..]
            .iter()
            .position(|&b| b == b'<')
            .map_or(bytes.len(), |p| i + p);
        let run = &bytes[i..end];
        if !run.is_ascii() {
            out.extend_from_slice(run);
            out.push(b' ');
        }
        // Skip the tag.
        i = match bytes[end..].iter().position(|&b| b == b'>') {
            Some(p) => end + p + 1,
            None => bytes.len(),
        };
    }
    if out.is_empty() {
        // Non-ASCII only inside tags (attribute values): look at everything.
        out.extend_from_slice(&bytes[..bytes.len().min(DETECT_BYTES)]);
    }
    out
}

/// Maps a charset label to an encoding the way browsers do, with one change
/// documented in the module docs: UTF-16 labels in a `<meta>` mean UTF-8.
pub fn label_to_encoding(label: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(label.trim().as_bytes())?;
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        return Some(UTF_8);
    }
    if enc == encoding_rs::REPLACEMENT {
        return None;
    }
    Some(enc)
}

fn decode_with(enc: &'static Encoding, bytes: &[u8]) -> (String, bool) {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    (text.into_owned(), had_errors)
}

fn decode_strict(enc: &'static Encoding, bytes: &[u8]) -> Option<String> {
    enc.decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| t.into_owned())
}

/// The `charset` parameter of a Content-Type value.
pub fn charset_from_content_type(value: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = lower[at + 7..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .unwrap_or(rest.len());
    let label = &rest[..end];
    (!label.is_empty()).then(|| label.to_string())
}

/// Looks for a `<meta charset>` or `<meta http-equiv=Content-Type content=…>`
/// declaration near the start of the page, skipping comments.
pub fn prescan_meta(bytes: &[u8]) -> Option<String> {
    let b = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    let mut i = 0;
    while i < b.len() {
        let Some(off) = memchr(b'<', &b[i..]) else {
            break;
        };
        i += off;
        let rest = &b[i..];
        if rest.starts_with(b"<!--") {
            match find(&rest[4..], b"-->") {
                Some(end) => i += 4 + end + 3,
                None => break,
            }
            continue;
        }
        if rest.len() > 5
            && rest[1..5].eq_ignore_ascii_case(b"meta")
            && (rest[5].is_ascii_whitespace() || rest[5] == b'/')
        {
            let (attrs, len) = tag_attributes(&rest[5..]);
            i += 5 + len;
            let mut charset = None;
            let mut http_equiv = false;
            let mut content = None;
            for (name, value) in attrs {
                match name.as_str() {
                    "charset" if charset.is_none() => charset = Some(value),
                    "http-equiv" => http_equiv |= value.eq_ignore_ascii_case("content-type"),
                    "content" => content = Some(value),
                    _ => {}
                }
            }
            if let Some(c) = charset.filter(|c| !c.trim().is_empty()) {
                return Some(c.trim().to_string());
            }
            if http_equiv && let Some(c) = content.as_deref().and_then(charset_from_content_type) {
                return Some(c);
            }
            continue;
        }
        i += 1;
    }
    None
}

/// Parses the attributes of a tag starting just after its name; returns them
/// (names lowercased) and the number of bytes up to and including `>`.
fn tag_attributes(b: &[u8]) -> (Vec<(String, String)>, usize) {
    let mut attrs = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (attrs, i);
        }
        if b[i] == b'>' {
            return (attrs, i + 1);
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = String::from_utf8_lossy(&b[start..i]).to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                i += 1;
                let vs = i;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                value = String::from_utf8_lossy(&b[vs..i]).into_owned();
                i = (i + 1).min(b.len());
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = String::from_utf8_lossy(&b[vs..i]).into_owned();
            }
        }
        if !name.is_empty() {
            attrs.push((name, value));
        }
    }
}

/// Why bytes are not a text document, if they are not.
fn binary_reason(bytes: &[u8]) -> Option<String> {
    const MAGIC: [(&[u8], &str); 8] = [
        (b"%PDF-", "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"GIF8", "a GIF image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"PK\x03\x04", "a ZIP archive (docx/xlsx?)"),
        (b"\xD0\xCF\x11\xE0", "an OLE document (doc/xls/wps?)"),
        (b"\x1F\x8B", "gzip-compressed data"),
        (b"Rar!", "a RAR archive"),
    ];
    for (magic, what) in MAGIC {
        if bytes.starts_with(magic) {
            return Some(format!("starts like {what}"));
        }
    }
    let head = &bytes[..bytes.len().min(8192)];
    let nuls = memchr::memchr_iter(0, head).count();
    // Text has none; a binary file (or UTF-16 without a byte-order mark)
    // many. A few in a page are stray, and dropped by `decode`.
    if nuls * 100 > head.len() {
        return Some(format!(
            "{nuls} NUL bytes in the first {} bytes",
            head.len()
        ));
    }
    // Counted in chunks of u8 sums, which the compiler turns into SIMD.
    let controls: usize = head
        .chunks(255)
        .map(|chunk| {
            chunk
                .iter()
                .map(|&b| u8::from(b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C | 0x1B)))
                .sum::<u8>() as usize
        })
        .sum();
    if controls * 20 > head.len() {
        return Some(format!(
            "{controls} control bytes in the first {} bytes",
            head.len()
        ));
    }
    None
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(s).0.into_owned()
    }

    const TEXT: &str =
        "咸宁市2013年政府信息公开工作年度报告，市长信箱共收到群众来信1339件，办结率98.2%。";

    #[test]
    fn utf8_bom_wins_over_a_wrong_meta() {
        let mut bytes = b"\xEF\xBB\xBF<meta charset=gb2312><p>".to_vec();
        bytes.extend_from_slice(TEXT.as_bytes());
        let d = decode(&bytes, None, true).unwrap();
        assert_eq!(d.encoding, UTF_8);
        assert_eq!(d.from, EncodingFrom::Bom);
        assert!(d.text.contains(TEXT));
    }

    #[test]
    fn gbk_declared_in_meta() {
        let mut bytes = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body>".to_vec();
        bytes.extend(gbk(TEXT));
        let d = decode(&bytes, None, true).unwrap();
        assert_eq!(d.encoding.name(), "GBK");
        assert_eq!(d.from, EncodingFrom::Meta);
        assert!(d.text.contains(TEXT));
    }

    #[test]
    fn undeclared_gbk_is_detected() {
        let mut bytes = b"<html><body><p>".to_vec();
        for _ in 0..3 {
            bytes.extend(gbk(TEXT));
        }
        let d = decode(&bytes, None, true).unwrap();
        assert_eq!(d.from, EncodingFrom::Detected);
        assert!(d.text.contains(TEXT), "{}", d.text);
    }

    #[test]
    fn big5_and_gbk_are_told_apart_without_a_declaration() {
        let trad = "本報告由北京市信訪辦編制。我辦共主動公開政府資訊十九條,受理政府信息公開申請六件,答復六件。";
        let mut bytes = b"<html><body><p>".to_vec();
        for _ in 0..4 {
            bytes.extend(encoding_rs::BIG5.encode(trad).0.iter());
        }
        let d = decode(&bytes, None, true).unwrap();
        assert_eq!(d.encoding, encoding_rs::BIG5);
        assert!(d.text.contains(trad));
    }

    #[test]
    fn header_label_beats_meta_and_wrong_labels_fall_back_to_detection() {
        let mut bytes = b"<meta charset=utf-8><p>".to_vec();
        bytes.extend(gbk(TEXT));
        let d = decode(&bytes, Some("text/html; charset=GBK"), true).unwrap();
        assert_eq!(d.from, EncodingFrom::Header);
        assert!(d.text.contains(TEXT));
        // Without the header the utf-8 <meta> is wrong: detection takes over.
        let d = decode(&bytes, None, true).unwrap();
        assert_eq!(d.from, EncodingFrom::Detected);
        assert!(d.text.contains(TEXT));
        assert!(
            d.warnings[0].contains("does not decode cleanly"),
            "{:?}",
            d.warnings
        );
    }

    #[test]
    fn gb18030_characters_under_a_gb2312_label() {
        // U+20000 is outside GBK and needs GB18030's four-byte form.
        let text = "报告𠀀完";
        let bytes: Vec<u8> = [
            b"<meta charset=gb2312>".as_slice(),
            &encoding_rs::GB18030.encode(text).0,
        ]
        .concat();
        let d = decode(&bytes, None, true).unwrap();
        assert!(d.text.contains(text));
        assert!(!d.lossy);
    }

    #[test]
    fn truncated_gbk_keeps_the_declared_encoding() {
        let mut bytes = b"<meta charset=gbk>".to_vec();
        bytes.extend(gbk(TEXT));
        bytes.push(0xC4); // first byte of a two-byte character
        let d = decode(&bytes, None, true).unwrap();
        assert_eq!(d.from, EncodingFrom::Meta);
        assert!(d.lossy);
        assert!(d.text.contains(TEXT));
    }

    #[test]
    fn binary_and_empty_inputs_are_errors() {
        assert!(matches!(decode(b"", None, true), Err(Error::Empty)));
        assert!(matches!(
            decode(b"%PDF-1.7\n...", None, true),
            Err(Error::Binary { .. })
        ));
        assert!(matches!(
            decode(b"ab\0\0cd", None, false),
            Err(Error::Binary { .. })
        ));
    }

    #[test]
    fn stray_nuls_in_a_page_are_dropped_with_a_warning() {
        let mut page = "<html><body><p>收到申请12件</p>".repeat(40).into_bytes();
        page.insert(100, 0);
        page.insert(500, 0);
        let d = decode(&page, None, true).unwrap();
        assert!(!d.text.contains('\0'));
        assert!(d.text.contains("收到申请12件"));
        assert_eq!(d.warnings, ["2 stray NUL bytes dropped"]);
    }

    #[test]
    fn ascii_defaults_to_utf8() {
        let d = decode(b"<p>hello</p>", None, true).unwrap();
        assert_eq!(d.from, EncodingFrom::Default);
        assert_eq!(d.encoding, UTF_8);
    }

    #[test]
    fn content_type_and_meta_parsing() {
        assert_eq!(
            charset_from_content_type("text/html; charset=\"GB2312\"").as_deref(),
            Some("gb2312")
        );
        assert_eq!(charset_from_content_type("text/html"), None);
        assert_eq!(
            prescan_meta(b"<!-- <meta charset=big5> --><META CHARSET='gbk'>").as_deref(),
            Some("gbk")
        );
        assert_eq!(label_to_encoding("x-gbk").unwrap().name(), "GBK");
        assert_eq!(label_to_encoding("utf-16").unwrap(), UTF_8);
        assert!(label_to_encoding("no-such-charset").is_none());
    }
}
