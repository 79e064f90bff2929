//! Numbers as printed: Arabic digits (with thousands separators and
//! decimals) and Chinese numerals (三, 两千, 一万二千, 一万二, 百分之九十五点五,
//! 二〇一三), kept as exact decimals so that 4.8万 is 48000, not 47999.99….

/// An exact decimal: `mantissa × 10^exponent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    /// The digits.
    pub mantissa: i128,
    /// The power of ten.
    pub exponent: i32,
}

impl Decimal {
    /// A whole number.
    pub fn int(v: i128) -> Decimal {
        Decimal {
            mantissa: v,
            exponent: 0,
        }
    }

    /// This number times 10^k.
    pub fn scale(self, k: i32) -> Decimal {
        Decimal {
            mantissa: self.mantissa,
            exponent: self.exponent + k,
        }
    }

    /// The nearest `f64` (exact for every whole number below 2^53).
    pub fn to_f64(self) -> f64 {
        // Exact integers times or over an exact power of ten: one correctly
        // rounded operation, the same result as parsing the decimal string.
        const POW10: [f64; 23] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
        ];
        if self.mantissa.unsigned_abs() < (1u128 << 53) && self.exponent.unsigned_abs() < 23 {
            let m = self.mantissa as f64;
            let p = POW10[self.exponent.unsigned_abs() as usize];
            return if self.exponent >= 0 { m * p } else { m / p };
        }
        format!("{}e{}", self.mantissa, self.exponent)
            .parse()
            .unwrap_or(f64::NAN)
    }

    /// True when the number is zero.
    pub fn is_zero(self) -> bool {
        self.mantissa == 0
    }
}

/// Parses Arabic digits at the start of `s`: `1339`, `1,339`, `98.2`, `1，234`.
/// A comma is a thousands separator only when exactly three digits follow it.
/// Returns the number and the byte length consumed.
pub fn parse_arabic(s: &str) -> Option<(Decimal, usize)> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut mantissa: i128 = 0;
    let mut digits = 0;
    let mut int_digits_since_sep = 0;
    let mut saw_sep = false;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() {
            if digits >= 30 {
                return None;
            }
            mantissa = mantissa * 10 + (c - b'0') as i128;
            digits += 1;
            int_digits_since_sep += 1;
            i += 1;
        } else if c == b',' && digits > 0 && is_thousands_group(&b[i + 1..]) {
            if saw_sep && int_digits_since_sep != 3 || !saw_sep && int_digits_since_sep > 3 {
                break;
            }
            saw_sep = true;
            int_digits_since_sep = 0;
            i += 1;
        } else {
            break;
        }
    }
    if digits == 0 {
        return None;
    }
    let mut exponent = 0;
    if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            if digits >= 30 {
                return None;
            }
            mantissa = mantissa * 10 + (b[i] - b'0') as i128;
            exponent -= 1;
            digits += 1;
            i += 1;
        }
    }
    Some((Decimal { mantissa, exponent }, i))
}

fn is_thousands_group(b: &[u8]) -> bool {
    b.len() >= 3
        && b[..3].iter().all(u8::is_ascii_digit)
        && b.get(3).is_none_or(|c| !c.is_ascii_digit())
}

