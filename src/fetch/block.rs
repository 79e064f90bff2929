//! Pages that are not what they claim: block pages, challenges and empty
//! script shells.
//!
//! Chinese portals answer crawlers they distrust with a web application
//! firewall's block page (status 200, a few lines: 访问被拦截), a challenge
//! (a script that sets a cookie and reloads, often under 412 or 521), or a
//! page whose content a script fetches later (an empty `<div id="app">`, an
//! Epoint shell calling `…/rest/…/getGovInfoDetail`). None of them is the
//! report: such an answer is recorded as `blocked` with its reason, nothing
//! is stored, and the next run asks again. Nothing here tries to pass a
//! challenge.

use std::fmt;

/// Why an answer is not the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// A script or a check the client has to pass first (cookie and
    /// reload, "enable JavaScript").
    Challenge,
    /// A firewall's block page.
    Waf,
    /// A page whose content scripts load later: nothing to read in it.
    ScriptShell,
}

impl Block {
    /// The manifest's `reason`.
    pub fn as_str(self) -> &'static str {
        match self {
            Block::Challenge => "challenge",
            Block::Waf => "waf",
            Block::ScriptShell => "script_shell",
        }
    }
}

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Answers larger than this are pages, not block pages (those are a few
/// kilobytes; a shell with its scripts inline stays well under it).
const MAX_BLOCK_PAGE: usize = 256 * 1024;

/// Phrases of firewall block pages (folded to simplified characters).
const WAF_PHRASES: &[&str] = &[
    "访问被拦截",
    "访问已被拦截",
    "请求已被拦截",
    "您的访问请求可能对网站造成安全威胁",
    "可能对网站造成安全威胁",
    "当前访问疑似黑客攻击",
    "已被网站管理员设置拦截",
    "访问被阻断",
    "您的请求带有不合法参数",
];

/// Phrases of challenge pages.
const CHALLENGE_PHRASES: &[&str] = &[
    "请开启javascript",
    "请启用javascript",
    "开启javascript",
    "enable javascript",
    "javascript is disabled",
    "浏览器安全检查",
    "正在进行安全验证",
    "请完成安全验证",
];

/// Markers of script shells: mount points and the content services they call.
const SHELL_MARKERS: &[&str] = &[
    "id=\"app\"",
    "id='app'",
    "id=app",
    "id=\"root\"",
    "getgovinfodetail",
    "/rest/",
];

/// Whether an answer (its status, `Content-Type` and body) is a block page,
/// a challenge or a script shell rather than the page asked for, and the
/// words that say so.
pub fn classify(status: u16, content_type: Option<&str>, body: &[u8]) -> Option<(Block, String)> {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let html_like = ct.contains("html") || crate::decode::looks_like_html(body);
    if body.len() > MAX_BLOCK_PAGE || !html_like {
        return None;
    }
    let text = crate::decode::decode(body, content_type, true).ok()?.text;
    let lower = text.to_lowercase();
    let dom = crate::html::Dom::parse(&text);
    // What a reader sees: the text nodes (not the title, scripts or styles).
    let visible: String = dom
        .descendants(0)
        .filter_map(|n| dom.text_of(n))
        .flat_map(str::chars)
        .filter(|c| !c.is_whitespace())
        .collect();
    let visible_len = visible.chars().count();
    let folded = crate::decode::normalize::fold(&visible.to_lowercase());
    let scripts = script_bytes(&lower);
    if visible_len < 1000
        && let Some(p) = WAF_PHRASES.iter().find(|p| folded.contains(*p))
    {
        return Some((Block::Waf, format!("a firewall's block page ({p})")));
    }
    // In the markup: the words are often in a <noscript> or a script.
    let folded_page = crate::decode::normalize::fold(&lower);
    if visible_len < 600
        && let Some(p) = CHALLENGE_PHRASES.iter().find(|p| folded_page.contains(*p))
    {
        return Some((Block::Challenge, format!("a challenge page ({p})")));
    }
    let reloads = lower.contains("document.cookie")
        && [
            "location.reload",
            "location.href",
            "location.replace",
            "window.location",
        ]
        .iter()
        .any(|w| lower.contains(w));
    if scripts > 0 && visible_len < 200 && (reloads || matches!(status, 202 | 403 | 412 | 521)) {
        return Some((
            Block::Challenge,
            format!(
                "a challenge page (HTTP {status}, {} bytes of script, {visible_len} characters of text{})",
                scripts,
                if reloads {
                    ", sets a cookie and reloads"
                } else {
                    ""
                }
            ),
        ));
    }
    if scripts > 0 && visible_len < 100 {
        let marker = SHELL_MARKERS.iter().find(|m| lower.contains(*m));
        if marker.is_some() || scripts > 10 * visible_len.max(1) {
            return Some((
                Block::ScriptShell,
                format!(
                    "a script shell: {visible_len} characters of text, {scripts} bytes of script{}",
                    marker.map_or(String::new(), |m| format!(", {m}"))
                ),
            ));
        }
    }
    None
}

/// Bytes inside `<script>` elements (of a lower-cased page).
fn script_bytes(lower: &str) -> usize {
    let mut total = 0;
    let mut rest = lower;
    while let Some(open) = rest.find("<script") {
        let after = &rest[open..];
        let Some(start) = after.find('>') else { break };
        let body = &after[start + 1..];
        let end = body.find("</script").unwrap_or(body.len());
        // A script element with only a `src` still counts for one byte.
        total += end.max(1);
        rest = &body[end..];
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(head: &str, body: &str) -> Vec<u8> {
        format!("<html><head><meta charset=utf-8>{head}</head><body>{body}</body></html>")
            .into_bytes()
    }

    #[test]
    fn block_pages_challenges_and_shells() {
        let waf = page(
            "<title>访问被拦截</title>",
            "<h1>您的访问请求可能对网站造成安全威胁</h1><p>事件ID: 3f2a</p>",
        );
        assert_eq!(classify(200, None, &waf).unwrap().0, Block::Waf);
        let cookie = page(
            "<script>document.cookie='__jsl_clearance=1;path=/';location.href=location.pathname+location.search</script>",
            "",
        );
        assert_eq!(classify(200, None, &cookie).unwrap().0, Block::Challenge);
        let ruishu = page(
            "<script src=/a.js></script><script>var _$x='a'.repeat(4000);</script>",
            "",
        );
        assert_eq!(classify(412, None, &ruishu).unwrap().0, Block::Challenge);
        let enable = page("", "<noscript>请开启JavaScript并刷新该页</noscript>");
        assert_eq!(classify(200, None, &enable).unwrap().0, Block::Challenge);
        let app = page(
            "<title>某某县人民政府</title><script src=/js/app.4f2.js></script>",
            "<div id=\"app\"></div>",
        );
        assert_eq!(classify(200, None, &app).unwrap().0, Block::ScriptShell);
        let epoint = page(
            "<script>$.post('/EWB-FRONT/rest/infoapi/getGovInfoDetail',{id:q('id')},render)</script>",
            "<div class=con></div>",
        );
        assert_eq!(classify(200, None, &epoint).unwrap().0, Block::ScriptShell);
    }

    #[test]
    fn pages_are_pages() {
        // A short report with a script, a report that mentions a firewall
        // in passing, a listing: none is blocked.
        let short = page(
            "<script>var _hmt=[];</script>",
            "<p>某某乡2023年政府信息公开工作年度报告</p><p>本年度未收到政府信息公开申请,未发生行政复议和行政诉讼。</p>",
        );
        assert_eq!(classify(200, None, &short), None);
        let mention = page(
            "",
            &"<p>部署网站防火墙,加强网络安全防护。全年主动公开政府信息1339条。</p>".repeat(80),
        );
        assert_eq!(classify(200, None, &mention), None);
        let pdf = b"%PDF-1.4 ...".to_vec();
        assert_eq!(classify(200, Some("application/pdf"), &pdf), None);
        assert_eq!(
            classify(404, None, b"<html><body>Not Found</body></html>"),
            None
        );
    }
}
