//! Figures: every number in the prose that carries a measure word or `%`.
//!
//! One left-to-right pass over the folded text finds number starts (Arabic
//! digits, Chinese numerals, 百分之…), reads the multiplier (万/亿), the
//! approximation marker (多/余), the measure word and the qualifiers around
//! them, and then applies the not-a-figure rules of docs/contract.md (figures): ordinals
//! (第…), years and dates, document and phone numbers (no measure word),
//! hotline and standard names (digits glued to letters or names), numbers in
//! quotes and book titles (slogans such as “三个一”, 《…》), indefinites
//! (数百, 几十, 一批, a lone 一 other than a head count), the report's count of
//! its own parts (…七部分组成), party congresses (十九大), and numbers that
//! are cells of a table.
//!
//! Matching happens on the folded text (traditional → simplified); units,
//! labels and `raw` are read back from the normalised text, as printed.

use crate::decode::normalize::CharIndex;
use crate::model::{Figure, Qualifier, Section};

use super::numerals::{Decimal, is_chinese_numeral_char, parse_arabic, parse_chinese};

/// Measure words, longest first where one is a prefix of another. Each comes
/// with the words that, following it, show it is not a measure word here.
const UNITS: &[(&str, &[&str])] = &[
    ("个工作日", &[]),
    ("个百分点", &[]),
    ("百分点", &[]),
    ("工作日", &[]),
    ("个月", &[]),
    ("平方米", &[]),
    ("人次", &[]),
    ("家次", &[]),
    ("批次", &[]),
    ("件次", &[]),
    ("户次", &[]),
    ("场次", &[]),
    ("车次", &[]),
    ("班次", &[]),
    ("架次", &[]),
    ("个次", &[]),
    ("小时", &[]),
    ("分钟", &[]),
    ("公里", &[]),
    ("元", &["旦", "月", "素", "宵"]),
    ("件", &[]),
    ("条", &["例", "款", "件", "理", "线"]),
    ("个", &["体", "性", "别", "案"]),
    ("期", &["间", "限", "末", "初", "满", "刊"]),
    ("份", &["额"]),
    ("家", &["庭", "长", "属", "乡", "里"]),
    ("项", &["目"]),
    ("张", &["贴"]),
    ("次", &["日", "年", "月", "要", "序", "数"]),
    ("篇", &["章"]),
    ("场", &["所", "景", "地", "馆", "合"]),
    ("字", &["号", "样"]),
    ("种", &["植", "子"]),
    ("名", &["称", "单", "义", "额", "录", "片"]),
    ("人", &["民", "大", "员", "事", "才", "口"]),
    ("部", &["门", "分", "署", "长", "委", "位", "署"]),
    ("册", &[]),
    ("起", &["草", "诉", "点", "止", "至", "步", "来"]),
    ("宗", &["旨", "教"]),
    ("例", &["如"]),
    ("倍", &[]),
    ("天", &["津", "然"]),
    ("所", &["属", "有", "在", "以", "得"]),
    ("位", &["于", "置", "一体"]),
    ("户", &["籍", "口"]),
    ("座", &["谈"]),
    ("台", &["账", "湾", "州"]),
    ("套", &["餐"]),
    ("辆", &[]),
    ("块", &[]),
    ("处", &["理", "室", "长", "置", "级", "罚", "分"]),
    ("类", &["内部事务", "过程性", "似"]),
    ("批", &["准", "复", "示", "评", "转"]),
    ("轮", &[]),
    ("年", &[]),
    ("%", &[]),
    ("‰", &[]),
    ("亩", &[]),
    ("吨", &[]),
    ("大", &[]),
];

/// Nouns that make `N大X` a count (8大板块, 六大类, 三大主要功能).
const BIG_NOUNS: &[&str] = &[
    "类", "板块", "方面", "领域", "平台", "工程", "行动", "体系", "任务", "战略", "功能", "专项",
    "重点", "产业", "系统", "模块", "主要", "主题", "片区", "中心", "举措", "措施", "服务", "特色",
    "目标", "攻坚", "基地", "版块", "栏目", "专栏", "重大", "核心", "民生",
];

/// Qualifiers before a number, longest first.
const PRE_QUALIFIERS: &[(&str, Qualifier)] = &[
    ("不少于", Qualifier::MoreThan),
    ("不低于", Qualifier::MoreThan),
    ("不超过", Qualifier::LessThan),
    ("将近", Qualifier::Nearly),
    ("接近", Qualifier::Nearly),
    ("超过", Qualifier::MoreThan),
    ("突破", Qualifier::MoreThan),
    ("不到", Qualifier::LessThan),
    ("不足", Qualifier::LessThan),
    ("大约", Qualifier::Approx),
    ("约", Qualifier::Approx),
    ("近", Qualifier::Nearly),
    ("逾", Qualifier::MoreThan),
    ("超", Qualifier::MoreThan),
];

/// The last characters of [`PRE_QUALIFIERS`] (a test keeps them in step).
const PRE_QUALIFIER_ENDS: [char; 9] = ['于', '过', '近', '破', '到', '足', '约', '逾', '超'];

/// Qualifiers after the measure word.
const POST_QUALIFIERS: &[(&str, Qualifier)] = &[
    ("以上", Qualifier::MoreThan),
    ("以下", Qualifier::LessThan),
    ("以内", Qualifier::LessThan),
    ("左右", Qualifier::Approx),
];