/// The value of a Chinese digit character.
pub fn chinese_digit(c: char) -> Option<u8> {
    Some(match c {
        '零' | '〇' | '○' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '兩' | '贰' | '貳' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// The value of a Chinese unit character below 万.
fn chinese_small_unit(c: char) -> Option<i128> {
    Some(match c {
        '十' | '拾' => 10,
        '百' | '佰' => 100,
        '千' | '仟' => 1000,
        _ => return None,
    })
}

fn chinese_big_unit(c: char) -> Option<i128> {
    Some(match c {
        '万' | '萬' => 10_000,
        '亿' | '億' => 100_000_000,
        _ => return None,
    })
}

/// Every character of a Chinese numeral (what [`chinese_digit`],
/// [`chinese_small_unit`] and [`chinese_big_unit`] take).
const NUMERAL_CHARS: &str =
    "零〇○一壹二两兩贰貳三叁參四肆五伍六陆陸七柒八捌九玖十拾百佰千仟万萬亿億";

/// A filter on the low 10 bits of a code point: a character whose bit is
/// clear is no numeral character (one test per character of a text, where
/// most are not; the few that pass are checked exactly).
const NUMERAL_FILTER: [u64; 16] = {
    let mut bits = [0u64; 16];
    let b = NUMERAL_CHARS.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // Decode one UTF-8 character (all of them are two or three bytes).
        let (c, len) = if b[i] >= 0xE0 {
            (
                ((b[i] as u32 & 0x0F) << 12)
                    | ((b[i + 1] as u32 & 0x3F) << 6)
                    | (b[i + 2] as u32 & 0x3F),
                3,
            )
        } else {
            (((b[i] as u32 & 0x1F) << 6) | (b[i + 1] as u32 & 0x3F), 2)
        };
        let low = (c & 0x3FF) as usize;
        bits[low / 64] |= 1 << (low % 64);
        i += len;
    }
    bits
};

/// True for characters that can be part of a Chinese numeral.
pub fn is_chinese_numeral_char(c: char) -> bool {
    let low = (c as u32 & 0x3FF) as usize;
    NUMERAL_FILTER[low / 64] & (1 << (low % 64)) != 0
        && (chinese_digit(c).is_some()
            || chinese_small_unit(c).is_some()
            || chinese_big_unit(c).is_some())
}

/// A parsed Chinese numeral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChineseNumber {
    /// The value.
    pub value: Decimal,
    /// Bytes consumed.
    pub len: usize,
    /// True when the numeral was only digits (二〇一三), read digit by digit.
    pub digit_string: bool,
    /// True when the numeral is a lone 一 (or 壹).
    pub lone_one: bool,
}

/// Parses a Chinese numeral at the start of `s` (十, 三百, 两千, 一万二千,
/// 一万二, 九十五点五, 二〇一三). `big_units` allows 万/亿 inside the numeral;
/// figures pass `true`, and the caller handles a trailing 万 after Arabic digits.
pub fn parse_chinese(s: &str) -> Option<ChineseNumber> {
    let mut chars = s.char_indices().peekable();
    let mut total: i128 = 0; // completed 亿 groups
    let mut wan: i128 = 0; // completed 万 group
    let mut section: i128 = 0; // below 万
    let mut num: i128 = 0; // pending digit
    let mut has_num = false;
    let mut last_unit: i128 = 0; // unit just before the pending digit
    let mut abbrev: i128 = 1; // 一万二: a final digit right after a unit scales by unit/10
    let mut prev_was_unit = false;
    let mut digit_run = 0; // consecutive digits
    let mut all_digits = true;
    let mut digits_value: i128 = 0;
    let mut end = 0;
    let mut count = 0;
    let mut only_char = ' ';
    while let Some(&(i, c)) = chars.peek() {
        if let Some(d) = chinese_digit(c) {
            if digit_run >= 1 && all_digits {
                // 二〇一三: a digit string.
            } else if has_num && !prev_was_unit && d != 0 && num != 0 {
                break; // 三四 inside a counted numeral: stop at the first
            }
            digits_value = digits_value.saturating_mul(10).saturating_add(d as i128);
            // 一万二 = 12000, 两千五 = 2500, 三百五 = 350 (applied only at the end).
            abbrev = if prev_was_unit && d != 0 && last_unit >= 100 {
                last_unit / 10
            } else {
                1
            };
            num = d as i128;
            has_num = true;
            prev_was_unit = false;
            digit_run += 1;
        } else if let Some(u) = chinese_small_unit(c) {
            all_digits = false;
            if digit_run > 1 {
                break;
            }
            let n = if has_num { num } else { 1 };
            section += n * u;
            abbrev = 1;
            num = 0;
            has_num = false;
            last_unit = u;
            prev_was_unit = true;
            digit_run = 0;
        } else if let Some(u) = chinese_big_unit(c) {
            all_digits = false;
            if digit_run > 1 || (!has_num && section == 0 && wan == 0 && total == 0) {
                break;
            }
            section += num;
            abbrev = 1;
            if u == 10_000 {
                if wan != 0 {
                    break;
                }
                wan = section * 10_000;
            } else {
                total = (total + wan + section) * 100_000_000;
                wan = 0;
            }
            section = 0;
            num = 0;
            has_num = false;
            last_unit = u;
            prev_was_unit = true;
            digit_run = 0;
        } else {
            break;
        }
        count += 1;
        only_char = c;
        chars.next();
        end = i + c.len_utf8();
    }
    if count == 0 {
        return None;
    }
    let digit_string = all_digits && count > 1;
    let int = if digit_string {
        digits_value
    } else {
        total + wan + section + num * abbrev
    };
    let mut value = Decimal::int(int);
    // Decimal part: 点 followed by digits.
    let rest = &s[end..];
    if !digit_string && rest.starts_with('点') {
        let mut frac = String::new();
        let mut flen = '点'.len_utf8();
        for c in rest['点'.len_utf8()..].chars() {
            match chinese_digit(c) {
                Some(d) => {
                    frac.push((b'0' + d) as char);
                    flen += c.len_utf8();
                }
                None => break,
            }
        }
        if !frac.is_empty() {
            let f: i128 = frac.parse().unwrap_or(0);
            let k = frac.len() as i32;
            value = Decimal {
                mantissa: int * 10i128.pow(k as u32) + f,
                exponent: -k,
            };
            end += flen;
        }
    }
    Some(ChineseNumber {
        value,
        len: end,
        digit_string,
        lone_one: count == 1 && matches!(only_char, '一' | '壹'),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_passes_every_numeral_character() {
        // The filter's list and the exact tests name the same characters.
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            let exact = chinese_digit(c).is_some()
                || chinese_small_unit(c).is_some()
                || chinese_big_unit(c).is_some();
            assert_eq!(is_chinese_numeral_char(c), exact, "{c}");
            assert_eq!(NUMERAL_CHARS.contains(c), exact, "{c}");
        }
    }

    fn zh(s: &str) -> f64 {
        parse_chinese(s).unwrap().value.to_f64()
    }

    #[test]
    fn arabic() {
        assert_eq!(parse_arabic("1339件"), Some((Decimal::int(1339), 4)));
        assert_eq!(parse_arabic("98.2%").unwrap().0.to_f64(), 98.2);
        assert_eq!(parse_arabic("1,234条").unwrap(), (Decimal::int(1234), 5));
        assert_eq!(
            parse_arabic("12,345,678").unwrap().0,
            Decimal::int(12345678)
        );
        // Not thousands separators: a list, and a four-digit group.
        assert_eq!(parse_arabic("3,5件").unwrap(), (Decimal::int(3), 1));
        assert_eq!(parse_arabic("1,2345").unwrap(), (Decimal::int(1), 1));
        assert_eq!(parse_arabic("2.件").unwrap(), (Decimal::int(2), 1));
        assert_eq!(parse_arabic("件"), None);
        assert_eq!(Decimal::int(48).scale(-1).scale(4).to_f64(), 48000.0);
    }

    #[test]
    fn fast_conversion_matches_parsing() {
        for (m, e) in [
            (982, -1),
            (773028, -2),
            (48, 3),
            (15, 8),
            (1, -22),
            (123456789, -5),
            (7, 0),
            (-11, 0),
            (3, -1),
        ] {
            let d = Decimal {
                mantissa: m,
                exponent: e,
            };
            let parsed: f64 = format!("{m}e{e}").parse().unwrap();
            assert_eq!(d.to_f64(), parsed, "{m}e{e}");
        }
    }

    #[test]
    fn chinese_counts() {
        assert_eq!(zh("三期"), 3.0);
        assert_eq!(zh("十"), 10.0);
        assert_eq!(zh("十一个"), 11.0);
        assert_eq!(zh("二十"), 20.0);
        assert_eq!(zh("一百零五"), 105.0);
        assert_eq!(zh("两千余件"), 2000.0);
        assert_eq!(zh("百次"), 100.0);
        assert_eq!(zh("一万二千"), 12000.0);
        assert_eq!(zh("一万二"), 12000.0);
        assert_eq!(zh("两千五"), 2500.0);
        assert_eq!(zh("三百五"), 350.0);
        assert_eq!(zh("十万"), 100000.0);
        assert_eq!(zh("一亿二千万"), 120000000.0);
        assert_eq!(zh("九十五点五"), 95.5);
        assert_eq!(zh("〇"), 0.0);
        assert_eq!(zh("兩"), 2.0);
    }

    #[test]
    fn chinese_digit_strings_and_lengths() {
        let n = parse_chinese("二〇一三年").unwrap();
        assert!(n.digit_string);
        assert_eq!(n.value, Decimal::int(2013));
        assert_eq!(n.len, "二〇一三".len());
        assert!(parse_chinese("一名").unwrap().lone_one);
        assert!(!parse_chinese("十一").unwrap().lone_one);
        assert_eq!(parse_chinese("年"), None);
        // 万 alone is not a number.
        assert_eq!(parse_chinese("万众"), None);
        assert_eq!(parse_chinese("十二点").unwrap().value, Decimal::int(12));
    }
}
