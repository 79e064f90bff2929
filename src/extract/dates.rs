//! Dates as printed: `2014-02-20`, `2014/2/20`, `2014.02.20`, `2014年2月20日`
//! (with stray spaces, as PDF text has them), `二〇一四年二月二十日`, and the
//! mangled forms of stored copies where characters were lost
//! (`201911日`, `20191231日`, `20191月1日`), which only the period reader
//! accepts.

use std::sync::LazyLock;

use regex::Regex;

use super::numerals::parse_chinese;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year.
    pub y: i32,
    /// Month, 1–12.
    pub m: u32,
    /// Day, 1–31.
    pub d: u32,
}

impl Date {
    /// A checked date (years 1949–2100).
    pub fn new(y: i32, m: u32, d: u32) -> Option<Date> {
        let days = match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
            2 => 28,
            _ => return None,
        };
        ((1949..=2100).contains(&y) && d >= 1 && d <= days).then_some(Date { y, m, d })
    }

    /// ISO `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

/// A date found in a text, with its byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// The date.
    pub date: Date,
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset just past it.
    pub end: usize,
}

static ARABIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-/.](\d{1,2})[-/.](\d{1,2}))")
        .expect("valid regex")
});

static CHINESE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")
        .expect("valid regex")
});

/// Every well-formed date in `text`, in order.
pub fn find_all(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    for c in ARABIC.captures_iter(text) {
        let whole = c.get(0).expect("match");
        // Not part of a longer digit run (a document or index number).
        if text[..whole.start()].ends_with(|c: char| c.is_ascii_digit())
            || text[whole.end()..].starts_with(|c: char| c.is_ascii_digit())
        {
            continue;
        }
        let y: i32 = c[1].parse().unwrap_or(0);
        let (m, d) = match (c.get(2), c.get(3), c.get(4), c.get(5)) {
            (Some(m), Some(d), _, _) | (_, _, Some(m), Some(d)) => (
                m.as_str().parse().unwrap_or(0),
                d.as_str().parse().unwrap_or(0),
            ),
            _ => continue,
        };
        if let Some(date) = Date::new(y, m, d) {
            out.push(Found {
                date,
                start: whole.start(),
                end: whole.end(),
            });
        }
    }
    for c in CHINESE.captures_iter(text) {
        let whole = c.get(0).expect("match");
        let y: String = c[1]
            .chars()
            .map(|ch| match ch {
                '〇' | '○' | '零' => '0',
                ch => super::numerals::chinese_digit(ch).map_or('?', |d| (b'0' + d) as char),
            })
            .collect();
        let m = parse_chinese(&c[2]).map(|n| n.value.to_f64() as u32);
        let d = parse_chinese(&c[3]).map(|n| n.value.to_f64() as u32);
        if let (Ok(y), Some(m), Some(d)) = (y.parse(), m, d)
            && let Some(date) = Date::new(y, m, d)
        {
            out.push(Found {
                date,
                start: whole.start(),
                end: whole.end(),
            });
        }
    }
    out.sort_by_key(|f| f.start);
    out
}

/// The date at the very start of `text`, if one is there.
pub fn at_start(text: &str) -> Option<Found> {
    find_all(&text[..crate::decode::normalize::floor_boundary(text, 80)])
        .into_iter()
        .find(|f| f.start == 0)
}

