//! Report metadata: title, compiling agency, year covered, publication and
//! signature dates, statistics period.
//!
//! Everything comes from what the page prints; what is not printed stays
//! `None` (docs/contract.md: nothing is guessed). Matching runs on folded text (so
//! traditional renderings match); values are read back as printed.

use std::sync::LazyLock;

use regex::Regex;

use super::dates::{self, Date};
use crate::model::Period;

/// Text a report's metadata is read from.
pub struct Input<'a> {
    /// The report body, normalised.
    pub body: &'a str,
    /// Its folded twin.
    pub body_folded: &'a str,
    /// Page text before the body (headings, date lines, breadcrumbs), normalised.
    pub pre: &'a str,
    /// Its folded twin.
    pub pre_folded: &'a str,
    /// The HTML `<title>`.
    pub page_title: Option<&'a str>,
    /// `<meta name content>` pairs.
    pub metas: &'a [(String, String)],
}

/// Extracted metadata.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Meta {
    /// Title as printed.
    pub title: Option<String>,
    /// The compiling body.
    pub agency: Option<String>,
    /// Year covered.
    pub year: Option<i32>,
    /// Publication date.
    pub published: Option<String>,
    /// Date under the signature.
    pub signed: Option<String>,
    /// Statistics period.
    pub period: Option<Period>,
}

/// Endings of names of government bodies.
const ORG_SUFFIXES: &[&str] = &[
    "人民政府",
    "政府",
    "办公室",
    "办公厅",
    "委员会",
    "管委会",
    "领导小组",
    "小组",
    "办事处",
    "街道",
    "局",
    "委",
    "厅",
    "办",
    "中心",
    "站",
    "所",
    "院",
    "处",
    "队",
    "署",
    "部",
    "镇",
    "乡",
    "县",
    "区",
    "市",
    "省",
    "自治区",
    "州",
    "盟",
    "旗",
    "室",
    "科",
    "会",
    "公司",
    "集团",
];

/// Endings that name a whole region rather than a body.
const REGION_SUFFIXES: &[&str] = &["市", "省", "自治区", "县", "区", "州", "盟", "旗", "地区"];

/// Reads every metadata field.
pub fn extract(input: &Input) -> Meta {
    let title = title(input);
    let period = period(input.body, input.body_folded);
    let year = title
        .as_ref()
        .and_then(|t| year_in(&super::fold_str(t)))
        .or_else(|| period.as_ref().and_then(|p| p.0.map(|d| d.y)))
        .or_else(|| year_from_text(input.body_folded));
    let signed = signed(input.body, input.body_folded);
    let agency = agency(input, title.as_deref(), signed.is_some());
    Meta {
        title,
        agency,
        year,
        published: published(input),
        signed,
        period: period.map(|(s, e)| Period {
            start: s.map(Date::iso),
            end: e.map(Date::iso),
        }),
    }
}

/// The compiling body, from the most trusted source that names one: the
/// compiler sentence (由…编制), the signature above the closing date, the
/// title without its year and report words, a 发布机构/发布单位 field, the
/// opening sentence. A short form (县人社局, 省统计局政务公开办公室: a name that
/// starts with a bare level word instead of its place) gives way to the first
/// fuller name a later source states.
fn agency(input: &Input, title: Option<&str>, has_signed: bool) -> Option<String> {
    let box_agency = || {
        fields(input).into_iter().find_map(|(label, value)| {
            let folded = super::fold_str(&value);
            (AGENCY_LABELS.contains(&label.as_str())
                && is_plain_name(&value)
                && is_org(&folded)
                && !is_region(&folded))
            .then_some(value)
        })
    };
    let sources: [&dyn Fn() -> Option<String>; 5] = [
        &|| compiler(input.body, input.body_folded),
        &|| signature(input.body, input.body_folded, has_signed),
        &|| title.and_then(agency_from_title),
        &box_agency,
        &|| opening_agency(input.body, input.body_folded),
    ];
    let mut short = None;
    for source in sources {
        let Some(name) = source() else { continue };
        if !is_short_form(&super::fold_str(&name)) {
            return Some(name);
        }
        short.get_or_insert(name);
    }
    short
}

/// A name without its place: it starts with a bare level word (省, 市, 县,
/// 区, 州, 镇, 乡, 旗, 盟) or with 本/我.
fn is_short_form(folded: &str) -> bool {
    folded.starts_with([
        '省', '市', '县', '区', '州', '镇', '乡', '旗', '盟', '本', '我',
    ])
}

fn is_org(name: &str) -> bool {
    ORG_SUFFIXES.iter().any(|s| name.ends_with(s))
}

fn is_region(name: &str) -> bool {
    REGION_SUFFIXES.iter().any(|s| name.ends_with(s))
        && !name.ends_with("街道")
        && !name.ends_with("社区")
}

