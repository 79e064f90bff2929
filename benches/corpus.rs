//! A deterministic corpus of report pages, shared by the `gen-corpus` example
//! (which writes it to disk) and the criterion benches.
//!
//! N pages of about 20 KB each, shaped like the pages the pipeline meets: a
//! report body (prose with figures; half of the pages also carry the 2021 or
//! 2019 standard tables) inside about 15 KB of portal boilerplate (navigation,
//! breadcrumbs, link sidebars, scripts, styles, footers) in four CMS layouts
//! (TRS `#zoom`, Hanweb `#UCAP-CONTENT`, a generic `.article-content`, and an
//! old layout-table page without any content container). A third of the pages
//! are GBK (half of those declare it in a `<meta>`, half declare nothing); the
//! rest are UTF-8. The same N and SEED always give the same bytes.

use std::fmt::Write as _;

/// xorshift64*: small, fast, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const PLACES: &[&str] = &[
    "青溪县",
    "临江市",
    "河阳区",
    "石门镇",
    "白沙乡",
    "南岭县",
    "东坪街道",
    "云岭县",
    "梅溪区",
    "平溪镇",
    "江北区",
    "安平县",
];
const BODIES: &[&str] = &[
    "人民政府",
    "人民政府办公室",
    "财政局",
    "教育局",
    "卫生健康局",
    "市场监督管理局",
    "自然资源局",
    "交通运输局",
    "农业农村局",
    "民政局",
];
const CHANNELS: &[&str] = &[
    "政府门户网站",
    "政务微博",
    "政务微信公众号",
    "政府公报",
    "新闻发布会",
    "公开栏",
    "政务服务大厅",
];
const ITEMS: &[&str] = &[
    "工作动态信息",
    "政策文件",
    "财政预决算信息",
    "人事信息",
    "规划计划信息",
    "重点领域信息",
    "政策解读",
];
const UNITS: &[&str] = &["条", "件", "篇", "期", "次", "个", "项", "份"];
const FILLER: &[&str] = &[
    "坚持以公开为常态、不公开为例外，持续深化政务公开工作，不断提升政府工作透明度。",
    "进一步健全政府信息公开工作机制，明确专人负责信息发布、审核和日常维护。",
    "围绕群众关注关切，及时发布政策解读和回应信息，切实保障人民群众的知情权、参与权和监督权。",
    "严格落实保密审查制度，做到先审后发，确保公开信息准确、规范、及时。",
    "加强政务新媒体管理，定期开展检查，及时关停更新不及时的账号。",
];

/// The random source every page is drawn from.
pub fn rng(seed: u64) -> Rng {
    Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
}

/// Page `i` of the corpus as bytes: GBK for every third page, UTF-8 otherwise.
pub fn page_bytes(rng: &mut Rng, i: usize) -> Vec<u8> {
    let page = page(rng, i);
    if i % 3 == 1 {
        encoding_rs::GBK.encode(&page).0.into_owned()
    } else {
        page.into_bytes()
    }
}