/// Reads a possibly mangled date (`2013年1月1日`, `201911日`, `20191231日`,
/// `20191月1日`, `12月31日`, `12月31`) from the start of `s`; a missing year
/// comes from `year`. Returns the date and the bytes read.
pub fn lenient(s: &str, year: Option<i32>) -> Option<(Date, usize)> {
    // Tokens: digit runs with the 年/月/日 after them (spaces allowed).
    let b = s.as_bytes();
    let mut i = 0;
    let mut tokens: Vec<(String, Option<char>)> = Vec::new();
    let mut end = 0;
    loop {
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        let ds = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == ds {
            break;
        }
        let digits = s[ds..i].to_string();
        let mut j = i;
        while j < b.len() && b[j] == b' ' {
            j += 1;
        }
        let suffix = s[j..]
            .chars()
            .next()
            .filter(|c| matches!(c, '年' | '月' | '日' | '号' | '.' | '-' | '/'));
        match suffix {
            Some(c) => {
                i = j + c.len_utf8();
                let c = match c {
                    '号' => '日',
                    '.' | '-' | '/' => '.',
                    c => c,
                };
                tokens.push((digits, Some(c)));
                end = i;
                if c == '日' {
                    break;
                }
            }
            None => {
                tokens.push((digits, None));
                end = i;
                break;
            }
        }
        if tokens.len() >= 3 {
            break;
        }
    }
    let (mut y, mut m, mut d) = (None::<i32>, None::<u32>, None::<u32>);
    for (digits, suffix) in &tokens {
        match suffix {
            Some('年') if digits.len() == 4 => y = digits.parse().ok(),
            Some('月') => {
                if digits.len() >= 5 && y.is_none() {
                    y = digits[..4].parse().ok();
                    m = digits[4..].parse().ok();
                } else if digits.len() <= 2 {
                    m = digits.parse().ok();
                } else {
                    return None;
                }
            }
            Some('.') if y.is_none() && digits.len() == 4 => y = digits.parse().ok(),
            Some('.') if m.is_none() && digits.len() <= 2 => m = digits.parse().ok(),
            _ => {
                // 日, or the last token without a suffix.
                let mut rest = digits.as_str();
                if y.is_none() && rest.len() >= 6 {
                    y = rest[..4].parse().ok();
                    rest = &rest[4..];
                }
                if m.is_none() {
                    match rest.len() {
                        2 => {
                            m = rest[..1].parse().ok();
                            d = rest[1..].parse().ok();
                        }
                        4 => {
                            m = rest[..2].parse().ok();
                            d = rest[2..].parse().ok();
                        }
                        _ => return None,
                    }
                } else if rest.len() <= 2 {
                    d = rest.parse().ok();
                } else {
                    return None;
                }
            }
        }
    }
    let date = Date::new(y.or(year)?, m?, d?)?;
    Some((date, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> Vec<String> {
        find_all(s).into_iter().map(|f| f.date.iso()).collect()
    }

    #[test]
    fn well_formed_dates() {
        assert_eq!(iso("发布时间:2014-02-20 10:00"), ["2014-02-20"]);
        assert_eq!(iso("2014年1月22日"), ["2014-01-22"]);
        assert_eq!(iso("自 2023 年 1 月 1 日\n起"), ["2023-01-01"]);
        assert_eq!(iso("2019/1/4 与 2019.01.04"), ["2019-01-04", "2019-01-04"]);
        assert_eq!(iso("二〇一四年一月二十二日"), ["2014-01-22"]);
        assert_eq!(iso("二○一三年十二月三十一日"), ["2013-12-31"]);
        assert!(iso("2013年2月30日 索引号12019-01-045").is_empty());
    }

    #[test]
    fn mangled_dates_for_periods() {
        let l = |s: &str, y| lenient(s, y).map(|(d, _)| d.iso());
        assert_eq!(l("2013年1月1日起", None).as_deref(), Some("2013-01-01"));
        assert_eq!(l("201911日起", None).as_deref(), Some("2019-01-01"));
        assert_eq!(l("20191231日止", None).as_deref(), Some("2019-12-31"));
        assert_eq!(l("20191月1日起", None).as_deref(), Some("2019-01-01"));
        assert_eq!(l("12月31止", Some(2023)).as_deref(), Some("2023-12-31"));
        assert_eq!(l("12月31日期间", Some(2012)).as_deref(), Some("2012-12-31"));
        assert_eq!(l("2018年11日", None).as_deref(), Some("2018-01-01"));
        assert_eq!(l("2018年1231日", None).as_deref(), Some("2018-12-31"));
        assert_eq!(
            l(" 2023 年 12 月 31 日止", None).as_deref(),
            Some("2023-12-31")
        );
        assert_eq!(l("2013.1.1", None).as_deref(), Some("2013-01-01"));
        assert_eq!(l("12月31日", None), None);
        assert_eq!(l("111日", Some(2019)), None);
    }
}