/// A name as printed must be plain: Han characters and a few joiners, no
/// ASCII (injected spam such as `365bet…`), no punctuation.
fn is_plain_name(name: &str) -> bool {
    let n = name.chars().count();
    (2..=40).contains(&n)
        && name
            .chars()
            .all(|c| crate::decode::normalize::is_han(c) || matches!(c, '(' | ')' | '·'))
}

static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"((?:19|20)\d{2})\s*(?:年|政府|$|[^\d])").expect("valid regex"));

fn year_in(s: &str) -> Option<i32> {
    YEAR.captures_iter(s)
        .find_map(|c| c[1].parse().ok().filter(|y| (1990..=2100).contains(y)))
}

// ----- title -------------------------------------------------------------

static TITLE_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:年度报告|年报|工作报告|工作情况的报告|工作情况报告)").expect("valid regex")
});

/// A file name's extension a viewer or converter left after a title.
static FILE_EXT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\.(?:pdf|docx?|wps|xlsx?|html?|txt)$").expect("valid regex"));

/// A report title at the start of a line, with what follows it.
fn title_in_line(folded: &str) -> Option<(usize, usize)> {
    // A one-cell table row ("… |") is still a line of its own.
    let start = folded.trim_start_matches(['|', ' ']);
    let lead = folded.len() - start.len();
    let line = start.trim_end_matches(['|', ' ']);
    // Cheap rejections first: every title ends in 报告 or 年报 and is short.
    if line.len() > 300 || !(line.contains("报告") || line.contains("年报")) {
        return None;
    }
    if line.contains(['>', '»', '。', ',', '|'])
        || line.contains("当前位置")
        || line.contains("位置:")
    {
        return None;
    }
    let m = TITLE_END.find_iter(line).last()?;
    let head = &line[..m.end()];
    if !(head.contains("信息公开") || head.contains("政务公开")) || head.starts_with("关于")
    {
        return None;
    }
    if head.chars().count() > 60 {
        return None;
    }
    let tail = line[m.end()..].trim();
    // A spam or site suffix after a separator may follow (…年度报告-凯发平台),
    // or a file name's extension (….pdf).
    if !(tail.is_empty()
        || FILE_EXT.is_match(tail) && tail.len() <= 5
        || tail.starts_with(['-', '_', '—', '–']) && tail.chars().count() <= 24)
    {
        return None;
    }
    let mut start = lead;
    // 《…》 around the title.
    if line.starts_with('《') {
        start += '《'.len_utf8();
    }
    Some((start, lead + m.end()))
}

/// The subject of a title: what precedes the year, or what precedes
/// (政府)信息公开 when the year comes first. Byte span in the title.
fn title_subject(folded: &str) -> (usize, usize) {
    static LEAD_YEAR: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:19|20)\d{2}\s*(?:年\s*度?|年)?").expect("valid regex"));
    let (from, before_year) = match LEAD_YEAR.find(folded) {
        Some(m) if !folded[..m.start()].trim().is_empty() => {
            // 〈agency〉关于2014年度…的报告.
            let subject = folded[..m.start()].trim_end();
            let subject = subject.strip_suffix("关于").unwrap_or(subject).trim_end();
            return (0, subject.len());
        }
        Some(m) => (m.end(), true),
        None => (0, false),
    };
    let _ = before_year;
    let rest = &folded[from..];
    let rest = rest.trim_start_matches("年度");
    let from = folded.len() - rest.len();
    let end = ["政务公开", "信息公开"]
        .iter()
        .filter_map(|w| rest.find(w))
        .min()
        .unwrap_or(0);
    let mut subject = &rest[..end];
    if subject.ends_with("政府") && !subject.ends_with("人民政府") {
        subject = &subject[..subject.len() - "政府".len()];
    }
    (from, from + subject.len())
}

/// A title without what viewers, converters, crawlers and spam put around
/// it: a Markdown heading's `#`, a viewer's `Page 8 - `, a field label
/// (`标题:`, `名 称:`), an injected spam prefix ending in `:`, and a file
/// name's extension (`.pdf`).
fn strip_affixes(title: &str) -> &str {
    static PAGE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:(?i:page)\s*\d+|第\s*\d+\s*页)\s*[-–—:]\s*").expect("valid regex")
    });
    let mut title = title.trim().trim_start_matches('#').trim_start();
    if let Some(m) = PAGE.find(title) {
        title = &title[m.end()..];
    }
    if let Some(m) = FILE_EXT.find(title) {
        title = &title[..m.start()];
    }
    // uedbet体育_uedbet官网@:西柳镇人民政府…: drop an injected prefix ending
    // in ':'; 标题: / 名 称:: a field's label.
    if let Some(p) = title.rfind([':', '：']) {
        let prefix = &title[..p];
        let label = prefix.chars().filter(|c| *c != ' ').count() <= 6
            && prefix
                .chars()
                .all(|c| crate::decode::normalize::is_han(c) || c == ' ');
        if label
            || prefix
                .chars()
                .any(|c| c.is_ascii_alphanumeric() || c == '@' || c == '_')
        {
            return title[p + title[p..].chars().next().map_or(1, char::len_utf8)..]
                .trim_start_matches('@')
                .trim_start();
        }
    }
    title
}

