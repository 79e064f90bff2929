//! The report's own numbered sections: lines such as `一、概述` or
//! `三、收到和处理政府信息公开申请情况`, in sequence. Rows of the standard
//! tables that look like headings (`一、本年新收政府信息公开申请数量`,
//! `四、结转下年度继续办理`) are not sections.

use crate::decode::normalize::CharIndex;
use crate::model::Section;

use super::numerals::parse_chinese;

/// Longest heading line, in characters.
const MAX_HEADING: usize = 40;

/// Words of the table-3 rows that are numbered like headings.
const TABLE_ROW_WORDS: [&str; 8] = [
    "申请数量",
    "办理结果",
    "结转下",
    "继续办理",
    "本年新收",
    "上年结转",
    "结转政府",
    "申请情况)",
];

/// Finds the section headings of a normalised text (with its folded twin).
pub fn find(text: &str, folded: &str, index: &CharIndex) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut offset = 0;
    for (line, fline) in text.split('\n').zip(folded.split('\n')) {
        let line_start = offset;
        offset += line.len() + 1;
        let Some((number, heading_ok)) = heading_number(fline) else {
            continue;
        };
        if !heading_ok {
            continue;
        }
        let expected = sections.last().map_or(number, |s| s.number + 1);
        if number != expected {
            continue;
        }
        sections.push(Section {
            number,
            heading: line.trim().to_string(),
            start: index.char_at(line_start),
            end: 0,
        });
    }
    let total = index.char_at(text.len());
    for i in 0..sections.len() {
        sections[i].end = sections.get(i + 1).map_or(total, |n| n.start);
    }
    sections
}

/// The ordinal of a heading line, and whether the rest looks like a heading.
fn heading_number(line: &str) -> Option<(u32, bool)> {
    let line = line.trim();
    let n = parse_chinese(line)?;
    if n.digit_string || n.value.exponent != 0 {
        return None;
    }
    let number = u32::try_from(n.value.mantissa)
        .ok()
        .filter(|v| (1..=20).contains(v))?;
    let rest = line[n.len..].trim_start();
    let rest = rest.strip_prefix(['、', '.', '．', ','])?.trim_start();
    let first = rest.chars().next()?;
    let ok = rest.chars().count() <= MAX_HEADING
        && crate::decode::normalize::is_han(first)
        && !rest.contains('|')
        && !rest.ends_with(['。', ';', ','])
        && !TABLE_ROW_WORDS.iter().any(|w| rest.contains(w));
    Some((number, ok))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::normalize::{fold, normalize};

    fn headings(s: &str) -> Vec<(u32, String)> {
        let t = normalize(s);
        let f = fold(&t);
        find(&t, &f, &CharIndex::new(&t))
            .into_iter()
            .map(|s| (s.number, s.heading))
            .collect()
    }

    #[test]
    fn numbered_headings_in_sequence() {
        let s = "前言\n一、概述\n正文一是加强\n(一)狠抓落实。\n二、主动公开政府信息情况\n二、重复\n三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 | 3\n三、本年度办理结果\n四、结转下年度继续办理 | 0\n四、政府信息公开行政复议、行政诉讼情况";
        assert_eq!(
            headings(s),
            [
                (1, "一、概述".to_string()),
                (2, "二、主动公开政府信息情况".to_string()),
                (3, "三、收到和处理政府信息公开申请情况".to_string()),
                (4, "四、政府信息公开行政复议、行政诉讼情况".to_string()),
            ]
        );
    }

    #[test]
    fn spans_cover_the_text() {
        let t = normalize("引言\n一 、概 述\n甲\n二、其他");
        let f = fold(&t);
        let s = find(&t, &f, &CharIndex::new(&t));
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].heading, "一 、概 述");
        assert_eq!((s[0].start, s[0].end), (3, 12));
        assert_eq!(s[1].end, t.chars().count());
    }

    #[test]
    fn an_excerpt_may_start_mid_report() {
        assert_eq!(headings("……\n三、存在的主要问题\n四、其他")[0].0, 3);
        assert!(headings("一、2019年,我局认真").is_empty());
    }
}