/// Page `i` of the corpus as text.
pub fn page(rng: &mut Rng, i: usize) -> String {
    let place = rng.pick(PLACES);
    let body = rng.pick(BODIES);
    let agency = format!("{place}{body}");
    let year = 2012 + rng.below(12) as i32;
    let tables = i.is_multiple_of(2) && year >= 2019;
    let title = format!("{agency}{year}年政府信息公开工作年度报告");
    let report = report(rng, &agency, year, tables);
    let charset = match i % 6 {
        1 => "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">",
        4 => "",
        _ => "<meta charset=\"utf-8\">",
    };
    let chrome = chrome(rng, place);
    let date = format!(
        "{}-{:02}-{:02}",
        year + 1,
        1 + rng.below(3),
        1 + rng.below(28)
    );
    match i % 4 {
        0 => format!(
            "<!DOCTYPE html><html><head>{charset}<title>{title}_{place}人民政府</title>{}</head><body>{}\
             <div class=\"position\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/xxgk/\">信息公开</a> &gt; <a href=\"/xxgk/nb/\">年度报告</a></div>\
             <div class=\"article\"><h1>{title}</h1><div class=\"info\">发布时间：{date}&nbsp;&nbsp;来源：{agency}</div>\
             <div id=\"zoom\"><div class=\"TRS_Editor\">{report}</div></div></div>{}</body></html>",
            chrome.head, chrome.nav, chrome.footer
        ),
        1 => format!(
            "<!DOCTYPE html><html><head>{charset}<meta name=\"ArticleTitle\" content=\"{title}\"><meta name=\"PubDate\" content=\"{date} 09:30\">\
             <title>{title}</title>{}</head><body>{}<div class=\"main\"><div class=\"left\">{}</div>\
             <div class=\"right\"><div id=\"UCAP-CONTENT\">{report}</div></div></div>{}</body></html>",
            chrome.head, chrome.nav, chrome.sidebar, chrome.footer
        ),
        2 => format!(
            "<!DOCTYPE html><html><head>{charset}<title>{title}</title>{}</head><body>{}<main><article>\
             <h2 class=\"title\">{title}</h2><p class=\"meta\">发布日期：{date}</p><div class=\"article-content\">{report}</div>\
             </article><aside>{}</aside></main>{}</body></html>",
            chrome.head, chrome.nav, chrome.sidebar, chrome.footer
        ),
        _ => format!(
            "<html><head>{charset}<title>{place}</title>{}</head><body><table width=\"1000\"><tr><td width=\"220\" valign=\"top\">{}</td>\
             <td valign=\"top\"><table width=\"100%\"><tr><td align=\"center\"><b>{title}</b></td></tr><tr><td align=\"center\">发布时间：{date}</td></tr>\
             <tr><td>{report}</td></tr></table></td></tr></table>{}</body></html>",
            chrome.head, chrome.sidebar, chrome.footer
        ),
    }
}

struct Chrome {
    head: String,
    nav: String,
    sidebar: String,
    footer: String,
}

/// About 15 KB of portal furniture.
fn chrome(rng: &mut Rng, place: &str) -> Chrome {
    let mut head = String::from("<link rel=\"stylesheet\" href=\"/css/common.css\"><style>");
    for k in 0..40 {
        let _ = write!(
            head,
            ".c{k}{{margin:{}px;padding:{}px;color:#{:06x};font-size:{}px}}",
            rng.below(20),
            rng.below(20),
            rng.below(0xffffff),
            12 + rng.below(8)
        );
    }
    head.push_str("</style><script type=\"text/javascript\">var _hmt=_hmt||[];(function(){var hm=document.createElement('script');hm.src='https://hm.example.com/hm.js?");
    for _ in 0..8 {
        let _ = write!(head, "{:016x}", rng.next());
    }
    head.push_str("';var s=document.getElementsByTagName('script')[0];s.parentNode.insertBefore(hm,s);})();function setFont(s){document.getElementById('zoom').style.fontSize=s+'px';}</script>");
    let mut nav = format!(
        "<div class=\"top\"><div class=\"logo\"><a href=\"/\"><img src=\"/images/logo.png\" alt=\"{place}人民政府\"></a></div><ul class=\"nav\">"
    );
    for (k, item) in [
        "首页",
        "政务公开",
        "信息公开",
        "政务服务",
        "互动交流",
        "走进",
        "专题专栏",
        "数据开放",
        "政策文件",
        "新闻中心",
    ]
    .iter()
    .enumerate()
    {
        let _ = write!(
            nav,
            "<li class=\"nav{k}\"><a href=\"/col/col{}/index.html\" target=\"_blank\">{item}</a><ul class=\"sub\">",
            1000 + k
        );
        for j in 0..10 {
            let _ = write!(
                nav,
                "<li><a href=\"/col/col{}{j}/index.html\">{}{}</a></li>",
                1000 + k,
                rng.pick(ITEMS),
                j + 1
            );
        }
        nav.push_str("</ul></li>");
    }
    nav.push_str("</ul><form class=\"search\" action=\"/search\"><input type=\"text\" name=\"q\" placeholder=\"请输入关键字\"><button>搜索</button></form></div>");
    let mut sidebar = String::from("<div class=\"sidebar\"><h3>信息公开目录</h3><ul>");
    for k in 0..70 {
        let _ = write!(
            sidebar,
            "<li><a href=\"/xxgk/ml/{k}.html\" title=\"{}\">{}</a></li>",
            rng.pick(ITEMS),
            rng.pick(ITEMS)
        );
    }
    sidebar.push_str("</ul><h3>相关链接</h3><ul>");
    for k in 0..25 {
        let _ = write!(
            sidebar,
            "<li><a href=\"http://www.example{k}.gov.cn/\">{}{}</a></li>",
            rng.pick(PLACES),
            rng.pick(BODIES)
        );
    }
    sidebar.push_str("</ul></div>");
    let footer = format!(
        "<div class=\"footer\"><div class=\"links\"><a href=\"/about\">关于本站</a> | <a href=\"/map\">网站地图</a> | <a href=\"/contact\">联系我们</a> | <a href=\"/help\">使用帮助</a></div>\
         <p>主办：{place}人民政府办公室 承办：{place}大数据中心 地址：{place}人民路{}号 邮编：{} 电话：0{}-{}</p>\
         <p>网站标识码：{} 备案号：ICP备{}号 公网安备 {}号</p><script>document.write('<span>访问量：'+{}+'</span>');</script></div>",
        rng.below(300),
        300000 + rng.below(99999),
        570 + rng.below(300),
        80000000 + rng.below(9999999),
        4000000000u64 + rng.below(99999999),
        rng.below(99999999),
        rng.below(9999999999),
        rng.below(999999)
    );
    Chrome {
        head,
        nav,
        sidebar,
        footer,
    }
}