fn title(input: &Input) -> Option<String> {
    // The last 40 lines of the text above the body (folding keeps every
    // byte offset, so both strings split at the same places).
    let tail_at = last_lines_start(input.pre_folded, 40);
    let pre_tail: Vec<(&str, &str)> = input.pre[tail_at..]
        .lines()
        .zip(input.pre_folded[tail_at..].lines())
        .collect();
    let body: Vec<(&str, &str)> = input
        .body
        .lines()
        .zip(input.body_folded.lines())
        .take(15)
        .collect();
    for lines in [&pre_tail[..], &body[..]] {
        for (i, (line, fline)) in lines.iter().enumerate() {
            let own = title_in_line(fline);
            // A title broken over two lines: 市政府研究室2019年政府信息公开 / 工作年度报告.
            let joined =
                // Every title holds 报 (报告, 年报): no 报 in either part, no title.
                (i > 0
                    && own.is_none()
                    && (fline.contains('报') || lines[i - 1].1.contains('报'))
                    && fline.trim().chars().count() <= 12)
                    .then(|| {
                        let (pl, pfl) = lines[i - 1];
                        (
                            format!("{}{}", pl.trim(), line.trim()),
                            format!("{}{}", pfl.trim(), fline.trim()),
                        )
                    })
                    .filter(|(_, jf)| title_in_line(jf).is_some());
            let (line, fline): (&str, &str) = match &joined {
                Some((l, f)) => (l.as_str(), f.as_str()),
                None => (line, fline),
            };
            let Some((s, e)) = (if joined.is_some() {
                title_in_line(fline)
            } else {
                own
            }) else {
                continue;
            };
            let mut title = line[s..e].trim().to_string();
            let mut ftitle = fline[s..e].trim().to_string();
            let (ss, se) = title_subject(&ftitle);
            if ss == se && i > 0 && joined.is_none() {
                let (pline, pfline) = lines[i - 1];
                let p = pline.trim();
                if p.chars().count() <= 30
                    && !pfline.contains([',', '。', ':', '|', '>', '(', ')'])
                    && !["发布", "时间", "日期", "来源", "信息公开"]
                        .iter()
                        .any(|w| pfline.contains(w))
                    && (is_org(pfline.trim()) || year_in(pfline).is_some())
                {
                    title = format!("{p}{title}");
                    ftitle = format!("{}{ftitle}", pfline.trim());
                }
            }
            let (ss, se) = title_subject(&ftitle);
            if ss == se && year_in(&ftitle).is_none() {
                continue; // a column name such as 政府信息公开年报
            }
            let title = strip_affixes(&title).trim().to_string();
            return Some(title);
        }
    }
    // A labelled field of a metadata box (标题: / 名 称: / 中文名 | X |).
    for (label, value) in fields(input) {
        if TITLE_LABELS.contains(&label.as_str()) {
            let folded = super::fold_str(&value);
            if let Some((s, e)) = title_in_line(&folded) {
                let (ss, se) = title_subject(&folded[s..e]);
                if ss != se || year_in(&folded).is_some() {
                    return Some(strip_affixes(value[s..e].trim()).to_string());
                }
            }
        }
    }
    // A <meta> or <title> heading.
    let meta_title = input
        .metas
        .iter()
        .find(|(n, _)| matches!(n.as_str(), "articletitle" | "title" | "og:title"))
        .map(|(_, v)| v.as_str());
    for t in meta_title.into_iter().chain(input.page_title) {
        for part in t.split(['_', '|', '-', '—']) {
            let folded = super::fold_str(part);
            if let Some((s, e)) = title_in_line(&folded) {
                let (ss, se) = title_subject(&folded[s..e]);
                if ss != se || year_in(&folded).is_some() {
                    return Some(strip_affixes(part[s..e].trim()).to_string());
                }
            }
        }
    }
    // 现编制形成了《西柳镇人民政府2023年政府信息公开工作年度报告》 in the
    // preamble, or without the marks: 现公布〈…〉2018年政府信息公开工作年度报告。
    static QUOTED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"《([^《》\n]{4,60}?(?:年度报告|年报))》|(?:现公布|现予公布|现发布|现予发布|特编制|现编制|编制了|形成了|特发布)([^《》\n,。:]{4,60}?(?:年度报告|年报))(?:[。,]|如下|$)|现将([^《》\n,。:]{4,60}?(?:年度报告|年报))(?:予以公布|予以公开|予以发布|公布如下|发布如下)",
        )
        .expect("valid regex")
    });
    let head_end = floor_boundary(input.body_folded, 600);
    for m in QUOTED.captures_iter(&input.body_folded[..head_end]) {
        let Some(g) = m.get(1).or_else(|| m.get(2)).or_else(|| m.get(3)) else {
            continue;
        };
        let raw = strip_affixes(&input.body[g.start()..g.end()]);
        let folded = super::fold_str(raw);
        let (ss, se) = title_subject(&folded);
        if ss != se
            && year_in(&folded).is_some()
            && (folded.contains("信息公开") || folded.contains("政务公开"))
        {
            return Some(raw.to_string());
        }
    }
    None
}

