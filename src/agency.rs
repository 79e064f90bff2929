//! Agency identity: one `agency_id` for one reporting body across years and
//! spellings (docs/contract.md, Agency identity).
//!
//! The id is built from a canonical form of the agency name that
//! [`extract::meta`](crate::extract::meta) chose (which already prefers the
//! fullest form a report states): traditional characters folded to
//! simplified, spaces and a bracketed alias dropped (the name outside the
//! brackets is the body's own), `X市政府` written `X市人民政府`, a bare
//! place (白河乡) taken as its government (白河乡人民政府), 街道办 as
//! 街道办事处. Nothing else is merged: a 局 and its 办公室 stay two bodies,
//! and two bodies of the same name in different places get one id unless
//! their names say where they are.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

/// Where a body is, as far as its name says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Region {
    /// 省 / 自治区 / 直辖市.
    pub province: Option<String>,
    /// 市 / 自治州 / 地区 / 盟.
    pub city: Option<String>,
    /// 县 / 区 / 旗.
    pub county: Option<String>,
}

impl Region {
    /// Whether the name gave no place.
    pub fn is_empty(&self) -> bool {
        self.province.is_none() && self.city.is_none() && self.county.is_none()
    }
}

/// Places whose government a bare name means.
const PLACE_ENDS: [&str; 10] = [
    "省",
    "市",
    "县",
    "区",
    "乡",
    "镇",
    "旗",
    "自治州",
    "自治区",
    "街道",
];

/// The canonical form of an agency name.
pub fn canonical(name: &str) -> String {
    let folded = crate::decode::normalize::fold(name);
    let mut s: String = folded.chars().filter(|c| !c.is_whitespace()).collect();
    // A bracketed alias: the name before the brackets is the body's own.
    if let Some(open) = s.find(['(', '（'])
        && open > 0
    {
        s.truncate(open);
    }
    static GOV: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(省|市|县|区|乡|镇|旗|州)政府").expect("valid pattern"));
    s = GOV.replace_all(&s, "${1}人民政府").into_owned();
    if s.ends_with("街道办") {
        s.push_str("事处");
    }
    if PLACE_ENDS.iter().any(|e| s.ends_with(e)) && s.chars().count() >= 2 {
        if s.ends_with("街道") {
            s.push_str("办事处");
        } else {
            s.push_str("人民政府");
        }
    }
    s
}

/// The id of an agency name: `ag_` and 12 hex digits of the SHA-256 of its
/// canonical form.
pub fn id(name: &str) -> String {
    let c = canonical(name);
    format!("ag_{}", &crate::model::sha256_hex(c.as_bytes())[..12])
}

/// The place a (canonical) name gives.
pub fn region(canonical: &str) -> Region {
    static PLACE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"^(?P<province>北京市|天津市|上海市|重庆市|内蒙古自治区|广西壮族自治区|西藏自治区|宁夏回族自治区|新疆维吾尔自治区|[^省市县区乡镇局厅委办]{2,3}省)?",
            r"(?P<city>[^省市县区乡镇局厅委办部]{2,4}?(?:自治州|地区|盟|市))?",
            r"(?P<county>[^省市县区乡镇局厅委办部]{1,6}?(?:自治县|县|区|旗))?",
        ))
        .expect("valid pattern")
    });
    let Some(c) = PLACE.captures(canonical) else {
        return Region::default();
    };
    let get = |n: &str| c.name(n).map(|m| m.as_str().to_string());
    let mut r = Region {
        province: get("province"),
        city: get("city"),
        county: get("county"),
    };
    // A municipality is its own province and city.
    if r.city.is_none()
        && let Some(p) = &r.province
        && p.ends_with('市')
    {
        r.city = Some(p.clone());
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_body_share_an_id() {
        for group in [
            &["白河乡", "白河乡人民政府", "白河乡政府", "白河鄉人民政府"][..],
            &[
                "咸宁市人民政府办公室",
                "咸宁市政府办公室",
                "咸宁市人民政府 办公室",
            ][..],
            &["江北区水利局（江北区河长办）", "江北区水利局"][..],
            &["东关街道办", "东关街道办事处", "东关街道"][..],
        ] {
            let ids: Vec<String> = group.iter().map(|n| id(n)).collect();
            assert!(ids.iter().all(|i| *i == ids[0]), "{group:?}: {ids:?}");
        }
    }

    #[test]
    fn different_bodies_keep_apart() {
        for (a, b) in [
            ("白河乡人民政府", "白河乡人民政府办公室"),
            ("平阳县财政局", "平阳县财政局办公室"),
            ("省教育厅", "河北省教育厅"),
            ("中共平阳县委", "平阳县人民政府"),
        ] {
            assert_ne!(id(a), id(b), "{a} / {b}");
        }
    }

    #[test]
    fn regions_from_names() {
        let r = region(&canonical("河北省石家庄市长安区人民政府"));
        assert_eq!(
            (
                r.province.as_deref(),
                r.city.as_deref(),
                r.county.as_deref()
            ),
            (Some("河北省"), Some("石家庄市"), Some("长安区"))
        );
        let r = region(&canonical("武义县市场监督管理局"));
        assert_eq!(
            (r.city.as_deref(), r.county.as_deref()),
            (None, Some("武义县"))
        );
        let r = region(&canonical("咸宁市政府办公室"));
        assert_eq!(
            (r.city.as_deref(), r.county.as_deref()),
            (Some("咸宁市"), None)
        );
        let r = region(&canonical("上海市浦东新区人民政府"));
        assert_eq!(
            (
                r.province.as_deref(),
                r.city.as_deref(),
                r.county.as_deref()
            ),
            (Some("上海市"), Some("上海市"), Some("浦东新区"))
        );
        assert!(region(&canonical("人力资源社会保障部")).is_empty());
        assert!(region(&canonical("省教育厅")).is_empty());
    }
}