/// The report body: prose with figures, and the standard tables when asked.
fn report(rng: &mut Rng, agency: &str, year: i32, tables: bool) -> String {
    let mut r = format!(
        "<p>本报告由{agency}根据《中华人民共和国政府信息公开条例》要求编制。本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。</p><p>一、总体情况</p>"
    );
    for _ in 0..4 {
        let _ = write!(
            r,
            "<p>{year}年，我单位通过{}主动公开{}{}{}，其中{}{}{}，占{}.{}%；{}{}</p>",
            rng.pick(CHANNELS),
            rng.pick(ITEMS),
            10 + rng.below(3000),
            rng.pick(UNITS),
            rng.pick(ITEMS),
            1 + rng.below(500),
            rng.pick(UNITS),
            rng.below(100),
            rng.below(10),
            rng.pick(FILLER),
            rng.pick(FILLER)
        );
    }
    let _ = write!(
        r,
        "<p>全年受理政府信息公开申请{}件，均在法定期限内答复，接受群众咨询约{}人次。</p>",
        rng.below(60),
        10 + rng.below(900)
    );
    if tables {
        r.push_str("<p>二、主动公开政府信息情况</p>");
        r.push_str(&table2(rng));
        r.push_str("<p>三、收到和处理政府信息公开申请情况</p>");
        r.push_str(&table3(rng));
        r.push_str("<p>四、政府信息公开行政复议、行政诉讼情况</p>");
        r.push_str("<table border=\"1\"><tr><td colspan=\"5\">行政复议</td><td colspan=\"10\">行政诉讼</td></tr><tr><td rowspan=\"2\">结果维持</td><td rowspan=\"2\">结果纠正</td><td rowspan=\"2\">其他结果</td><td rowspan=\"2\">尚未审结</td><td rowspan=\"2\">总计</td><td colspan=\"5\">未经复议直接起诉</td><td colspan=\"5\">复议后起诉</td></tr><tr>");
        for _ in 0..2 {
            r.push_str(
                "<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>",
            );
        }
        r.push_str("</tr><tr>");
        for _ in 0..3 {
            let (a, b) = (rng.below(4), rng.below(3));
            let _ = write!(
                r,
                "<td>{a}</td><td>{b}</td><td>0</td><td>0</td><td>{}</td>",
                a + b
            );
        }
        r.push_str("</tr></table>");
    } else {
        for k in 0..3 {
            let _ = write!(
                r,
                "<p>{}、{}</p><p>{}{}</p>",
                ["二", "三", "四"][k],
                ["主动公开政府信息情况", "依申请公开情况", "复议诉讼情况"][k],
                rng.pick(FILLER),
                rng.pick(FILLER)
            );
        }
    }
    let _ = write!(
        r,
        "<p>五、存在的主要问题及改进情况</p><p>{}</p><p>六、其他需要报告的事项</p><p>本年度收取信息处理费0元。</p><p>{agency}</p><p>{}年1月{}日</p>",
        rng.pick(FILLER),
        year + 1,
        1 + rng.below(28)
    );
    r
}