use crate::decode::normalize::floor_boundary;

/// Field labels whose value is the report's title.
const TITLE_LABELS: &[&str] = &[
    "标题",
    "名称",
    "中文名",
    "文章标题",
    "信息名称",
    "题名",
    "文件名称",
    "公开事项名称",
];

/// Field labels whose value is the publishing body.
const AGENCY_LABELS: &[&str] = &["发布机构", "发布单位", "发文机关", "发文单位", "公开主体"];

/// The labelled fields of metadata boxes: (label without spaces, folded;
/// value as printed) from the lines above the body and the body's first
/// lines. A field is `label: value` in one cell, or a label cell (`标题:`,
/// `中文名`) followed by its value's cell (`标题: | X |`, `中文名 | X |`).
fn fields(input: &Input) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let tail_at = last_lines_start(input.pre_folded, 40);
    let pre = input.pre[tail_at..]
        .lines()
        .zip(input.pre_folded[tail_at..].lines());
    let body = input.body.lines().zip(input.body_folded.lines()).take(15);
    let known = |l: &str| TITLE_LABELS.contains(&l) || AGENCY_LABELS.contains(&l);
    for (line, fline) in pre.chain(body) {
        // Cells (a box rendered as `a | b |`), folded and printed alike.
        let mut cells: Vec<(&str, &str)> = Vec::new();
        let mut at = 0;
        for fcell in fline.split('|') {
            cells.push((&line[at..at + fcell.len()], fcell));
            at += fcell.len() + 1;
        }
        let mut i = 0;
        while i < cells.len() {
            let (cell, fcell) = cells[i];
            i += 1;
            let (flabel, value) = match fcell.find([':', '：']) {
                Some(p) => {
                    let c = fcell[p..].chars().next().map_or(1, char::len_utf8);
                    (&fcell[..p], cell[p + c..].trim())
                }
                None => (fcell, ""),
            };
            let label: String = flabel.chars().filter(|c| !c.is_whitespace()).collect();
            if !known(&label) {
                continue;
            }
            let value = if value.is_empty() {
                // The value is the next cell.
                match cells.get(i) {
                    Some((next, _)) => {
                        i += 1;
                        next.trim()
                    }
                    None => continue,
                }
            } else {
                value
            };
            // Several fields on one line: 发布机构: X 发布日期: Y.
            static NEXT_LABEL: LazyLock<Regex> =
                LazyLock::new(|| Regex::new(r"\s+[\p{Han} ]{2,8}[:：]").expect("valid regex"));
            let value = NEXT_LABEL
                .find(value)
                .map_or(value, |m| &value[..m.start()]);
            if !value.is_empty() {
                out.push((label, value.to_string()));
            }
        }
    }
    out
}

/// The byte offset where the last `n` lines of `text` start.
fn last_lines_start(text: &str, n: usize) -> usize {
    let body = text.strip_suffix('\n').unwrap_or(text);
    memchr::memrchr_iter(b'\n', body.as_bytes())
        .nth(n - 1)
        .map_or(0, |p| p + 1)
}

// ----- agency ------------------------------------------------------------

/// 本报告由X(根据…)编制: the compiler sentence.
fn compiler(body: &str, folded: &str) -> Option<String> {
    const STOP: &[&str] = &[
        "根据", "按照", "依据", "依照", "汇总", "综合", "负责", "结合", "会同", "牵头", "编制",
        "组织", "统一", "在", "对", "于", "会", "联合",
    ];
    let mut from = 0;
    while let Some(p) = folded[from..].find('由') {
        let at = from + p + '由'.len_utf8();
        from = at;
        let rest = &folded[at..];
        let mut end = 0;
        for (i, c) in rest.char_indices() {
            if !crate::decode::normalize::is_han(c) && !matches!(c, '(' | ')')
                || STOP.iter().any(|w| rest[i..].starts_with(w))
            {
                break;
            }
            end = i + c.len_utf8();
            if end > 120 {
                break;
            }
        }
        // Take the longest prefix that names a body (由X根据 stops above; 由X局编制 ends in a suffix).
        let name = &rest[..end];
        if name.is_empty() || !is_org(name) {
            continue;
        }
        let limit = floor_boundary(folded, at + 600);
        let sentence_end = folded[at..limit].find('。').map_or(limit, |p| at + p);
        if !folded[at + end..sentence_end].contains("编制") {
            continue;
        }
        let printed = body[at..at + end].trim();
        if is_plain_name(printed) {
            return Some(printed.to_string());
        }
    }
    None
}