/// Nouns whose count needs no measure word (用户突破550万 → 人).
const IMPLIED_UNITS: &[(&str, &str)] = &[
    ("用户", "人"),
    ("粉丝", "人"),
    ("订阅人数", "人"),
    ("关注人数", "人"),
    ("人数", "人"),
    ("播放量", "次"),
    ("阅读量", "次"),
    ("浏览量", "次"),
    ("访问量", "次"),
    ("点击量", "次"),
    ("观看量", "次"),
    ("下载量", "次"),
    ("转发量", "次"),
];

/// Characters that end a clause (for labels).
fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        ',' | '，'
            | '。'
            | ';'
            | '；'
            | ':'
            | '：'
            | '!'
            | '！'
            | '?'
            | '？'
            | '、'
            | '('
            | ')'
            | '（'
            | '）'
            | '【'
            | '】'
            | '['
            | ']'
            | '|'
            | '\n'
    )
}

/// How far (in bytes) context searches look around a figure. Keeps the pass
/// linear on pathological inputs (one 10 MB line, no punctuation).
const WINDOW: usize = 600;

/// The char boundary `n` bytes before `at` (or the start).
fn back(f: &str, at: usize, n: usize) -> usize {
    let mut b = at.saturating_sub(n);
    while !f.is_char_boundary(b) {
        b += 1;
    }
    b
}

/// The char boundary `n` bytes after `at` (or the end).
fn ahead(f: &str, at: usize, n: usize) -> usize {
    crate::decode::normalize::floor_boundary(f, at.saturating_add(n))
}

/// A figure before offsets are turned into characters.
struct Found {
    value: f64,
    unit_start: usize,
    unit_end: usize,
    unit_override: Option<&'static str>,
    qualifier: Qualifier,
    raw_start: usize,
    raw_end: usize,
}

/// Finds the figures of a normalised text. `folded` is its folded twin (same
/// byte offsets); `sections` give each figure's section.
pub fn extract(text: &str, folded: &str, sections: &[Section], index: &CharIndex) -> Vec<Figure> {
    let quotes = quote_spans(folded);
    let marks = Marks::new(folded);
    let mut found: Vec<Found> = Vec::new();
    let b = folded.as_bytes();
    // Figures are found left to right; `skip_to` jumps over what a match (or
    // a digit run that was no figure) consumed. Most characters cannot start
    // a number: the scan reads bytes and decodes only the three-byte
    // characters, where the Chinese numerals are.
    let mut skip_to = 0;
    let mut i = 0;
    while i < b.len() {
        let lead = b[i];
        let (c, len) = match lead {
            b'0'..=b'9' => (lead as char, 1),
            0..=0x7F => {
                i += 1;
                continue;
            }
            0xE0..=0xEF if i + 2 < b.len() => {
                // A three-byte character, decoded by hand (the text is valid
                // UTF-8).
                let code = ((lead as u32 & 0x0F) << 12)
                    | ((b[i + 1] as u32 & 0x3F) << 6)
                    | (b[i + 2] as u32 & 0x3F);
                let c = char::from_u32(code).unwrap_or('\0');
                if !is_chinese_numeral_char(c) {
                    i += 3;
                    continue;
                }
                (c, 3)
            }
            0xF0..=0xF7 => {
                i += 4;
                continue;
            }
            _ => {
                i += 2;
                continue;
            }
        };
        let at = i;
        i += len;
        if at < skip_to {
            continue;
        }
        let i = at;
        let before = folded[..i].chars().next_back();
        let hit = if c == '百' && folded[i..].starts_with("百分之") {
            percent_words(folded, i)
        } else if c.is_ascii_digit()
            && !before.is_some_and(|p| {
                p.is_ascii_alphanumeric()
                    || matches!(p, '.' | '/' | '-' | '_' | '@' | ':' | '#' | '&' | '=' | '~')
            })
        {
            arabic(folded, i)
        } else if is_chinese_numeral_char(c) && !before.is_some_and(is_chinese_numeral_char) {
            chinese(folded, i)
        } else {
            None
        };
        match hit {
            Some((f, consumed)) => {
                if !excluded(text, folded, &f, &quotes, &marks) {
                    found.push(f);
                }
                skip_to = consumed;
            }
            None if c.is_ascii_digit() => {
                // Skip the rest of a digit run.
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'.' || b[j] == b',') {
                    j += 1;
                }
                skip_to = j;
            }
            None => {}
        }
    }
    let mut figures: Vec<Figure> = Vec::with_capacity(found.len());
    let mut prev_end = 0;
    for f in &found {
        let (mut label_start, mut label_end) = label_span(folded, f, prev_end);
        if text[label_start..label_end].trim().is_empty() {
            (label_start, label_end) = label_before(folded, f.raw_start, prev_end);
        }
        let (unit, unit_simplified) = match f.unit_override {
            Some(u) => (u.to_string(), crate::decode::normalize::fold(u)),
            None => (
                text[f.unit_start..f.unit_end].to_string(),
                folded[f.unit_start..f.unit_end].to_string(),
            ),
        };
        let mut label = text[label_start..label_end].trim().to_string();
        // A share (予以公开258件,占33.9%) is the share of what the figure
        // before it in the sentence counts.
        if is_share_word(&label)
            && let Some(prev) = figures.last()
            && !prev.label.is_empty()
            && !is_share_word(&prev.label)
            && !text[prev_end..f.raw_start].contains(SENTENCE_ENDS)
        {
            label = format!("{}占比", prev.label);
        }
        // A total (…514条,总计2401条) is the total of what the figure before
        // it in the sentence counts.
        if let Some(total) = total_word(&label)
            && let Some(prev) = figures.last()
            && !prev.label.is_empty()
            && total_word(&prev.label).is_none()
            && !text[prev_end..f.raw_start].contains(SENTENCE_ENDS)
        {
            label = format!("{}{total}", prev.label);
        }
        let span_start = label_start.min(f.raw_start);
        let span_end = label_end.max(f.raw_end);
        let start = index.char_at(span_start);
        let end = index.char_at(span_end);
        let raw_start_char = index.char_at(f.raw_start);
        figures.push(Figure {
            value: f.value,
            unit,
            unit_simplified,
            qualifier: f.qualifier,
            label,
            section: section_of(sections, raw_start_char),
            text: text[span_start..span_end].to_string(),
            start,
            end,
            raw: text[f.raw_start..f.raw_end].to_string(),
        });
        prev_end = f.raw_end;
    }
    // A figure right before another (6大类30条109项工作任务) counts what the
    // last of the run names.
    let mut named_after = vec![false; figures.len()];
    for i in (0..figures.len().saturating_sub(1)).rev() {
        let next = &figures[i + 1];
        // The run's noun follows it (the next figure's label is after its
        // number, or came down the run): it names this figure too.
        let after = named_after[i + 1]
            || (next.text.starts_with(next.raw.as_str()) && next.text != next.raw);
        let adjacent = found[i + 1].raw_start >= found[i].raw_end
            && folded[found[i].raw_end..found[i + 1].raw_start]
                .trim()
                .is_empty();
        if (figures[i].label.is_empty() || after) && adjacent && !next.label.is_empty() {
            figures[i].label = figures[i + 1].label.clone();
            named_after[i] = after;
        }
    }
    figures
}

