//! Legacy metrics: the canonical counts of the free-text era (docs/formats.md,
//! Legacy metrics) as the prose states them.
//!
//! Two readings of the folded text, merged in document order (the first
//! statement of a metric wins):
//!
//! * **Stated numbers.** Each count or amount among the report's figures is
//!   named by the keyword of [`WORDS`] that stands nearest before it in its
//!   clause (共受理信息公开申请10件 → received, “同意公开”的7件 → granted,
//!   行政复议申请12件 → review, 收到12起…申请 with the noun after the
//!   number). Numbers for other years (2013年的…, 上年, 同比), changes
//!   (增加…), cumulative totals since earlier years (历年, 累计 … 以来) and
//!   information items (依申请公开信息459条, 不予公开信息…) are not metrics.
//! * **Zeros stated in words.** A clause with a negation (未, 没有, 尚未,
//!   无) followed by what did not happen: 复议 / 诉讼 / 申诉 (each 0), a fee
//!   collected (收取…费用, 收费), a consultation, or an application
//!   (未收到…申请). These carry `explicit_zero`.
//!
//! Then: “均已按期答复” after a count of applications makes that count the
//! answered one too; a report that never says 主动公开 with a number gets
//! its active-disclosure count from its active-disclosure section (that
//! section's 总计/共计 count, or its only count of information 公开…N条);
//! and the rows of a printed 2014–2018 statistics table (收到申请数 | 件 |
//! 11) fill the metrics the prose does not state. The rules, with their
//! reasons, are in docs/formats.md (Legacy metrics).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::decode::normalize::CharIndex;
use crate::model::{Figure, Legacy, Qualifier, Section};

/// Metric families: what a keyword needs around it to name a number.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    /// 主动公开: a count of information, not of documents.
    Active,
    /// A count of applications: the sentence speaks of applications.
    Application,
    /// An answer to applications: also not followed by 信息 (不予公开信息
    /// counts information items).
    Outcome,
    /// A channel of applications: 申请 after the keyword.
    Channel,
    /// Review, litigation, appeals, complaints, consultations.
    Case,
}

/// Keywords, the metric each names and its family. Where two end at the
/// same place the longer one wins (已主动公开 over 主动公开).
const WORDS: &[(&str, &str, Family)] = &[
    ("主动公开", "legacy__active_disclosed", Family::Active),
    ("收到", "legacy__applications_received", Family::Application),
    ("受理", "legacy__applications_received", Family::Application),
    ("接到", "legacy__applications_received", Family::Application),
    ("接收", "legacy__applications_received", Family::Application),
    ("接受", "legacy__applications_received", Family::Application),
    ("收悉", "legacy__applications_received", Family::Application),
    ("共有", "legacy__applications_received", Family::Application),
    ("办理", "legacy__applications_received", Family::Application),
    ("答复", "legacy__applications_answered", Family::Application),
    ("回复", "legacy__applications_answered", Family::Application),
    ("办结", "legacy__applications_answered", Family::Application),
    (
        "按时办结",
        "legacy__applications_completed_on_time",
        Family::Application,
    ),
    (
        "按期办结",
        "legacy__applications_completed_on_time",
        Family::Application,
    ),
    (
        "按时办理",
        "legacy__applications_completed_on_time",
        Family::Application,
    ),
    (
        "延期办结",
        "legacy__applications_completed_extended",
        Family::Application,
    ),
    (
        "延期答复",
        "legacy__applications_completed_extended",
        Family::Application,
    ),
    ("同意公开", "legacy__granted", Family::Outcome),
    ("予以公开", "legacy__granted", Family::Outcome),
    ("全部公开", "legacy__granted", Family::Outcome),
    ("部分公开", "legacy__partial", Family::Outcome),
    ("同意部分公开", "legacy__partial", Family::Outcome),
    ("不予公开", "legacy__denied", Family::Outcome),
    ("不同意公开", "legacy__denied", Family::Outcome),
    ("否决公开", "legacy__denied", Family::Outcome),
    ("不公开", "legacy__denied", Family::Outcome),
    ("已主动公开", "legacy__already_public", Family::Outcome),
    ("已公开", "legacy__already_public", Family::Outcome),
    ("已经公开", "legacy__already_public", Family::Outcome),
    ("不存在", "legacy__not_exist", Family::Outcome),
    ("非本机关", "legacy__not_held", Family::Outcome),
    ("非本部门", "legacy__not_held", Family::Outcome),
    ("非本单位", "legacy__not_held", Family::Outcome),
    ("不属于本", "legacy__not_held", Family::Outcome),
    ("不掌握", "legacy__not_held", Family::Outcome),
    ("不明确", "legacy__unclear", Family::Outcome),
    ("更改补充", "legacy__unclear", Family::Outcome),
    ("其他途径", "legacy__redirected", Family::Outcome),
    ("国家秘密", "legacy__denied__state_secret", Family::Outcome),
    (
        "商业秘密",
        "legacy__denied__commercial_secret",
        Family::Outcome,
    ),
    ("个人隐私", "legacy__denied__privacy", Family::Outcome),
    (
        "三安全一稳定",
        "legacy__denied__security_stability",
        Family::Outcome,
    ),
    (
        "所指政府信息",
        "legacy__denied__not_gov_info",
        Family::Outcome,
    ),
    (
        "当面",
        "legacy__applications_by_channel__in_person",
        Family::Channel,
    ),
    (
        "现场",
        "legacy__applications_by_channel__in_person",
        Family::Channel,
    ),
    (
        "传真",
        "legacy__applications_by_channel__fax",
        Family::Channel,
    ),
    (
        "网上",
        "legacy__applications_by_channel__online",
        Family::Channel,
    ),
    (
        "网络",
        "legacy__applications_by_channel__online",
        Family::Channel,
    ),
    (
        "在线",
        "legacy__applications_by_channel__online",
        Family::Channel,
    ),
    (
        "电子邮件",
        "legacy__applications_by_channel__online",
        Family::Channel,
    ),
    (
        "信函",
        "legacy__applications_by_channel__letter",
        Family::Channel,
    ),
    (
        "来信",
        "legacy__applications_by_channel__letter",
        Family::Channel,
    ),
    ("复议", "legacy__review__total", Family::Case),
    ("诉讼", "legacy__litigation__total", Family::Case),
    ("申诉", "legacy__appeals", Family::Case),
    ("举报投诉", "legacy__complaints", Family::Case),
    ("投诉举报", "legacy__complaints", Family::Case),
    ("咨询", "legacy__consultations", Family::Case),
    // 谘询: the older form, left as it is by the fold.
    ("谘询", "legacy__consultations", Family::Case),
];