fn table2(rng: &mut Rng) -> String {
    let mut t = String::from(
        "<table border=\"1\"><tr><td colspan=\"4\">第二十条第（一）项</td></tr><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>",
    );
    for label in ["规章", "行政规范性文件"] {
        let _ = write!(
            t,
            "<tr><td>{label}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            rng.below(10),
            rng.below(5),
            rng.below(80)
        );
    }
    for (item, rows) in [
        ("（五）", &["行政许可"][..]),
        ("（六）", &["行政处罚", "行政强制"][..]),
    ] {
        let _ = write!(
            t,
            "<tr><td colspan=\"4\">第二十条第{item}项</td></tr><tr><td>信息内容</td><td colspan=\"3\">本年处理决定数量</td></tr>"
        );
        for label in rows {
            let _ = write!(
                t,
                "<tr><td>{label}</td><td colspan=\"3\">{}</td></tr>",
                rng.below(5000)
            );
        }
    }
    let _ = write!(
        t,
        "<tr><td colspan=\"4\">第二十条第（八）项</td></tr><tr><td>信息内容</td><td colspan=\"3\">本年收费金额（单位：万元）</td></tr><tr><td>行政事业性收费</td><td colspan=\"3\">{}.{}</td></tr></table>",
        rng.below(9000),
        rng.below(100)
    );
    t
}

fn table3(rng: &mut Rng) -> String {
    const ROWS: &[&str] = &[
        "（一）予以公开",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "1.属于国家秘密",
        "2.其他法律行政法规禁止公开",
        "3.危及“三安全一稳定”",
        "4.保护第三方合法权益",
        "5.属于三类内部事务信息",
        "6.属于四类过程性信息",
        "7.属于行政执法案卷",
        "8.属于行政查询事项",
        "1.本机关不掌握相关政府信息",
        "2.没有现成信息需要另行制作",
        "3.补正后申请内容仍不明确",
        "1.信访举报投诉类申请",
        "2.重复申请",
        "3.要求提供公开出版物",
        "4.无正当理由大量反复申请",
        "5.要求行政机关确认或重新出具已获取信息",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "3.其他",
    ];
    let mut details: Vec<[u64; 6]> = Vec::new();
    let mut totals = [0u64; 6];
    for _ in ROWS {
        let mut row = [0u64; 6];
        row[0] = rng.below(6);
        row[1] = rng.below(2);
        for (t, v) in totals.iter_mut().zip(row) {
            *t += v;
        }
        details.push(row);
    }
    let cells = |row: &[u64; 6]| -> String {
        let mut s = String::new();
        for v in row {
            let _ = write!(s, "<td>{v}</td>");
        }
        let _ = write!(s, "<td>{}</td>", row.iter().sum::<u64>());
        s
    };
    let mut t = String::from(
        "<table border=\"1\"><tr><td colspan=\"3\" rowspan=\"3\">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan=\"7\">申请人情况</td></tr><tr><td rowspan=\"2\">自然人</td><td colspan=\"5\">法人或其他组织</td><td rowspan=\"2\">总计</td></tr><tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>",
    );
    let _ = write!(
        t,
        "<tr><td colspan=\"3\">一、本年新收政府信息公开申请数量</td>{}</tr>",
        cells(&totals)
    );
    let _ = write!(
        t,
        "<tr><td colspan=\"3\">二、上年结转政府信息公开申请数量</td>{}</tr>",
        cells(&[0; 6])
    );
    for (k, label) in ROWS.iter().enumerate() {
        let lead = match k {
            0 => "<td rowspan=\"22\">三、本年度办理结果</td><td colspan=\"2\">".to_string(),
            1 => "<td colspan=\"2\">".to_string(),
            2 => "<td rowspan=\"8\">（三）不予公开</td><td>".to_string(),
            10 => "<td rowspan=\"3\">（四）无法提供</td><td>".to_string(),
            13 => "<td rowspan=\"5\">（五）不予处理</td><td>".to_string(),
            18 => "<td rowspan=\"3\">（六）其他处理</td><td>".to_string(),
            _ => "<td>".to_string(),
        };
        let _ = write!(t, "<tr>{lead}{label}</td>{}</tr>", cells(&details[k]));
    }
    let _ = write!(
        t,
        "<tr><td colspan=\"2\">（七）总计</td>{}</tr>",
        cells(&totals)
    );
    let _ = write!(
        t,
        "<tr><td colspan=\"3\">四、结转下年度继续办理</td>{}</tr></table>",
        cells(&[0; 6])
    );
    t
}