/// The total word a label is made of alone (总计, 合计, 共计, 总共), if any.
fn total_word(label: &str) -> Option<&'static str> {
    let bare = label.trim_end_matches(['为', '达', '了', ' ']);
    ["总计", "合计", "共计", "总共"]
        .into_iter()
        .find(|w| bare == *w)
}

fn section_of(sections: &[Section], at: usize) -> Option<u32> {
    sections
        .iter()
        .rev()
        .find(|s| s.start <= at && at < s.end.max(s.start + 1))
        .map(|s| s.number)
}

/// 百分之九十五点五 → 95.5 %.
fn percent_words(f: &str, at: usize) -> Option<(Found, usize)> {
    let num_at = at + "百分之".len();
    let n = parse_chinese(&f[num_at..])?;
    if n.digit_string {
        return None;
    }
    let end = num_at + n.len;
    let (qualifier, pre_start) = pre_qualifier(f, at);
    Some((
        Found {
            value: n.value.to_f64(),
            unit_start: at,
            unit_end: at,
            unit_override: Some("%"),
            qualifier: qualifier.unwrap_or(Qualifier::Exact),
            raw_start: pre_start,
            raw_end: end,
        },
        end,
    ))
}

fn arabic(f: &str, at: usize) -> Option<(Found, usize)> {
    let (value, len) = parse_arabic(&f[at..])?;
    let num_end = at + len;
    let next = f[num_end..].chars().next();
    // Glued to letters (ISO9000, 5A, G20), or part of a date or range (2014-02-20, 3-5).
    if next.is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '@')
        || (matches!(next, Some('-' | '/' | '~' | '.'))
            && f[num_end + 1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit()))
    {
        return None;
    }
    finish(f, at, num_end, value, false, false)
}

fn chinese(f: &str, at: usize) -> Option<(Found, usize)> {
    let n = parse_chinese(&f[at..])?;
    if n.digit_string {
        return None;
    }
    let prev = f[..at].chars().next_back();
    // Indefinites: 数百家, 几十个, 上万件, 成千.
    if prev.is_some_and(|p| matches!(p, '数' | '几' | '上' | '成' | '好' | '若')) {
        return None;
    }
    let num_end = at + n.len;
    if f[num_end..].starts_with(['几', '数', '来']) {
        return None;
    }
    finish(f, at, num_end, n.value, true, n.lone_one)
}