/// The signature at the end: an agency line above the date, or the last line.
fn signature(body: &str, folded: &str, has_date: bool) -> Option<String> {
    // The last two lines, read from the end (the body can be long).
    let lines: Vec<(&str, &str)> = body.rsplit('\n').zip(folded.rsplit('\n')).take(2).collect();
    let candidates: Vec<usize> = if has_date { vec![1] } else { vec![0] };
    for i in candidates {
        let &(line, fline) = lines.get(i)?;
        let line = line.trim().trim_end_matches(['|', ' ']);
        let fline = fline.trim().trim_end_matches(['|', ' ']);
        // The last word of the line (a one-paragraph page ends "… 韶关市武江区龙归镇人民政府 |").
        let start = line.rfind(' ').map_or(0, |p| p + 1);
        let name = &line[start..];
        let fname = &fline[start..];
        if is_plain_name(name)
            && is_org(fname)
            && name.chars().count() <= 30
            && !fname.ends_with("报告")
        {
            return Some(name.to_string());
        }
    }
    None
}

fn agency_from_title(title: &str) -> Option<String> {
    let folded = super::fold_str(title);
    let (s, e) = title_subject(&folded);
    let name = title[s..e].trim();
    let fname = folded[s..e].trim();
    (is_plain_name(name) && !is_region(fname)).then(|| name.to_string())
}

/// The reporting body named in the opening sentences.
fn opening_agency(body: &str, folded: &str) -> Option<String> {
    static SUBJECT_REPORT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^([^\n,。:(]{2,30}?)\s*(?:19|20)\d{2}\s*年度?政府信息公开(?:工作)?年度报告")
            .expect("valid regex")
    });
    static PUBLISH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"公布([^\n,。:(]{2,30}?)\s*(?:19|20)\d{2}\s*年度?").expect("valid regex")
    });
    static YEAR_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^(?:19|20)\d{2}\s*年度?\s*,\s*([^\n,。:(]{2,20}?)(?:认真|坚持|高度重视|积极|严格|深入|全面|继续|切实|始终|紧紧|扎实|不断|进一步|围绕|按照|以)")
            .expect("valid regex")
    });
    let head = &folded[..floor_boundary(folded, 1500)];
    let accept = |s: usize, e: usize| -> Option<String> {
        let name = body[s..e].trim();
        let fname = folded[s..e].trim();
        (is_plain_name(name)
            && is_org(fname)
            && !is_region(fname)
            && !fname.starts_with(['我', '本', '在', '全', '各', '对']))
        .then(|| name.to_string())
    };
    for re in [&*SUBJECT_REPORT, &*PUBLISH, &*YEAR_SUBJECT] {
        if let Some(c) = re.captures(head) {
            let g = c.get(1).expect("group");
            if let Some(a) = accept(g.start(), g.end()) {
                return Some(a);
            }
            if std::ptr::eq(re, &*YEAR_SUBJECT) || std::ptr::eq(re, &*PUBLISH) {
                // A region or "我局": nothing to take from this kind of sentence.
                continue;
            }
        }
    }
    None
}

// ----- dates -------------------------------------------------------------

/// 发布时间:2014-02-20 and friends, on the page or at the top of the text.
fn published(input: &Input) -> Option<String> {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(发布时间|发布日期|发文日期|发表时间|发稿时间|公开日期|发布于|日期|时间)\s*[:]?\s*\|?\s*").expect("valid regex")
    });
    static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^\s*\S[^\n]{7,20}?\s+(?:\d{1,2}:\d{2}(?::\d{2})?\s+)?(?:来源|作者|浏览|点击|阅读|字号|发布者|信息来源)").expect("valid regex")
    });
    let head_len = floor_boundary(input.body_folded, 1500);
    for text in [input.pre_folded, &input.body_folded[..head_len]] {
        for m in LABEL.captures_iter(text) {
            let label = m.get(1).expect("group");
            let before: String = text[..label.start()]
                .chars()
                .rev()
                .take(2)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            // Not publication: a document's own dates, and a crawler's or
            // reader's (采集时间 is when a copy was taken).
            if [
                "成文", "生成", "统计", "截止", "更新", "有效", "施行", "印发", "采集", "抓取",
                "爬取", "入库", "访问", "下载", "打印",
            ]
            .iter()
            .any(|w| before.ends_with(w))
            {
                continue;
            }
            if label.as_str() == "时间"
                && ["统计", "办理", "答复"].iter().any(|w| before.ends_with(w))
            {
                continue;
            }
            let after = m.get(0).expect("match").end();
            if let Some(d) = dates::at_start(&text[after..]) {
                return Some(d.date.iso());
            }
        }
        for m in DATE_LINE.find_iter(text) {
            let line = m.as_str().trim_start();
            if let Some(d) = dates::at_start(line) {
                return Some(d.date.iso());
            }
        }
    }
    for (name, value) in input.metas {
        if matches!(
            name.as_str(),
            "pubdate"
                | "publishdate"
                | "firstpublishedtime"
                | "publishtime"
                | "article:published_time"
                | "dc.date"
        ) && let Some(d) = dates::at_start(value.trim())
        {
            return Some(d.date.iso());
        }
    }
    None
}