/// Finds every keyword of [`WORDS`] (overlapping matches: 已主动公开 holds
/// 主动公开).
static WORD_MATCHER: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(WORDS.iter().map(|w| w.0)).expect("valid keywords"));

/// Finds the words of [`NOT_THIS_YEAR`].
static PERIOD_MATCHER: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(NOT_THIS_YEAR).expect("valid words"));

/// Finds the negations of [`NEGATIONS`].
static NEGATION_MATCHER: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(NEGATIONS).expect("valid words"));

/// Measure words of counts (simplified).
const COUNT_UNITS: &[&str] = &[
    "件", "条", "宗", "起", "次", "人次", "个", "份", "例", "项", "件次", "篇",
];

/// Words before a number that make it something other than the year's
/// figure: another period, a change, a running total.
const NOT_THIS_YEAR: &[&str] = &[
    "历年",
    "去年",
    "上年",
    "上一年",
    "前年",
    "同比",
    "增加",
    "增长",
    "减少",
    "下降",
    "提高",
    "以来",
    "至今",
    "到目前",
    "截至目前",
    "建站",
    "开通",
];

/// Applications that are not for disclosure (受理行政许可申请1200件).
const OTHER_APPLICATIONS: &[&str] = &[
    "许可",
    "审批",
    "办件",
    "服务事项",
    "信访",
    "补助",
    "低保",
    "救助",
    "项目",
    "登记",
];

/// What a zero statement can say did not happen, each its own metric
/// (没有发生行政复议、行政诉讼和申诉 gives three zeros).
const CASES: &[(&str, &str)] = &[
    ("复议", "legacy__review__total"),
    ("诉讼", "legacy__litigation__total"),
    ("申诉", "legacy__appeals"),
    ("举报投诉", "legacy__complaints"),
    ("投诉举报", "legacy__complaints"),
];

/// Negations that open a zero statement.
const NEGATIONS: &[&str] = &[
    "没有",
    "尚未",
    "未曾",
    "无一例",
    "未",
    "无",
    "免费",
    "均为零",
    "均为0",
    "为零",
];

/// Words that start with a negation but are none (无法, 未来, …).
const NOT_NEGATIONS: &[&str] = &[
    "无法",
    "无偿",
    "无论",
    "无需",
    "无须",
    "无障碍",
    "无纸",
    "无缝",
    "未来",
    "无正当",
    "无条件",
    "无误",
    "无一遗漏",
    "未经",
];

/// A metric found, before merging (byte offsets in the folded text).
struct Found {
    key: &'static str,
    value: f64,
    unit: String,
    zero: bool,
    qualifier: Qualifier,
    start: usize,
    end: usize,
}

impl Found {
    /// A zero stated in words, in the metric's own unit.
    fn zero(key: &'static str, start: usize, end: usize) -> Found {
        let unit = crate::model::LEGACY_KEYS
            .iter()
            .find(|k| k.0 == key)
            .map_or("", |k| k.1);
        Found {
            key,
            value: 0.0,
            unit: unit.to_string(),
            zero: true,
            qualifier: Qualifier::Exact,
            start,
            end,
        }
    }
}

/// Ends a sentence.
fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '；' | ';' | '!' | '！' | '?' | '？' | '\n')
}

/// Ends a clause.
fn is_clause_end(c: char) -> bool {
    is_sentence_end(c) || matches!(c, ',' | '，' | ':' | '：')
}

/// How far (bytes) a clause or sentence is looked for around a number.
const WINDOW: usize = 300;

/// Where the clauses and sentences of a text end, found in one pass (the
/// figures of a page would otherwise each scan their neighbourhood).
struct Breaks {
    /// Byte offsets of clause-ending characters (sentence ends included).
    clause: Vec<usize>,
    /// Byte offsets of sentence-ending characters.
    sentence: Vec<usize>,
}

impl Breaks {
    fn new(f: &str) -> Breaks {
        let mut clause = Vec::new();
        let mut sentence = Vec::new();
        for (i, c) in f.char_indices() {
            if is_clause_end(c) {
                clause.push(i);
                if is_sentence_end(c) {
                    sentence.push(i);
                }
            }
        }
        Breaks { clause, sentence }
    }

    /// Start of the clause (or sentence) holding byte `at`, no further back
    /// than [`WINDOW`]; `ends` is [`Breaks::clause`] or
    /// [`Breaks::sentence`].
    fn start(f: &str, ends: &[usize], at: usize) -> usize {
        let floor = at.saturating_sub(WINDOW);
        let i = ends.partition_point(|&e| e < at);
        let start = match i.checked_sub(1) {
            Some(j) => ends[j] + f[ends[j]..].chars().next().map_or(1, char::len_utf8),
            None => 0,
        };
        let mut start = start.max(floor);
        while !f.is_char_boundary(start) {
            start += 1;
        }
        start
    }

    /// End of the clause (or sentence) holding byte `at`, no further on
    /// than [`WINDOW`].
    fn end(f: &str, ends: &[usize], at: usize) -> usize {
        let i = ends.partition_point(|&e| e < at);
        let end = ends.get(i).copied().unwrap_or(f.len());
        end.min(crate::decode::normalize::floor_boundary(f, at + WINDOW))
            .max(at)
    }
}