/// Reads what follows a number: multiplier, 多/余, measure word, qualifiers.
fn finish(
    f: &str,
    at: usize,
    num_end: usize,
    value: Decimal,
    chinese: bool,
    lone_one: bool,
) -> Option<(Found, usize)> {
    let mut value = value;
    let mut pos = skip_spaces(f, num_end, true);
    let mut approx = false;
    let mut multiplied = false;
    if !chinese && let Some(rest) = f.get(pos..) {
        if rest.starts_with('万') {
            value = value.scale(4);
            pos += '万'.len_utf8();
            multiplied = true;
        } else if rest.starts_with('亿') {
            value = value.scale(8);
            pos += '亿'.len_utf8();
            multiplied = true;
        }
    }
    if f[pos..].starts_with(['多', '余']) {
        approx = true;
        pos += '多'.len_utf8();
        // 2万多条: the multiplier may follow the approximation marker.
        if !chinese && !multiplied && f[pos..].starts_with('万') {
            value = value.scale(4);
            pos += '万'.len_utf8();
        }
    }
    pos = skip_spaces(f, pos, true);
    let (unit_len, implied) = match unit_at(f, pos, value, chinese) {
        Some(len) => (len, None),
        None => (0, Some(implied_unit(f, at, pos)?)),
    };
    let unit_start = pos;
    let unit_end = pos + unit_len;
    let mut end = unit_end;
    let (pre, pre_start) = pre_qualifier(f, at);
    let mut post = None;
    let after = skip_spaces(f, unit_end, false);
    for (word, q) in POST_QUALIFIERS {
        if f[after..].starts_with(word) {
            post = Some(*q);
            end = after + word.len();
            break;
        }
    }
    let qualifier = pre.or(post).unwrap_or(if approx {
        Qualifier::Approx
    } else {
        Qualifier::Exact
    });
    // A lone 一 is a head count (一名工作人员) or nothing (一项, 一批, 一年来).
    if lone_one && !matches!(&f[unit_start..unit_end], "名" | "人" | "位") {
        return None;
    }
    let unit = &f[unit_start..unit_end];
    if unit == "年" && !duration_year(f, at, unit_end, value, chinese) {
        return None;
    }
    Some((
        Found {
            value: value.to_f64(),
            unit_start,
            unit_end,
            unit_override: implied,
            qualifier,
            raw_start: pre_start,
            raw_end: end,
        },
        end,
    ))
}