/// The date on the last line, under the signature.
/// `YYYY-MM-DD`, or `YYYY-MM` when the signature prints no day
/// (二○二三年一月).
fn signed(body: &str, folded: &str) -> Option<String> {
    let _ = body;
    static MONTH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:(\d{4})|([〇○零一二三四五六七八九]{4}))\s*年\s*(?:(\d{1,2})|([一二三四五六七八九十]{1,2}))\s*月$")
            .expect("valid regex")
    });
    let last = folded
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())?;
    let last = last.trim_matches(['|', ' ', '(', ')']);
    let found = dates::find_all(last);
    let (start, date) =
        match found.last() {
            Some(d) if d.end == last.len() => (d.start, d.date.iso()),
            Some(_) => return None,
            None => {
                let c = MONTH.captures(last)?;
                let year: String = match (c.get(1), c.get(2)) {
                    (Some(y), _) => y.as_str().to_string(),
                    (None, Some(y)) => y
                        .as_str()
                        .chars()
                        .map(|ch| match ch {
                            '〇' | '○' | '零' => '0',
                            ch => super::numerals::chinese_digit(ch)
                                .map_or('?', |d| (b'0' + d) as char),
                        })
                        .collect(),
                    _ => return None,
                };
                let month: u32 = match (c.get(3), c.get(4)) {
                    (Some(m), _) => m.as_str().parse().ok()?,
                    (None, Some(m)) => super::numerals::parse_chinese(m.as_str())
                        .map(|n| n.value.to_f64() as u32)?,
                    _ => return None,
                };
                let y: i32 = year.parse().ok()?;
                if !(1990..=2100).contains(&y) || !(1..=12).contains(&month) {
                    return None;
                }
                (c.get(0)?.start(), format!("{y:04}-{month:02}"))
            }
        };
    let before = last[..start].trim();
    if !(before.is_empty()
        || (is_org(before)
            && before.chars().count() <= 30
            && before.chars().all(crate::decode::normalize::is_han)))
    {
        return None;
    }
    // The date that closes a cover notice (现将《…年度报告》予以公布，详见附件)
    // is the notice's, not the report's.
    static COVER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"予以公布|现予公布|现予以公布|予以发布|现予发布|详见附件|印发给你们|现将[^。\n]{0,60}公布")
            .expect("valid regex")
    });
    let above = folded
        .lines()
        .rev()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .skip(1)
        .take(4);
    if above.into_iter().any(|l| COVER.is_match(l)) {
        return None;
    }
    Some(date)
}

/// 统计期限自…至…止 and its many spellings.
fn period(body: &str, folded: &str) -> Option<(Option<Date>, Option<Date>)> {
    let _ = body;
    static KEY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"统计期限|统计时限|统计时间|统计期间|统计区间|统计周期|统计范围|数据期限|期限|时限|涵盖").expect("valid regex")
    });
    for m in KEY.find_iter(folded) {
        let after = m.end();
        // The first digit within a few characters.
        let window_end = floor_boundary(folded, after + 40);
        let Some(d0) = folded[after..window_end].find(|c: char| c.is_ascii_digit()) else {
            continue;
        };
        let between = &folded[after..after + d0];
        if between.contains('。') || between.chars().count() > 12 {
            continue;
        }
        let s_at = after + d0;
        let Some((start, len)) = dates::lenient(&folded[s_at..], None) else {
            continue;
        };
        let mut pos = s_at + len;
        let rest = &folded[pos..];
        let rest_trim = rest.trim_start_matches([' ', '\n']);
        pos += rest.len() - rest_trim.len();
        let rest = rest_trim.strip_prefix('起').unwrap_or(rest_trim);
        let rest = rest.trim_start_matches([' ', ',', '\n']);
        let Some(rest) = ["至", "到", "-", "~", "—"]
            .iter()
            .find_map(|w| rest.strip_prefix(w))
        else {
            continue;
        };
        let rest = rest.trim_start_matches([' ', '\n']);
        let _ = pos;
        let Some((end, _)) = dates::lenient(rest, Some(start.y)) else {
            continue;
        };
        if end < start || end.y - start.y > 1 {
            continue;
        }
        return Some((Some(start), Some(end)));
    }
    None
}