/// Whether `before` (the words before a number) puts it in another period.
fn other_period(before: &str, year: Option<i32>) -> bool {
    if PERIOD_MATCHER.is_match(before) {
        return true;
    }
    // A year other than the report's (2013年的1128条 in a 2014 report).
    let b = before.as_bytes();
    let mut i = 0;
    while i + 4 < b.len() {
        if b[i..i + 4].iter().all(u8::is_ascii_digit)
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && before[i + 4..].starts_with('年')
        {
            let y: i32 = before[i..i + 4].parse().unwrap_or(0);
            if year.is_some_and(|r| r != y) {
                return true;
            }
            i += 4;
        } else {
            i += 1;
        }
    }
    false
}

/// The metrics a number names, from the words before it (`before`, its
/// clause up to the number) and after it (`after`, to the clause's end);
/// `sentence` is its whole sentence. Each key comes with the offset of its
/// keyword in `before` and how much of `after` the statement takes (the
/// keyword after the number). `unit` is 元 or one of [`COUNT_UNITS`].
fn classify(
    before: &str,
    after: &str,
    sentence: &str,
    heading: &str,
    unit: &str,
    value: f64,
) -> Vec<(&'static str, usize, usize)> {
    if unit == "元" {
        let fee = ["收取", "收费", "费用"].iter().any(|w| before.contains(w));
        let spent = ["支出", "经费", "预算", "投入", "拨付", "资金", "补助"]
            .iter()
            .any(|w| before.contains(w));
        return match before.find("收").or_else(|| before.find("费")) {
            Some(at) if fee && !spent => vec![("legacy__fees_yuan", at, 0)],
            _ => Vec::new(),
        };
    }
    let applications = sentence.contains("申请");
    // Review and litigation together: both, when nothing happened.
    if let (Some(r), Some(l)) = (before.find("复议"), before.find("诉讼")) {
        return if value == 0.0 {
            vec![
                ("legacy__review__total", r, 0),
                ("legacy__litigation__total", l, 0),
            ]
        } else {
            Vec::new()
        };
    }
    // The keyword nearest the number, longer first where two end together.
    // Each keyword's last occurrence, in one pass.
    let mut last: [Option<usize>; WORDS.len()] = [None; WORDS.len()];
    for m in WORD_MATCHER.find_overlapping_iter(before) {
        last[m.pattern().as_usize()] = Some(m.start());
    }
    let mut best: Option<(usize, usize, &'static str, Family)> = None;
    for (&(word, key, family), at) in WORDS.iter().zip(last) {
        let Some(at) = at else {
            continue;
        };
        let end = at + word.len();
        let rest = &before[end..];
        let ok = match family {
            // A count of information (主动公开政府信息N条, 主动公开N件),
            // not of one kind of it (主动公开公告公示N条, …规范性文件N件).
            Family::Active => {
                let bare = rest
                    .trim_start_matches(['的', '了'])
                    .trim_end_matches(['共', '计', '总', '数', '为', '达']);
                (rest.contains("信息") || bare.is_empty())
                    && !["文件", "规章", "规范性"].iter().any(|w| rest.contains(w))
                    && !before[..at].ends_with("依申请")
            }
            // Received: 申请 in the clause, not for licences, services or
            // aid. Answered: 申请 in the sentence (受理申请6件,答复6件),
            // and nothing but 申请 between the word and the number (not
            // 办结群众来信1781件).
            Family::Application => {
                applications
                    && (key != "legacy__applications_received"
                        || before.contains("申请")
                        || after.contains("申请"))
                    && (key == "legacy__applications_received"
                        || rest.contains("申请")
                        || rest
                            .trim_matches(['的', '了', '共', '计', '为', '达', '各', '均', ' '])
                            .is_empty())
                    && !before.contains("依申请公开信息")
                    && !OTHER_APPLICATIONS.iter().any(|w| before.contains(w))
            }
            Family::Outcome => {
                applications
                    && !rest.starts_with("信息")
                    && !rest.starts_with("的信息")
                    && !rest.starts_with("的政府信息")
            }
            Family::Channel => applications && rest.starts_with("申请"),
            Family::Case => true,
        };
        if !ok {
            continue;
        }
        let better = match best {
            None => true,
            Some((b_end, b_len, _, _)) => end > b_end || (end == b_end && word.len() > b_len),
        };
        if better {
            best = Some((end, word.len(), key, family));
        }
    }
    let Some((end, len, key, family)) = best else {
        // The noun after the number: 收到12起政府信息依申请公开.
        if applications
            && ["收到", "受理", "接到", "接收"]
                .iter()
                .any(|w| before.ends_with(w) || before.ends_with(&format!("{w}了")))
            && after.contains("申请")
        {
            let at = ["收到", "受理", "接到", "接收"]
                .iter()
                .filter_map(|w| before.rfind(w))
                .max()
                .unwrap_or(0);
            return vec![("legacy__applications_received", at, 0)];
        }
        // The answer after the number: 另有1件属于非本机关掌握的信息.
        if applications {
            let head = after.trim_start_matches(['属', '于', '为', '是', '系', '被']);
            let skipped = after.len() - head.len();
            if let Some(&(word, key, _)) = WORDS
                .iter()
                .filter(|(w, _, f)| *f == Family::Outcome && head.starts_with(w))
                .max_by_key(|(w, _, _)| w.len())
            {
                return vec![(key, before.len(), skipped + word.len())];
            }
        }
        return Vec::new();
    };
    // Outcomes of review and litigation are not totals.
    if family == Family::Case
        && ["维持", "纠错", "撤销", "驳回", "确认违法"]
            .iter()
            .any(|w| before[end..].contains(w))
    {
        return Vec::new();
    }
    // Reviews, suits, appeals and complaints about disclosure: the sentence
    // or the section says so (a justice bureau's own review cases are not).
    if family == Family::Case
        && key != "legacy__consultations"
        && value != 0.0
        && !sentence.contains("公开")
        && !["复议", "诉讼", "申诉", "投诉"]
            .iter()
            .any(|w| heading.contains(w))
    {
        return Vec::new();
    }
    // Complaints and consultations about disclosure, not those of a
    // hotline or a mailbox the report also runs.
    if matches!(key, "legacy__complaints" | "legacy__consultations")
        && !sentence.contains("公开")
        && ["热线", "来电", "信箱", "来访"]
            .iter()
            .any(|w| sentence.contains(w))
    {
        return Vec::new();
    }
    vec![(key, end - len, 0)]
}

/// Whether the words before a number are only a total word (共计, 合计,
/// 总计, 共).
fn total_word_only(before: &str) -> bool {
    let b = before.trim_matches(['、', ' ', '为', '达', '了']);
    matches!(b, "共计" | "合计" | "总计" | "共" | "总共" | "累计")
}

/// Reads the legacy metrics of a report. `figures` are its figures (sorted
/// by offset), `sections` its sections, `year` the year it covers.
pub fn extract(
    text: &str,
    folded: &str,
    sections: &[Section],
    figures: &[Figure],
    index: &CharIndex,
    year: Option<i32>,
) -> BTreeMap<String, Legacy> {
    let mut found: Vec<Found> = Vec::new();
    // Byte spans of each figure's number (qualifier, number, unit).
    let spans: Vec<(usize, usize)> = figures
        .iter()
        .map(|f| {
            // `text` is the label and the number, the label before or (when
            // its clause has none before) after it.
            let len = f.raw.chars().count();
            let start = if f.text.ends_with(f.raw.as_str()) {
                f.end.saturating_sub(len)
            } else if f.text.starts_with(f.raw.as_str()) {
                f.start
            } else {
                f.text
                    .rfind(f.raw.as_str())
                    .map_or(f.end.saturating_sub(len), |b| {
                        f.start + f.text[..b].chars().count()
                    })
            };
            (index.byte_at(start), index.byte_at(start + len))
        })
        .collect();
    let mut received_at: Option<(usize, usize, f64, Qualifier, String)> = None;
    let breaks = Breaks::new(folded);
    // Where the last channel count was read.
    let mut last_channel: Option<usize> = None;
    let headings: Vec<(u32, String)> = sections
        .iter()
        .map(|s| (s.number, crate::decode::normalize::fold(&s.heading)))
        .collect();
    for (n, f) in figures.iter().enumerate() {
        // Counts and amounts only (no shares, durations, areas).
        let unit = f.unit_simplified.as_str();
        if unit != "元" && !COUNT_UNITS.contains(&unit) {
            continue;
        }
        let (rs, re) = spans[n];
        let prev_end = if n > 0 { spans[n - 1].1 } else { 0 };
        let next_start = spans.get(n + 1).map_or(folded.len(), |s| s.0);
        let clause_start = Breaks::start(folded, &breaks.clause, rs);
        let mut cs = clause_start.max(prev_end.min(rs));
        // The figure before was inside a note that closes here (…数(…计1条)
        // 215条): the clause's words before the note name this one.
        if folded[cs..rs].trim_start().starts_with([')', '）']) {
            cs = clause_start;
        }
        let ce = Breaks::end(folded, &breaks.clause, re).min(next_start.max(re));
        let ss = Breaks::start(folded, &breaks.sentence, rs);
        let se = Breaks::end(folded, &breaks.sentence, re);
        // A number in parentheses is named by the words of its note
        // (其中网上申请5件 names it; …相同信息计1条 names nothing).
        let open = folded[cs..rs].matches(['(', '（']).count();
        let closed = folded[cs..rs].matches([')', '）']).count();
        if open > closed
            && let Some(p) = folded[cs..rs].rfind(['(', '（'])
        {
            cs += p + folded[cs + p..].chars().next().map_or(1, char::len_utf8);
        }
        let before = &folded[cs..rs];
        let after = &folded[re..ce];
        // A running total up to a date (截至2013年底，累计主动公开…) is no
        // year's count; 累计 alone (在网站累计主动公开28条) is.
        let to_date =
            before.contains("累计") && ["截至", "截止"].iter().any(|w| folded[ss..rs].contains(w));
        if other_period(before, year) || to_date {
            continue;
        }
        // The sentence, and the one before it (其中“同意公开”的4件 follows
        // the sentence that counts the applications).
        let pe = folded[..ss]
            .char_indices()
            .next_back()
            .map_or(0, |(i, _)| i);
        let ps = Breaks::start(folded, &breaks.sentence, pe);
        let sentence = &folded[ps..se];
        let heading = f
            .section
            .and_then(|n| headings.iter().find(|h| h.0 == n))
            .map_or("", |h| h.1.as_str());
        let mut named = classify(
            before,
            after,
            sentence,
            heading,
            &f.unit_simplified,
            f.value,
        );
        // A total after channel counts of the same sentence (当面申请3件、
        // 网上申请5件，共计8件) counts the applications received.
        if named.is_empty() && total_word_only(before) && last_channel.is_some_and(|at| at >= ss) {
            named.push(("legacy__applications_received", 0, 0));
        }
        if named
            .iter()
            .any(|n| n.0.starts_with("legacy__applications_by_channel"))
        {
            last_channel = Some(rs);
        }
        for (key, at, tail) in named {
            let start = cs + at;
            if key == "legacy__applications_received" && received_at.is_none() {
                received_at = Some((start, re, f.value, qualifier(f), f.unit.clone()));
            }
            found.push(Found {
                key,
                value: f.value,
                unit: f.unit.clone(),
                zero: false,
                qualifier: qualifier(f),
                start: start.min(rs),
                end: re + tail,
            });
        }
    }
    zero_statements(folded, &breaks, &mut found);
    let has = |found: &[Found], key: &str| found.iter().any(|x| x.key == key);
    // 收到申请2件，均已按期回复: the count is the answered count too.
    if let Some((start, end, value, qualifier, unit)) = received_at
        && value > 0.0
        && !has(&found, "legacy__applications_answered")
        && let Some(done) = all_answered(folded, &breaks, end)
    {
        found.push(Found {
            key: "legacy__applications_answered",
            value,
            unit,
            zero: false,
            qualifier,
            start,
            end: done,
        });
    }
    if !has(&found, "legacy__active_disclosed")
        && let Some(x) = active_from_section(folded, &breaks, &headings, figures, &spans, year)
    {
        found.push(x);
    }
    found.sort_by_key(|x| x.start);
    // The 2014–2018 statistics table fills what the prose does not state.
    found.extend(stats_table(folded));
    let mut out = BTreeMap::new();
    for x in found {
        if out.contains_key(x.key) {
            continue;
        }
        let start = index.char_at(x.start);
        let end = index.char_at(x.end);
        out.insert(
            x.key.to_string(),
            Legacy {
                value: x.value,
                unit: x.unit,
                explicit_zero: x.zero,
                qualifier: x.qualifier,
                text: text[x.start..x.end].to_string(),
                start,
                end,
            },
        );
    }
    out
}

/// A figure's qualifier as a metric's: 多 and 余 after a number make it
/// a lower bound (2万多条 is 20,000 and more), where figures call it
/// approximate.
fn qualifier(f: &Figure) -> Qualifier {
    let number_end = f.raw.find(['多', '余']);
    match number_end {
        Some(p) if f.qualifier == Qualifier::Approx && p > 0 => Qualifier::MoreThan,
        _ => f.qualifier,
    }
}

/// After a count of applications ending at `from`: the end of a clause of
/// the same sentence that says all were answered (均已按期回复,
/// 全部按时答复, 均及时给予了认真答复).
fn all_answered(f: &str, breaks: &Breaks, from: usize) -> Option<usize> {
    let end = Breaks::end(f, &breaks.sentence, from);
    let mut start = from;
    while start < end {
        let stop = Breaks::end(f, &breaks.clause, start).min(end);
        let clause = &f[start..stop];
        if let Some(a) = ["均", "全部", "都"]
            .iter()
            .filter_map(|w| clause.find(w))
            .min()
        {
            let tail = &clause[a..];
            if let Some(d) = ["答复", "回复", "办结"]
                .iter()
                .filter_map(|w| tail.find(w).map(|p| p + w.len()))
                .min()
                && !tail[..d].contains('未')
                && !tail[..d].contains("没有")
            {
                return Some(start + a + d);
            }
        }
        start = stop + f[stop..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// Zeros stated by negation, clause by clause.
fn zero_statements(f: &str, breaks: &Breaks, found: &mut Vec<Found>) {
    // Only the clauses that hold a negation are read, each once.
    let mut done = 0;
    for hit in NEGATION_MATCHER.find_iter(f) {
        if hit.start() < done {
            continue;
        }
        let at = Breaks::start(f, &breaks.clause, hit.start());
        let i = Breaks::end(f, &breaks.clause, hit.start());
        done = i;
        let clause = &f[at..i];
        if is_bare_negation(clause) {
            // The clause before, for a bare 无 after a label (收费情况：无).
            let sep = f[..at].chars().next_back().map_or(0, char::len_utf8);
            let subject_end = at - sep;
            let subject = Breaks::start(f, &breaks.clause, subject_end)..subject_end;
            label_zero(f, subject, i, found);
            continue;
        }
        // Prose only: a table row's text (尚未审结 | 总计 | 未经复议) states
        // nothing.
        if clause.len() < 6 || clause.contains('|') {
            continue;
        }
        let Some(neg) = first_negation(clause) else {
            continue;
        };
        // A zero after what it counts (行政复议、行政诉讼案件均为零): the
        // whole clause is what did not happen.
        let trailing = ["均为零", "均为0", "为零"]
            .iter()
            .any(|w| clause[neg..].starts_with(w));
        let (neg, end_all) = if trailing {
            (0, clause.len())
        } else {
            (neg, 0)
        };
        let rest = &clause[neg..];
        let zero =
            |key: &'static str, end: usize| Found::zero(key, at + neg, at + neg + end.max(end_all));
        // Free of charge (免费提供, 实行免费): no fee collected.
        if rest.starts_with("免费") {
            if ["提供", "申请", "公开"].iter().any(|w| clause.contains(w)) {
                found.push(zero("legacy__fees_yuan", "免费".len()));
            }
            continue;
        }
        let mut cases = Vec::new();
        for &(word, key) in CASES {
            if let Some(p) = rest.find(word) {
                cases.push((key, p + word.len()));
            }
        }
        if !cases.is_empty() {
            let end = cases.iter().map(|c| c.1).max().unwrap_or(0);
            found.extend(cases.into_iter().map(|(key, _)| zero(key, end)));
            continue;
        }
        let collected = ["收取", "收费", "收过"]
            .iter()
            .filter_map(|w| rest.find(w).map(|p| p + w.len()))
            .min();
        // Fees the body collected, not fees an applicant failed to pay
        // (未按收费通知要求缴纳费用, a row of table 3).
        if let Some(p) = collected
            && !["支出", "缴纳", "交纳"].iter().any(|w| rest.contains(w))
        {
            let end = rest.find("费用").map_or(p, |q| (q + "费用".len()).max(p));
            found.push(zero("legacy__fees_yuan", end));
            continue;
        }
        if let Some(p) = rest.find("咨询").or_else(|| rest.find("谘询")) {
            found.push(zero("legacy__consultations", p + "咨询".len()));
            continue;
        }
        // Applications: the negation is of receiving (未收到…申请,
        // 没有接到…申请, 未发生…申请), not of what a row of table 3 says
        // an applicant failed to do.
        let neg_len = NEGATIONS
            .iter()
            .find(|w| rest.starts_with(*w))
            .map_or(0, |w| w.len());
        let receiving = [
            "收到",
            "接到",
            "受理",
            "接收",
            "发生",
            "产生",
            "出现",
            "依申请",
        ]
        .iter()
        .any(|w| {
            if trailing {
                rest.contains(w)
            } else {
                rest[neg_len..]
                    .trim_start_matches(['曾', '有'])
                    .starts_with(w)
            }
        });
        if !receiving {
            continue;
        }
        if let Some(p) = rest.find("申请") {
            let between = &rest[..p];
            let blocked = [
                "答复",
                "回复",
                "办结",
                "延期",
                "逾期",
                "超期",
                "补正",
                "不予",
                "驳回",
                "依申请",
            ]
            .iter()
            .any(|w| between.contains(w));
            if !blocked && between.len() <= 90 && !between.bytes().any(|b| b.is_ascii_digit()) {
                found.push(zero("legacy__applications_received", p + "申请".len()));
            }
            continue;
        }
        // Nothing received about disclosure (没有收到政府信息公开…, the
        // application noun left out or cut off): no applications.
        if ["收到", "接到", "受理"]
            .iter()
            .any(|w| rest[neg_len..].starts_with(w))
            && let Some(p) = rest.find("信息公开")
            && !["投诉", "举报", "意见", "建议", "来信", "文件", "通知"]
                .iter()
                .any(|w| rest.contains(w))
        {
            found.push(zero("legacy__applications_received", p + "信息公开".len()));
        }
    }
}

/// Rows of the 2014–2018 statistics table (政府信息公开情况统计表, 国办发
/// 〔2014〕32号), by the words of their labels, most specific first. The
/// outcome rows after 行政复议数量 / 行政诉讼数量 belong to that group.
const STATS_ROWS: &[(&str, &str)] = &[
    ("主动公开政府信息数", "legacy__active_disclosed"),
    ("收到申请数", "legacy__applications_received"),
    ("当面申请数", "legacy__applications_by_channel__in_person"),
    ("传真申请数", "legacy__applications_by_channel__fax"),
    ("网络申请数", "legacy__applications_by_channel__online"),
    ("信函申请数", "legacy__applications_by_channel__letter"),
    ("按时办结数", "legacy__applications_completed_on_time"),
    ("延期办结数", "legacy__applications_completed_extended"),
    ("申请答复数", "legacy__applications_answered"),
    ("属于已主动公开范围数", "legacy__already_public"),
    ("同意部分公开答复数", "legacy__partial"),
    ("不同意公开答复数", "legacy__denied"),
    ("同意公开答复数", "legacy__granted"),
    ("涉及国家秘密", "legacy__denied__state_secret"),
    ("涉及商业秘密", "legacy__denied__commercial_secret"),
    ("涉及个人隐私", "legacy__denied__privacy"),
    ("危及国家安全", "legacy__denied__security_stability"),
    ("所指政府信息", "legacy__denied__not_gov_info"),
    ("法律法规规定的其他情形", "legacy__denied__other_law"),
    ("不属于本行政机关公开", "legacy__not_held"),
    ("申请信息不存在", "legacy__not_exist"),
    ("告知作出更改补充", "legacy__unclear"),
    ("告知通过其他途径办理", "legacy__redirected"),
    ("行政复议数量", "legacy__review__total"),
    ("行政诉讼数量", "legacy__litigation__total"),
    ("举报投诉数量", "legacy__complaints"),
    ("收取的费用", "legacy__fees_wanyuan"),
];

/// The metrics of a printed 2014–2018 statistics table: each row read as
/// `label | unit | value` (the unit cell optional), its value the last
/// number of the row.
fn stats_table(f: &str) -> Vec<Found> {
    if !super::has(f, "收到申请数") && !super::has(f, "主动公开政府信息数") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut group = "";
    let mut line_start = 0;
    for line in f.split('\n') {
        let at = line_start;
        line_start += line.len() + 1;
        if !line.contains('|') {
            continue;
        }
        let cells: Vec<&str> = line
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        let (Some(label), Some(last)) = (cells.first(), cells.last()) else {
            continue;
        };
        if cells.len() < 2 {
            continue;
        }
        let Ok(value) = last.parse::<f64>() else {
            continue;
        };
        let key = if ["维持具体行政行为", "被依法纠错", "其他情形数"]
            .iter()
            .any(|w| label.contains(w))
            && !label.contains("法律法规")
        {
            let outcome = if label.contains("维持") {
                "upheld"
            } else if label.contains("纠错") {
                "corrected"
            } else {
                "other"
            };
            match (group, outcome) {
                ("review", "upheld") => "legacy__review__upheld",
                ("review", "corrected") => "legacy__review__corrected",
                ("review", _) => "legacy__review__other",
                ("litigation", "upheld") => "legacy__litigation__upheld",
                ("litigation", "corrected") => "legacy__litigation__corrected",
                ("litigation", _) => "legacy__litigation__other",
                _ => continue,
            }
        } else {
            let Some(&(_, key)) = STATS_ROWS.iter().find(|(w, _)| label.contains(w)) else {
                continue;
            };
            key
        };
        if key == "legacy__review__total" {
            group = "review";
        } else if key == "legacy__litigation__total" {
            group = "litigation";
        }
        let unit = cells
            .get(1)
            .filter(|u| cells.len() > 2 && u.chars().count() <= 2)
            .map_or_else(String::new, |u| u.to_string());
        out.push(Found {
            key,
            value,
            unit,
            zero: false,
            qualifier: Qualifier::Exact,
            start: at,
            end: at + line.len(),
        });
    }
    out
}

/// A clause that is only a negation: 无, 本年度无, 暂无, 没有.
fn is_bare_negation(clause: &str) -> bool {
    let mut c = clause.trim();
    for prefix in ["本年度", "本年", "全年", "今年", "年内", "均", "暂"] {
        c = c.trim_start_matches(prefix);
    }
    matches!(c, "无" | "没有" | "未发生" | "无此类情况" | "无此情况")
}

/// A label (a heading, or the words before a colon) answered by a bare
/// negation: 依申请公开政府信息收费情况：无 → fees 0; 行政复议及诉讼情况：本年度无 →
/// both 0. The label states what it is about (…情况, …事项) and holds no
/// number.
fn label_zero(f: &str, subject: std::ops::Range<usize>, end: usize, found: &mut Vec<Found>) {
    let label = &f[subject.clone()];
    if label.is_empty()
        || label.len() > 120
        || !(label.contains("情况") || label.contains("事项"))
        || label.contains('|')
    {
        return;
    }
    // A heading's ordinal (三、, 3.) is no number of the label.
    let body = label.trim_start_matches(|c: char| {
        c.is_ascii_digit() || "一二三四五六七八九十、.（）() ".contains(c)
    });
    if body.contains(|c: char| c.is_ascii_digit()) {
        return;
    }
    let zero = |key: &'static str| Found::zero(key, subject.start, end);
    let cases: Vec<&'static str> = CASES
        .iter()
        .filter(|(w, _)| body.contains(w))
        .map(|(_, k)| *k)
        .collect();
    if !cases.is_empty() {
        found.extend(cases.into_iter().map(zero));
    } else if body.contains("收费") || body.contains("费用") {
        found.push(zero("legacy__fees_yuan"));
    } else if body.contains("咨询") {
        found.push(zero("legacy__consultations"));
    } else if body.contains("申请") && !body.contains("不予公开") {
        found.push(zero("legacy__applications_received"));
    }
}

/// Offset of the first negation in a clause.
fn first_negation(clause: &str) -> Option<usize> {
    let mut from = 0;
    while from < clause.len() {
        let hit = NEGATIONS
            .iter()
            .filter_map(|w| clause[from..].find(w).map(|p| from + p))
            .min()?;
        if NOT_NEGATIONS.iter().any(|w| clause[hit..].starts_with(w)) {
            from = hit + clause[hit..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        return Some(hit);
    }
    None
}

/// A report that never states 主动公开 with a number: in its section on
/// active disclosure, the count called 总计/共计/合计, or else its only
/// count of information made public (…公开…信息N条).
/// `headings` are the sections' numbers and folded headings.
fn active_from_section(
    folded: &str,
    breaks: &Breaks,
    headings: &[(u32, String)],
    figures: &[Figure],
    spans: &[(usize, usize)],
    year: Option<i32>,
) -> Option<Found> {
    let &(section, _) = headings.iter().find(|h| h.1.contains("主动公开"))?;
    let mut totals = Vec::new();
    let mut counts = Vec::new();
    for (n, f) in figures.iter().enumerate() {
        if f.section != Some(section) || f.unit_simplified != "条" {
            continue;
        }
        let (rs, re) = spans[n];
        let prev_end = if n > 0 { spans[n - 1].1 } else { 0 };
        let cs = Breaks::start(folded, &breaks.clause, rs).max(prev_end.min(rs));
        let before = &folded[cs..rs];
        if other_period(before, year) || before.contains("累计") {
            continue;
        }
        let x = Found {
            key: "legacy__active_disclosed",
            value: f.value,
            unit: f.unit.clone(),
            zero: false,
            qualifier: qualifier(f),
            start: cs,
            end: re,
        };
        if ["总计", "共计", "合计"].iter().any(|w| before.contains(w)) {
            totals.push(x);
        } else if before.contains("公开") && before.contains("信息") && !before.contains("其中")
        {
            counts.push(x);
        }
    }
    if !totals.is_empty() {
        return totals.into_iter().next();
    }
    if counts.len() == 1 {
        counts.pop()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::normalize;
    use crate::extract::{figures, sections};

    fn legacy(s: &str, year: i32) -> BTreeMap<String, Legacy> {
        let text = normalize::normalize(s);
        let folded = normalize::fold(&text);
        let index = CharIndex::new(&text);
        let secs = sections::find(&text, &folded, &index);
        let figs = figures::extract(&text, &folded, &secs, &index);
        extract(&text, &folded, &secs, &figs, &index, Some(year))
    }

    fn values(m: &BTreeMap<String, Legacy>) -> Vec<(String, f64, bool)> {
        m.iter()
            .map(|(k, v)| {
                (
                    k.trim_start_matches("legacy__").to_string(),
                    v.value,
                    v.explicit_zero,
                )
            })
            .collect()
    }

    #[test]
    fn counts_are_named_by_the_nearest_keyword() {
        let m = legacy(
            "2016年，本机关共受理政府信息公开申请31件，其中网上申请20件。在已经答复的29件申请中，“同意公开”的17件，“同意部分公开”4件，“不予公开”的3件，“信息不存在”的5件。2016年度针对本机关的行政复议案2件，行政诉讼1件。全年接受群众咨询640人次。",
            2016,
        );
        assert_eq!(
            values(&m),
            vec![
                ("applications_answered".into(), 29.0, false),
                ("applications_by_channel__online".into(), 20.0, false),
                ("applications_received".into(), 31.0, false),
                ("consultations".into(), 640.0, false),
                ("denied".into(), 3.0, false),
                ("granted".into(), 17.0, false),
                ("litigation__total".into(), 1.0, false),
                ("not_exist".into(), 5.0, false),
                ("partial".into(), 4.0, false),
                ("review__total".into(), 2.0, false),
            ]
        );
        let r = &m["legacy__granted"];
        assert_eq!(r.text, "同意公开”的17件");
    }

    #[test]
    fn zeros_stated_in_words() {
        let m = legacy(
            "一、主动公开政府信息情况\n全年主动公开政府信息88条。\n二、依申请公开情况\n本年度本乡未接到公民要求公开政府信息的申请。\n三、收费情况\n对依申请提供的政府信息没有收取检索、复制等费用。\n四、复议诉讼情况\n全年无因政府信息公开引起的行政复议、行政诉讼和申诉案件。本年度未收到有关信息公开的咨询。",
            2012,
        );
        assert_eq!(
            values(&m),
            vec![
                ("active_disclosed".into(), 88.0, false),
                ("appeals".into(), 0.0, true),
                ("applications_received".into(), 0.0, true),
                ("consultations".into(), 0.0, true),
                ("fees_yuan".into(), 0.0, true),
                ("litigation__total".into(), 0.0, true),
                ("review__total".into(), 0.0, true),
            ]
        );
        assert_eq!(m["legacy__fees_yuan"].text, "没有收取检索、复制等费用");
    }

    #[test]
    fn not_metrics() {
        // Information items, other years, running totals, changes, costs,
        // one kind of information, a table heading, letters answered.
        let m = legacy(
            "共制作政府信息900条，其中依申请公开信息40条，不予公开信息60条。截至目前历年累计主动公开信息3000条。截至2012年底，全镇累计主动公开政府信息2700条。2011年主动公开信息500条，比上年增加50条。信息公开工作经费支出2万元。未按时答复的申请无。主动公开通知公告35条。行政诉讼未经复议直接起诉。\n结果维持 | 尚未审结 | 总计 | 未经复议\n申请人逾期未按收费通知要求缴纳费用。办理政府信息公开事项时，办结群众来信80件。",
            2012,
        );
        assert!(m.is_empty(), "{:?}", values(&m));
    }

    #[test]
    fn all_answered_and_approximate_counts() {
        let m = legacy(
            "2015年，县政府办公室收到群众递交的政府信息公开申请7件，均已在规定期限内答复。通过县政府网站公开各类政府信息3万多条。全年接受信息公开咨询约2.5万人次。便民热线接到群众来电咨询问题900件。",
            2015,
        );
        let a = &m["legacy__applications_answered"];
        assert_eq!(
            (a.value, a.text.as_str()),
            (
                7.0,
                "收到群众递交的政府信息公开申请7件,均已在规定期限内答复"
            )
        );
        let c = &m["legacy__consultations"];
        assert_eq!((c.value, c.qualifier), (25000.0, Qualifier::Approx));
        // No 主动公开 and no section: the channel count is not taken.
        assert!(!m.contains_key("legacy__active_disclosed"));
    }

    #[test]
    fn labels_answered_by_a_bare_negation_and_answers_after_the_number() {
        let m = legacy(
            "三、依申请公开情况\n全年受理政府信息公开申请5件，其中同意公开3件，另有2件系不属于本机关公开范围的信息。\n四、收费及减免情况：本年度无。\n五、行政复议和行政诉讼情况\n无。\n六、咨询情况：暂无",
            2013,
        );
        assert_eq!(
            values(&m),
            vec![
                ("applications_received".into(), 5.0, false),
                ("consultations".into(), 0.0, true),
                ("fees_yuan".into(), 0.0, true),
                ("granted".into(), 3.0, false),
                ("litigation__total".into(), 0.0, true),
                ("not_held".into(), 2.0, false),
                ("review__total".into(), 0.0, true),
            ]
        );
        // A licence application is no disclosure application; a justice
        // bureau's own reviews are no reviews about disclosure.
        let m = legacy(
            "全年受理行政许可申请1200件。全年办理行政复议案件56件。",
            2013,
        );
        assert!(m.is_empty(), "{:?}", values(&m));
    }

    #[test]
    fn notes_free_of_charge_and_zeros_after_what_they_count() {
        let m = legacy(
            "共受理政府信息公开申请11件(其中网上申请8件、信函申请3件)。主动公开政府信息数(同一信息多渠道发布计1条)407条。对申请人实行免费提供政府信息。全年涉及政府信息公开的行政复议、行政诉讼案件均为零。",
            2016,
        );
        assert_eq!(
            values(&m),
            vec![
                ("active_disclosed".into(), 407.0, false),
                ("applications_by_channel__letter".into(), 3.0, false),
                ("applications_by_channel__online".into(), 8.0, false),
                ("applications_received".into(), 11.0, false),
                ("fees_yuan".into(), 0.0, true),
                ("litigation__total".into(), 0.0, true),
                ("review__total".into(), 0.0, true),
            ]
        );
        let m = legacy("本年度无依申请公开事项。", 2016);
        assert_eq!(
            values(&m),
            vec![("applications_received".into(), 0.0, true)]
        );
        let m = legacy(
            "全年收到当面申请4件、信函申请2件，合计6件，均已答复。",
            2016,
        );
        assert_eq!(
            values(&m),
            vec![
                ("applications_answered".into(), 6.0, false),
                ("applications_by_channel__in_person".into(), 4.0, false),
                ("applications_by_channel__letter".into(), 2.0, false),
                ("applications_received".into(), 6.0, false),
            ]
        );
    }

    #[test]
    fn the_statistics_table_fills_what_the_prose_leaves_out() {
        let m = legacy(
            "全年收到申请12件。\n统计指标 | 单位 | 统计数 |\n主动公开政府信息数(不同渠道和方式公开相同信息计1条) | 条 | 530 |\n(一)收到申请数 | 件 | 11 |\n1.当面申请数 | 件 | 3 |\n2.同意公开答复数 | 件 | 7 |\n四、行政复议数量 | 件 | 2 |\n(一)维持具体行政行为数 | 件 | 2 |\n五、行政诉讼数量 | 件 | 1 |\n(二)被依法纠错数 | 件 | 1 |\n七、依申请公开信息收取的费用 | 万元 | 0.05 |",
            2016,
        );
        assert_eq!(
            values(&m),
            vec![
                ("active_disclosed".into(), 530.0, false),
                ("applications_by_channel__in_person".into(), 3.0, false),
                // The prose states it first.
                ("applications_received".into(), 12.0, false),
                ("fees_wanyuan".into(), 0.05, false),
                ("granted".into(), 7.0, false),
                ("litigation__corrected".into(), 1.0, false),
                ("litigation__total".into(), 1.0, false),
                ("review__total".into(), 2.0, false),
                ("review__upheld".into(), 2.0, false),
            ]
        );
    }

    #[test]
    fn active_disclosure_from_its_section() {
        let total = legacy(
            "一、主动公开政府信息情况\n本年度，局网站发布信息310条，在省平台发布信息45条，总计355条。\n二、依申请公开情况\n本年度收到5宗政府信息依申请公开。",
            2014,
        );
        assert_eq!(total["legacy__active_disclosed"].value, 355.0);
        assert_eq!(total["legacy__applications_received"].value, 5.0);
        let one = legacy(
            "一、主动公开政府信息情况\n通过镇政府网站公开各类政府信息1万多条。\n",
            2013,
        );
        let a = &one["legacy__active_disclosed"];
        assert_eq!((a.value, a.qualifier), (10000.0, Qualifier::MoreThan));
        let two = legacy(
            "一、主动公开政府信息情况\n在网站公开信息300条，在办公平台公开信息40条。\n",
            2013,
        );
        assert!(two.is_empty());
    }
}