/// [`UNITS`] indexed by their first character.
/// A measure word and the words that, after it, show it is not one.
type Unit = (&'static str, &'static [&'static str]);

static UNITS_BY_FIRST: std::sync::LazyLock<std::collections::HashMap<char, Vec<Unit>>> =
    std::sync::LazyLock::new(|| {
        let mut map: std::collections::HashMap<char, Vec<Unit>> = Default::default();
        for &(unit, not_before) in UNITS {
            if let Some(c) = unit.chars().next() {
                map.entry(c).or_default().push((unit, not_before));
            }
        }
        map
    });

/// The measure word at `pos`, as a byte length.
fn unit_at(f: &str, pos: usize, value: Decimal, chinese: bool) -> Option<usize> {
    let rest = &f[pos..];
    let candidates = UNITS_BY_FIRST.get(&rest.chars().next()?)?;
    for &(unit, not_before) in candidates {
        if let Some(after) = rest.strip_prefix(unit) {
            if not_before.iter().any(|w| after.starts_with(w)) {
                return None;
            }
            if unit == "大" {
                // 十九大, 二十大: party congresses.
                let v = value.to_f64();
                if chinese && (16.0..=21.0).contains(&v) {
                    return None;
                }
                return BIG_NOUNS.iter().find(|n| after.starts_with(*n)).map(|n| {
                    if matches!(*n, "主要" | "重点" | "重大" | "核心" | "民生") {
                        unit.len()
                    } else {
                        unit.len() + n.len()
                    }
                });
            }
            return Some(unit.len());
        }
    }
    None
}

/// 订阅人数为6113, 用户已突破550万: a count whose noun says what it counts.
fn implied_unit(f: &str, at: usize, pos: usize) -> Option<&'static str> {
    let next = f[pos..].chars().next();
    if !next.is_none_or(|c| is_clause_break(c) || c == '和' || c == '与') {
        return None;
    }
    let from = back(f, at, 64);
    let clause_start = f[from..at].rfind(is_clause_break).map_or(from, |p| {
        from + p + f[from + p..].chars().next().map_or(1, char::len_utf8)
    });
    let before = &f[clause_start..at];
    if before.chars().count() > 16 || (clause_start == from && from > 0) {
        return None;
    }
    IMPLIED_UNITS
        .iter()
        .find(|(noun, _)| before.contains(noun))
        .map(|(_, unit)| *unit)
}

/// 连续三年, 近5年: a duration, not a year.
fn duration_year(f: &str, at: usize, unit_end: usize, value: Decimal, chinese: bool) -> bool {
    let v = value.to_f64();
    if !(2.0..100.0).contains(&v) || (!chinese && v.fract() != 0.0) {
        return false;
    }
    let before = f[..at].trim_end();
    let after = &f[unit_end..];
    [
        "连续", "近", "满", "历时", "经过", "长达", "已有", "累计", "超过", "用了", "持续",
    ]
    .iter()
    .any(|w| before.ends_with(w))
        || ["来", "以来", "间", "内", "时间"]
            .iter()
            .any(|w| after.starts_with(w))
}

/// The qualifier before a number and where the figure (with it) starts.
fn pre_qualifier(f: &str, at: usize) -> (Option<Qualifier>, usize) {
    let b = f.as_bytes();
    let mut end = at;
    while end > 0 && matches!(b[end - 1], b' ' | b'\n') {
        end -= 1;
    }
    let trimmed = &f[..end];
    // Most figures have none: look at the words only when the last
    // character could end one.
    let Some(last) = trimmed.chars().next_back() else {
        return (None, at);
    };
    if !PRE_QUALIFIER_ENDS.contains(&last) {
        return (None, at);
    }
    for (word, q) in PRE_QUALIFIERS {
        if let Some(head) = trimmed.strip_suffix(word) {
            // 最近 / 附近 are not qualifiers.
            if *word == "近" && head.ends_with(['最', '附', '临', '就', '邻']) {
                continue;
            }
            return (Some(*q), head.len());
        }
    }
    (None, at)
}

fn skip_spaces(f: &str, mut pos: usize, allow_newline: bool) -> usize {
    let b = f.as_bytes();
    let mut newlines = 0;
    while pos < b.len() && (b[pos] == b' ' || (allow_newline && b[pos] == b'\n' && newlines == 0)) {
        if b[pos] == b'\n' {
            newlines += 1;
        }
        pos += 1;
    }
    pos
}

/// The not-a-figure rules that need context around the match.
/// Where a text's lines end and its `|` cell separators are: found once, so
/// that each figure's line and cell are a binary search away (the searches
/// through a window around every figure were a tenth of the pass).
struct Marks {
    newlines: Vec<usize>,
    pipes: Vec<usize>,
}

impl Marks {
    fn new(f: &str) -> Marks {
        let b = f.as_bytes();
        Marks {
            newlines: memchr::memchr_iter(b'\n', b).collect(),
            pipes: memchr::memchr_iter(b'|', b).collect(),
        }
    }

    /// The last position in `list` within `from..to`.
    fn last_in(list: &[usize], from: usize, to: usize) -> Option<usize> {
        let i = list.partition_point(|&p| p < to);
        (i > 0 && list[i - 1] >= from).then(|| list[i - 1])
    }

    /// The first position in `list` within `from..to`.
    fn first_in(list: &[usize], from: usize, to: usize) -> Option<usize> {
        let i = list.partition_point(|&p| p < from);
        (i < list.len() && list[i] < to).then(|| list[i])
    }
}

fn excluded(text: &str, f: &str, fig: &Found, quotes: &[(usize, usize)], marks: &Marks) -> bool {
    let before = f[..fig.raw_start].trim_end_matches(' ');
    // Ordinals and ranks: 第十一届, 排名第四, 前3名.
    if before.ends_with('第')
        || (before.ends_with('前') && &f[fig.unit_start..fig.unit_end] == "名")
    {
        return true;
    }
    // Slogans, names and titles in quotes or book-title marks.
    // Spans are sorted and at most 40 characters long: look at the few that
    // start shortly before the figure.
    let upto = quotes.partition_point(|&(s, _)| s <= fig.raw_start);
    if quotes[..upto]
        .iter()
        .rev()
        .take_while(|&&(s, _)| s + 4 * 41 >= fig.raw_start)
        .any(|&(_, e)| fig.raw_end <= e)
    {
        return true;
    }
    let after = &f[fig.unit_end..];
    // The report's count of its own parts: 共七部分 / 六个部分 / 六个方面内容 / 六项内容.
    let unit = &f[fig.unit_start..fig.unit_end];
    if matches!(unit, "个" | "项" | "大" | "")
        && (after.starts_with("部分") || after.starts_with("方面") || after.starts_with("内容"))
    {
        let sentence = sentence_around(f, fig.raw_start);
        if ["报告", "年报", "全文", "本报告", "组成", "包括"]
            .iter()
            .any(|w| sentence.contains(w))
        {
            return true;
        }
    }
    // The named scheme's parts: 一名领导分管、一个机构主办的“三个一”.
    if text[fig.raw_start..fig.unit_start].trim() == "一" {
        let limit = ahead(f, fig.raw_end, WINDOW);
        let clause_end = f[fig.raw_end..limit]
            .find(['。', ';', ',', '\n'])
            .map_or(limit, |p| fig.raw_end + p);
        if scheme_quote(&f[fig.raw_end..clause_end]) {
            return true;
        }
    }
    // Cells of a table: the whole cell is the figure, on a `|` row or on a
    // line of its own among other one-cell lines.
    let (ws, we) = (
        back(f, fig.raw_start, WINDOW),
        ahead(f, fig.raw_end, WINDOW),
    );
    let line_start = Marks::last_in(&marks.newlines, ws, fig.raw_start).map_or(ws, |p| p + 1);
    let line_end = Marks::first_in(&marks.newlines, fig.raw_end, we).unwrap_or(we);
    // A line longer than the window is prose, not a table row.
    let long_line = (line_start == ws && ws > 0) || (line_end == we && we < f.len());
    let line = &f[line_start..line_end];
    let cell_start =
        Marks::last_in(&marks.pipes, line_start, fig.raw_start).map_or(line_start, |p| p + 1);
    let cell_end = Marks::first_in(&marks.pipes, fig.raw_end, line_end).unwrap_or(line_end);
    let alone = f[cell_start..fig.raw_start].trim().is_empty()
        && f[fig.raw_end..cell_end].trim().is_empty();
    let line_has_pipe = Marks::first_in(&marks.pipes, line_start, line_end).is_some();
    if alone && (line_has_pipe || !long_line) {
        if line_has_pipe {
            return true;
        }
        let short = |l: &str| {
            let l = l.trim().trim_end_matches('|').trim();
            !l.is_empty() && l.chars().count() <= 12
        };
        let pws = back(f, line_start.saturating_sub(1), 64);
        let prev_line = f[pws..line_start.saturating_sub(1)]
            .rsplit('\n')
            .next()
            .unwrap_or("");
        let nwe = ahead(f, (line_end + 1).min(f.len()), 64);
        let next_line = f
            .get(line_end + 1..nwe)
            .map_or("", |r| r.split('\n').next().unwrap_or(""));
        if (line_start > 0 && short(prev_line)) || (line_end < f.len() && short(next_line)) {
            return true;
        }
    }
    // Rows of the standard table 2 flattened with spaces (PDF text).
    if !long_line && (line.starts_with("政府集中采购") || line.starts_with("行政事业性收费"))
    {
        return true;
    }
    false
}

fn scheme_quote(s: &str) -> bool {
    for (open, close) in [('“', '”'), ('"', '"')] {
        if let Some(a) = s.find(open) {
            let inner_start = a + open.len_utf8();
            if let Some(b) = s[inner_start..].find(close) {
                let inner = &s[inner_start..inner_start + b];
                let chars: Vec<char> = inner.chars().collect();
                if chars.len() >= 3
                    && chars.len() <= 6
                    && chars.contains(&'个')
                    && chars
                        .iter()
                        .filter(|&&c| is_chinese_numeral_char(c))
                        .count()
                        + 1
                        == chars.len()
                {
                    return true;
                }
            }
        }
    }
    false
}

fn sentence_around(f: &str, at: usize) -> &str {
    let (ws, we) = (back(f, at, WINDOW), ahead(f, at, WINDOW));
    let start = f[ws..at].rfind(['。', '\n']).map_or(ws, |p| {
        ws + p + f[ws + p..].chars().next().map_or(1, char::len_utf8)
    });
    let end = f[at..we].find(['。', '\n']).map_or(we, |p| at + p);
    &f[start..end]
}

/// Byte spans inside quotes and book-title marks (short, on one line).
fn quote_spans(f: &str) -> Vec<(usize, usize)> {
    const PAIRS: [(char, char); 6] = [
        ('“', '”'),
        ('「', '」'),
        ('『', '』'),
        ('《', '》'),
        ('"', '"'),
        ('〈', '〉'),
    ];
    let mut spans = Vec::new();
    // Per kind of mark, where the next opening may start (an opening found
    // inside an earlier span of its kind is its closing).
    let mut next = [0usize; PAIRS.len()];
    // Every opening mark is `"` or starts with byte E2 or E3.
    for i in memchr::memchr3_iter(b'"', 0xE2, 0xE3, f.as_bytes()) {
        let Some(c) = f[i..].chars().next() else {
            continue;
        };
        let Some(k) = PAIRS.iter().position(|&(o, _)| o == c) else {
            continue;
        };
        if i < next[k] {
            continue;
        }
        let inner = i + c.len_utf8();
        let window = &f[inner..ahead(f, inner, 4 * 41)];
        let window = &window[..window.find('\n').unwrap_or(window.len())];
        match window.find(PAIRS[k].1) {
            Some(b) if window[..b].chars().count() <= 40 => {
                spans.push((inner, inner + b));
                next[k] = inner + b + PAIRS[k].1.len_utf8();
            }
            _ => next[k] = inner,
        }
    }
    spans.sort_unstable();
    spans
}

/// What ends a sentence, for the figures a share can refer back to.
const SENTENCE_ENDS: [char; 5] = ['。', ';', '；', '\n', '!'];

/// Whether a label is only the words of a share (占, 约占, 占比为, 所占比例为):
/// the figure is a share of something the label does not name.
fn is_share_word(label: &str) -> bool {
    label.contains('占')
        && label.chars().count() <= 6
        && label.chars().all(|c| {
            matches!(
                c,
                '占' | '比' | '例' | '约' | '为' | '达' | '所' | '总' | '数' | '的' | '重'
            )
        })
}

/// The label of a figure whose own clause has no words (微博账号(1个),
/// 不予公开(三类内部事务信息)2条, 公开镇财政信息,1条): the words of the clause
/// before it, parentheses kept, back to the previous break or figure; an
/// empty span when there are none.
fn label_before(f: &str, raw_start: usize, prev_end: usize) -> (usize, usize) {
    let floor = back(f, raw_start, 120).max(prev_end.min(raw_start));
    let mut end = raw_start;
    for (i, c) in f[floor..raw_start].char_indices().rev() {
        if matches!(c, ',' | '，' | '(' | '（' | ' ' | '、') {
            end = floor + i;
        } else {
            break;
        }
    }
    let start = f[floor..end]
        .char_indices()
        .rev()
        .find(|&(_, c)| is_clause_break(c) && !matches!(c, '(' | ')' | '（' | '）'))
        .map_or(floor, |(i, c)| floor + i + c.len_utf8());
    let words = &f[start..end];
    if !words.chars().any(crate::decode::normalize::is_han)
        || words.contains(['(', '（']) && !words.contains([')', '）'])
    {
        return (raw_start, raw_start);
    }
    let lead = words.len() - words.trim_start().len();
    (start + lead, end)
}

/// The label's byte span: the clause words before the figure, or, when the
/// figure opens its clause (收到248条网民留言), the words after it.
fn label_span(f: &str, fig: &Found, prev_end: usize) -> (usize, usize) {
    let from = back(f, fig.raw_start, 240).max(prev_end.min(fig.raw_start));
    let clause_start = f[from..fig.raw_start]
        .char_indices()
        .rev()
        .find(|&(_, c)| is_clause_break(c))
        .map_or(from, |(i, c)| from + i + c.len_utf8());
    let before = f[clause_start..fig.raw_start].trim();
    // Counted only as far as the test below looks.
    let meaningful = before
        .chars()
        .filter(|c| !matches!(c, '共' | '计' | '为' | '达' | '了' | ' '))
        .take(4)
        .count();
    let few_words_after = || {
        f[fig.raw_end..ahead(f, fig.raw_end, 240)]
            .chars()
            .take_while(|&c| !is_clause_break(c) && !c.is_ascii_digit())
            .filter(|&c| crate::decode::normalize::is_han(c))
            .take(2)
            .count()
            < 2
    };
    if meaningful >= 4 || (meaningful >= 1 && few_words_after()) {
        let start = clause_start
            + (f[clause_start..fig.raw_start].len()
                - f[clause_start..fig.raw_start].trim_start().len());
        return (start, fig.raw_start);
    }
    let after_start = fig.raw_end;
    let limit = ahead(f, after_start, 240);
    let after_end = f[after_start..limit]
        .char_indices()
        .find(|&(_, c)| is_clause_break(c))
        .map_or(limit, |(i, _)| after_start + i);
    let mut end = after_start;
    for (n, (i, c)) in f[after_start..after_end].char_indices().enumerate() {
        if n >= 20 || c.is_ascii_digit() {
            break;
        }
        end = after_start + i + c.len_utf8();
    }
    let trimmed = f[after_start..end].trim_end();
    (after_start, after_start + trimmed.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::normalize::{fold, normalize};

    #[test]
    fn qualifier_ends_are_those_of_the_qualifiers() {
        let mut ends: Vec<char> = PRE_QUALIFIERS
            .iter()
            .map(|(w, _)| w.chars().next_back().unwrap())
            .collect();
        ends.sort_unstable();
        ends.dedup();
        let mut listed = PRE_QUALIFIER_ENDS.to_vec();
        listed.sort_unstable();
        assert_eq!(ends, listed);
    }

    fn figs(s: &str) -> Vec<(f64, String, &'static str)> {
        let t = normalize(s);
        let f = fold(&t);
        let ix = CharIndex::new(&t);
        extract(&t, &f, &[], &ix)
            .into_iter()
            .map(|f| (f.value, f.unit, f.qualifier.as_str()))
            .collect()
    }

    fn one(s: &str) -> (f64, String, &'static str) {
        let v = figs(s);
        assert_eq!(v.len(), 1, "{s}: {v:?}");
        v.into_iter().next().unwrap()
    }

    #[test]
    fn arabic_counts_and_rates() {
        assert_eq!(
            one("市长信箱共收到群众来信1339件"),
            (1339.0, "件".into(), "exact")
        );
        assert_eq!(one("办结率98.2%。"), (98.2, "%".into(), "exact"));
        assert_eq!(one("由2013年的1128 条增加"), (1128.0, "条".into(), "exact"));
        assert_eq!(
            one("受理政府信息公开申请 21 件"),
            (21.0, "件".into(), "exact")
        );
        assert_eq!(one("公开政府常务会议 7\n期,"), (7.0, "期".into(), "exact"));
        assert_eq!(one("收到１２件"), (12.0, "件".into(), "exact"));
        assert_eq!(
            one("共主動公開政府信息175條"),
            (175.0, "條".into(), "exact")
        );
        assert_eq!(one("在3个工作日内完成"), (3.0, "个工作日".into(), "exact"));
        assert_eq!(one("是2013年的1.5倍"), (1.5, "倍".into(), "exact"));
    }

    #[test]
    fn multipliers_and_qualifiers() {
        assert_eq!(
            one("公开各类政府信息2万多条"),
            (20000.0, "条".into(), "approx")
        );
        assert_eq!(one("累计近30万字"), (300000.0, "字".into(), "nearly"));
        assert_eq!(one("赠阅4.8万份"), (48000.0, "份".into(), "exact"));
        assert_eq!(
            one("共接受咨询约1.8万人次"),
            (18000.0, "人次".into(), "approx")
        );
        assert_eq!(one("发布信息700余条"), (700.0, "条".into(), "approx"));
        assert_eq!(one("占有率超过80%以上"), (80.0, "%".into(), "more_than"));
        assert_eq!(one("不超过4个审批环节"), (4.0, "个".into(), "less_than"));
        assert_eq!(one("不到10件"), (10.0, "件".into(), "less_than"));
        assert_eq!(one("不足5家"), (5.0, "家".into(), "less_than"));
        assert_eq!(one("逾千人次"), (1000.0, "人次".into(), "more_than"));
        assert_eq!(
            one("用户已突破550万"),
            (5_500_000.0, "人".into(), "more_than")
        );
        assert_eq!(
            one("播放量超2300万,"),
            (23_000_000.0, "次".into(), "more_than")
        );
        assert_eq!(one("接近200家"), (200.0, "家".into(), "nearly"));
        assert_eq!(one("投入15亿元"), (1.5e9, "元".into(), "exact"));
        assert_eq!(one("培训50人左右"), (50.0, "人".into(), "approx"));
        assert_eq!(one("3天以内"), (3.0, "天".into(), "less_than"));
        assert_eq!(one("受理1,234件"), (1234.0, "件".into(), "exact"));
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(
            one("记者深入实地采访近百次"),
            (100.0, "次".into(), "nearly")
        );
        assert_eq!(one("已刊印三期"), (3.0, "期".into(), "exact"));
        assert_eq!(one("收到两千余件"), (2000.0, "件".into(), "approx"));
        assert_eq!(one("共一万二千份"), (12000.0, "份".into(), "exact"));
        assert_eq!(one("满意率百分之九十五点五"), (95.5, "%".into(), "exact"));
        assert_eq!(one("采用线上和线下两种形式"), (2.0, "种".into(), "exact"));
        assert_eq!(one("配备一名工作人员"), (1.0, "名".into(), "exact"));
        assert_eq!(one("其他十一个区"), (11.0, "个".into(), "exact"));
        assert_eq!(one("官网通过8大板块"), (8.0, "大板块".into(), "exact"));
        assert_eq!(one("公众互动三大主要功能"), (3.0, "大".into(), "exact"));
        assert_eq!(one("提出了6大類任务"), (6.0, "大類".into(), "exact"));
        assert_eq!(one("连续三年位居前十"), (3.0, "年".into(), "exact"));
        assert_eq!(one("〇件"), (0.0, "件".into(), "exact"));
        assert_eq!(one("十余家"), (10.0, "家".into(), "approx"));
    }

    #[test]
    fn not_figures() {
        for s in [
            "2013年,咸宁市继续",
            "第十一届中国政府网站绩效评估中排名第四",
            "闽政办函〔2012〕157号",
            "联系电话:0715-8126116",
            "12345政府服务热线",
            "ISO9000质量管理认证体系",
            "实行一把手负责的“三个一”管理模式",
            "推进“一库四平台”联动",
            "一是加强组织领导",
            "(1)政府网站",
            "全文包括概述等七部分。",
            "本报告由概述等六个部分组成。",
            "本报告包括概述等六个方面内容。",
            "严肃查处了一批不作为问题",
            "一项长期的系统工程",
            "首轮小城市培育试点最后一年",
            "一年来,市政府研究室",
            "学习贯彻党的十九大精神",
            "二十大精神",
            "在数百家大型医院试点",
            "《政府信息公开年度报告》",
            "无一例因政府信息公开申请行政复议",
            "统计期限自2013年1月1日起至2013年12月31日止",
            "时间:2019-01-04 10:25",
            "属于三类内部事务信息",
            "邮编:353000",
            "建立镇村两级公开机制",
            "“五项”联办监管制度",
            "政府集中采购 | 2 | 70487元 |",
            "政府集中采购\n2\n70487元\n三、收到和处理政府信息公开申请情况",
            "第七次人口普查",
            "公开不超期、内容全覆盖",
        ] {
            assert!(figs(s).is_empty(), "{s}: {:?}", figs(s));
        }
    }

    #[test]
    fn named_scheme_parts_but_not_head_counts() {
        let v = figs("市直各部门实行一把手负责、一名领导分管、一个机构主办的“三个一”管理模式");
        assert!(v.is_empty(), "{v:?}");
        assert_eq!(one("明确一名办公室人员负责"), (1.0, "名".into(), "exact"));
    }

    /// Issue 16: every figure has a label an analyst can group by: a share
    /// names what it is a share of, a figure in parentheses or after a
    /// closed clause takes the words before it; units have a simplified
    /// form.
    #[test]
    fn shares_and_wordless_clauses_are_labelled() {
        let got = |s: &str| -> Vec<(String, String)> {
            let t = normalize(s);
            let f = fold(&t);
            let ix = CharIndex::new(&t);
            extract(&t, &f, &[], &ix)
                .into_iter()
                .map(|f| (f.label, f.unit_simplified))
                .collect()
        };
        assert_eq!(
            got("全年依申请公开办结112件,占比为45.5%;驳回23件,约占9.3%。"),
            [
                ("全年依申请公开办结".into(), "件".into()),
                ("全年依申请公开办结占比".into(), "%".into()),
                ("驳回".into(), "件".into()),
                ("驳回占比".into(), "%".into()),
            ]
        );
        assert_eq!(
            got("开通政务抖音号(3个),在政务新媒体公开通知公告,26条;驳回申请(属于重复申请)7件。"),
            [
                ("开通政务抖音号".into(), "个".into()),
                ("在政务新媒体公开通知公告".into(), "条".into()),
                ("驳回申请(属于重复申请)".into(), "件".into()),
            ]
        );
        assert_eq!(got("共發布資訊12條"), [("共發布資訊".into(), "条".into())]);
        // A share at the start of a sentence names nothing before it.
        assert_eq!(got("占78.5%。"), [("占".into(), "%".into())]);
        // A total names what the figure before it counts; a run of figures
        // (4大类15条62项整改措施) what its last one names.
        assert_eq!(
            got("网站发布动态信息620条,微信推送信息85条,合计705条。"),
            [
                ("网站发布动态信息".into(), "条".into()),
                ("微信推送信息".into(), "条".into()),
                ("微信推送信息合计".into(), "条".into()),
            ]
        );
        assert_eq!(
            got("制定4大类15条62项整改措施。"),
            [
                ("整改措施".into(), "大类".into()),
                ("整改措施".into(), "条".into()),
                ("整改措施".into(), "项".into()),
            ]
        );
    }

    #[test]
    fn labels_and_spans() {
        let t = normalize("2013年,市长信箱共收到群众来信1339件,办结1315件;收到248条网民留言。");
        let f = fold(&t);
        let ix = CharIndex::new(&t);
        let v = extract(&t, &f, &[], &ix);
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].label, "市长信箱共收到群众来信");
        assert_eq!(v[0].text, "市长信箱共收到群众来信1339件");
        let chars: Vec<char> = t.chars().collect();
        assert_eq!(
            chars[v[0].start..v[0].end].iter().collect::<String>(),
            v[0].text
        );
        assert_eq!(v[0].raw, "1339件");
        assert_eq!(v[1].label, "办结");
        assert_eq!(v[2].label, "网民留言");
        assert_eq!(v[2].text, "248条网民留言");
    }
}