/// The most frequent plausible year in the text, ties to the earliest.
fn year_from_text(folded: &str) -> Option<i32> {
    static REPORT_YEAR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"((?:19|20)\d{2})\s*年度?[^。\n,]{0,12}?(?:政府信息公开|信息公开|政务公开)")
            .expect("valid regex")
    });
    let head = &folded[..floor_boundary(folded, 800)];
    if let Some(c) = REPORT_YEAR.captures(head)
        && let Ok(y) = c[1].parse::<i32>()
    {
        return Some(y);
    }
    static ANY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"((?:19|20)\d{2})\s*年(\s*\d{1,2}\s*月)?").expect("valid regex")
    });
    let mut counts: Vec<(i32, usize, usize)> = Vec::new(); // year, weight, first
    for (i, c) in ANY_YEAR.captures_iter(folded).enumerate() {
        let m = c.get(0).expect("match");
        if folded[..m.start()].ends_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let Ok(y) = c[1].parse::<i32>() else { continue };
        if !(1990..=2100).contains(&y) {
            continue;
        }
        // A full date (a byline, a deadline) says less about the year covered.
        let weight = if c.get(2).is_some() { 1 } else { 2 };
        match counts.iter_mut().find(|e| e.0 == y) {
            Some(e) => e.1 += weight,
            None => counts.push((y, weight, i)),
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)))
        .map(|e| e.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::normalize::{fold, normalize};

    fn meta(body: &str, pre: &str) -> Meta {
        let b = normalize(body);
        let bf = fold(&b);
        let p = normalize(pre);
        let pf = fold(&p);
        extract(&Input {
            body: &b,
            body_folded: &bf,
            pre: &p,
            pre_folded: &pf,
            page_title: None,
            metas: &[],
        })
    }

    #[test]
    fn seed_like_report() {
        let m = meta(
            "正在加载中...\n咸宁市2013年政府信息公开工作年度报告\n来源:咸宁政府网 发布时间:2014-02-20\n本年度报告根据《条例》有关要求,由咸宁市人民政府办公室编制。全文包括概述七部分。\n一、概述\n本报告中所列数据的统计期限自2013年1月1日起至2013年12月31日止。\n咸宁市人民政府办公室\n2014年1月22日",
            "",
        );
        assert_eq!(
            m.title.as_deref(),
            Some("咸宁市2013年政府信息公开工作年度报告")
        );
        assert_eq!(m.agency.as_deref(), Some("咸宁市人民政府办公室"));
        assert_eq!(m.year, Some(2013));
        assert_eq!(m.published.as_deref(), Some("2014-02-20"));
        assert_eq!(m.signed.as_deref(), Some("2014-01-22"));
        assert_eq!(
            m.period,
            Some(Period {
                start: Some("2013-01-01".into()),
                end: Some("2013-12-31".into())
            })
        );
    }

    #[test]
    fn title_shapes_and_affixes() {
        let tm = |body: &str| {
            let m = meta(body, "");
            (m.title, m.agency)
        };
        let (t, a) = tm("2016年度白沙县水利局信息公开工作年度报告\n一、概述");
        assert_eq!(
            t.as_deref(),
            Some("2016年度白沙县水利局信息公开工作年度报告")
        );
        assert_eq!(a.as_deref(), Some("白沙县水利局"));
        let (t, a) = tm("石门县审计局2011年政府信息公开年报\n一、概述");
        assert_eq!(t.as_deref(), Some("石门县审计局2011年政府信息公开年报"));
        assert_eq!(a.as_deref(), Some("石门县审计局"));
        let (t, _) =
            tm("为做好公开工作,特编制东坪镇人民政府2023年政府信息公开工作年度报告。\n一、总体情况");
        assert_eq!(
            t.as_deref(),
            Some("东坪镇人民政府2023年政府信息公开工作年度报告")
        );
        let (t, _) = tm("# 云岭县民政局2022年政府信息公开工作年度报告\n一、总体情况");
        assert_eq!(
            t.as_deref(),
            Some("云岭县民政局2022年政府信息公开工作年度报告")
        );
        let (t, _) = tm("标题:临江市林业局2021年政府信息公开工作年度报告\n一、总体情况");
        assert_eq!(
            t.as_deref(),
            Some("临江市林业局2021年政府信息公开工作年度报告")
        );
        let (t, _) = tm("Page 8 - 南岭县统计局2020年政府信息公开工作年度报告.pdf\n一、总体情况");
        assert_eq!(
            t.as_deref(),
            Some("南岭县统计局2020年政府信息公开工作年度报告")
        );
        // The page title's site suffix.
        let b = normalize("一、总体情况\n本年度");
        let bf = fold(&b);
        let m = extract(&Input {
            body: &b,
            body_folded: &bf,
            pre: "",
            pre_folded: "",
            page_title: Some("梅溪区交通局2022年政府信息公开工作年度报告 - 梅溪区人民政府"),
            metas: &[],
        });
        assert_eq!(
            m.title.as_deref(),
            Some("梅溪区交通局2022年政府信息公开工作年度报告")
        );
    }

    #[test]
    fn signed_dates_in_chinese_numerals_and_without_a_day() {
        let m = meta(
            "一、概述\n公开信息12条。\n白沙乡人民政府\n二〇二二年一月八日",
            "",
        );
        assert_eq!(m.signed.as_deref(), Some("2022-01-08"));
        let m = meta(
            "一、概述\n公开信息12条。\n白沙乡人民政府\n二○二三年一月",
            "",
        );
        assert_eq!(m.signed.as_deref(), Some("2023-01"));
        let m = meta("一、概述\n公开信息12条。\n白沙乡人民政府\n2023年12月", "");
        assert_eq!(m.signed.as_deref(), Some("2023-12"));
        // A cover notice's date.
        let m = meta(
            "现将《白沙乡人民政府2022年政府信息公开工作年度报告》予以公布,详见附件。\n白沙乡人民政府\n2023年1月8日",
            "",
        );
        assert_eq!(m.signed, None);
    }

    #[test]
    fn capture_times_and_document_dates_are_not_publication() {
        let m = meta(
            "采集时间:2024-03-02 10:11:12\n成文日期:2024-01-19\n一、总体情况\n2023年,本局公开信息12条。",
            "",
        );
        assert_eq!(m.published, None);
        let m = meta(
            "发文日期: | 2024-01-26 | 成文日期: | 2024-01-19 |\n一、总体情况",
            "",
        );
        assert_eq!(m.published.as_deref(), Some("2024-01-26"));
    }

    #[test]
    fn titles() {
        let t = |body: &str| meta(body, "").title;
        assert_eq!(
            t("乌海市工业和信息化局\n政府信息公开工作年度报告\n为切实做好").as_deref(),
            Some("乌海市工业和信息化局政府信息公开工作年度报告")
        );
        assert_eq!(
            t("高新区2017年政府信息公开工作年度报告-凯发平台\n时间").as_deref(),
            Some("高新区2017年政府信息公开工作年度报告")
        );
        assert_eq!(
            t("当前位置: 首页 > 政府信息公开年报\n正文").as_deref(),
            None
        );
        assert_eq!(t("政府信息公开年报\n正文").as_deref(), None);
        assert_eq!(
            t("盐亭县行政审批局2022年政府信息公开工作年度报告(以下简称年报)是根据").as_deref(),
            None
        );
        assert_eq!(
            t("按照要求,现编制形成了《uedbet体育_uedbet官网@:西柳镇人民政府2023年政府信息公开工作年度报告》。").as_deref(),
            Some("西柳镇人民政府2023年政府信息公开工作年度报告")
        );
    }

    #[test]
    fn agencies() {
        let a = |body: &str| meta(body, "").agency;
        assert_eq!(
            a("本报告是根据要求,由北京市信訪辦編制的2009年度政府信息公開年度報告。").as_deref(),
            Some("北京市信訪辦")
        );
        assert_eq!(a("本报告由概述、主动公开等七部分组成。").as_deref(), None);
        assert_eq!(
            a("2016年朝阳乡政府信息公开工作年度报告\n正文").as_deref(),
            Some("朝阳乡")
        );
        assert_eq!(
            a("2013年壶镇镇人民政府信息公开年度报告\n正文").as_deref(),
            Some("壶镇镇人民政府")
        );
        assert_eq!(
            a("2023年上海市政府信息公开工作年度报告\n正文").as_deref(),
            None
        );
        assert_eq!(
            a("一、概述\n2014年,国家卫生计生委认真贯彻落实《条例》").as_deref(),
            Some("国家卫生计生委")
        );
        assert_eq!(a("一、总体情况\n2023 年,上海市坚持以").as_deref(), None);
        assert_eq!(
            a("特向社会公布广元市统计局2024年政府信息公开情况。").as_deref(),
            Some("广元市统计局")
        );
        assert_eq!(
            a("一、概述\n正文。\n遂溪县建新镇人民政府\n2018年12月31日").as_deref(),
            Some("遂溪县建新镇人民政府")
        );
    }

    #[test]
    fn dates_and_periods() {
        let m = meta(
            "正文\n二、其他\n本报告所列数据的统计期限从2023年1月1日至12月31止。",
            "发布日期: 2021-01-29 来源:本站",
        );
        assert_eq!(m.published.as_deref(), Some("2021-01-29"));
        assert_eq!(m.period.unwrap().end.as_deref(), Some("2023-12-31"));
        let m = meta(
            "成文日期: | 2019-03-07 |\n截至2010年12月31日,运行正常。",
            "",
        );
        assert_eq!(m.published, None);
        assert_eq!(m.period, None);
        let m = meta(
            "统计期限自201911日起至20191231日止。",
            "2017年03月09日    来源:",
        );
        assert_eq!(m.period.unwrap().start.as_deref(), Some("2019-01-01"));
        assert_eq!(m.published.as_deref(), Some("2017-03-09"));
        let m = meta(
            "蓝 山 县 人 民 政 府\n2011年3月10日\n引 言\n正文2010年,我县",
            "",
        );
        assert_eq!(m.signed, None);
        assert_eq!(m.year, Some(2010));
    }
}
