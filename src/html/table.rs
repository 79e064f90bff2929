//! HTML tables as rectangular grids, with `rowspan`/`colspan` expanded.
//!
//! Spans are clamped before anything is allocated: a `colspan` to
//! [`MAX_COLSPAN`], a `rowspan` to the rows the table really has. Tables too
//! large to be one of the standard tables, and layout tables (a cell holding a
//! whole article), are not turned into grids at all.

use super::render::Stats;
use super::{Dom, NodeId};

/// Widest span honoured.
pub const MAX_COLSPAN: usize = 64;
/// Tables with more rows than this are not report tables.
pub const MAX_ROWS: usize = 400;
/// Tables wider than this are not report tables.
pub const MAX_WIDTH: usize = 64;
/// A cell with more visible text than this makes a layout table.
const MAX_CELL_TEXT: u32 = 400;

/// One physical cell (a `td`/`th`) of a grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Its text, whitespace collapsed.
    pub text: String,
    /// Top row it occupies.
    pub row: usize,
    /// Leftmost column it occupies.
    pub col: usize,
    /// Rows it spans (clamped).
    pub rowspan: usize,
    /// Columns it spans (clamped).
    pub colspan: usize,
}

/// A table as a grid of slots, each naming the physical cell that covers it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    /// The physical cells, in document order.
    pub cells: Vec<Cell>,
    /// `slots[r][c]`: index into `cells` of the cell covering (r, c), if any.
    pub slots: Vec<Vec<Option<usize>>>,
    /// Number of columns.
    pub width: usize,
}

impl Grid {
    /// The physical cells that start in row `r`, left to right.
    pub fn row_cells(&self, r: usize) -> impl Iterator<Item = &Cell> {
        self.cells.iter().filter(move |c| c.row == r)
    }

    /// Number of rows.
    pub fn height(&self) -> usize {
        self.slots.len()
    }
}

/// Grids of the data tables under `root`, in document order.
pub fn grids(dom: &Dom, stats: &Stats, root: NodeId) -> Vec<Grid> {
    dom.descendants(root)
        .filter(|&n| dom.name(n) == "table" && !dom.element(n).is_some_and(|e| e.hidden))
        .filter_map(|t| grid(dom, stats, t))
        .collect()
}

/// The rows of a table (its own, not those of nested tables).
fn rows(dom: &Dom, table: NodeId) -> Vec<NodeId> {
    let mut out = Vec::new();
    for child in dom.children(table) {
        match dom.name(child) {
            "tr" => out.push(child),
            "thead" | "tbody" | "tfoot" => {
                out.extend(dom.children(child).filter(|&r| dom.name(r) == "tr"))
            }
            _ => {}
        }
    }
    out
}

fn span(dom: &Dom, cell: NodeId, attr: &str) -> usize {
    dom.attr(cell, attr)
        .and_then(|v| v.trim().trim_end_matches(';').parse::<i64>().ok())
        .map_or(1, |v| v.clamp(0, 1_000_000) as usize)
}

/// Builds the grid of one table, or `None` for a layout or oversized table.
pub fn grid(dom: &Dom, stats: &Stats, table: NodeId) -> Option<Grid> {
    let trs = rows(dom, table);
    if trs.is_empty() || trs.len() > MAX_ROWS {
        return None;
    }
    let n = trs.len();
    let mut g = Grid {
        slots: vec![Vec::new(); n],
        ..Grid::default()
    };
    for (r, &tr) in trs.iter().enumerate() {
        let mut col = 0;
        for td in dom
            .children(tr)
            .filter(|&c| matches!(dom.name(c), "td" | "th"))
        {
            if stats.text[td as usize] > MAX_CELL_TEXT || stats.has_table[td as usize] {
                return None;
            }
            while g.slots[r].get(col).is_some_and(Option::is_some) {
                col += 1;
            }
            let colspan = span(dom, td, "colspan").clamp(1, MAX_COLSPAN);
            // rowspan=0 means "to the end of the table".
            let rowspan = match span(dom, td, "rowspan") {
                0 => n - r,
                v => v.min(n - r),
            };
            if col + colspan > MAX_WIDTH {
                return None;
            }
            let index = g.cells.len();
            g.cells.push(Cell {
                text: cell_text(dom, td),
                row: r,
                col,
                rowspan,
                colspan,
            });
            for row in g.slots.iter_mut().skip(r).take(rowspan) {
                if row.len() < col + colspan {
                    row.resize(col + colspan, None);
                }
                for slot in &mut row[col..col + colspan] {
                    *slot = Some(index);
                }
            }
            col += colspan;
        }
    }
    g.width = g.slots.iter().map(Vec::len).max().unwrap_or(0);
    for row in &mut g.slots {
        row.resize(g.width, None);
    }
    Some(g)
}

/// A cell's visible text on one line (line breaks inside it become spaces).
fn cell_text(dom: &Dom, td: NodeId) -> String {
    let mut out = String::new();
    let mut cur = td;
    while cur != super::NONE {
        let skip = cur != td
            && dom
                .element(cur)
                .is_some_and(|e| e.hidden || e.flags & super::flag::SKIP != 0);
        if skip {
            cur = dom.skip_subtree(cur, td);
            continue;
        }
        if matches!(dom.name(cur), "br" | "p" | "div") {
            out.push(' ');
        }
        if let Some(t) = dom.text_of(cur) {
            out.push_str(t);
        }
        cur = dom.next_in_order(cur, td);
    }
    crate::decode::normalize::normalize(&out).replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grids_of(html: &str) -> Vec<Grid> {
        let dom = Dom::parse(html);
        let stats = Stats::new(&dom);
        grids(&dom, &stats, 0)
    }

    fn texts(g: &Grid) -> Vec<Vec<String>> {
        g.slots
            .iter()
            .map(|r| {
                r.iter()
                    .map(|s| s.map_or(String::new(), |i| g.cells[i].text.clone()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn spans_are_expanded() {
        let g = &grids_of(
            "<table><tr><td rowspan=2 colspan=2>三、本年度办理结果</td><td>予以公开</td><td>3</td></tr>\
             <tr><td>部分公开</td><td>1</td></tr><tr><td colspan=4>合计</td></tr></table>",
        )[0];
        assert_eq!(g.width, 4);
        assert_eq!(
            texts(g),
            [
                ["三、本年度办理结果", "三、本年度办理结果", "予以公开", "3"],
                ["三、本年度办理结果", "三、本年度办理结果", "部分公开", "1"],
                ["合计", "合计", "合计", "合计"],
            ]
        );
        assert_eq!(
            g.row_cells(1).map(|c| c.text.as_str()).collect::<Vec<_>>(),
            ["部分公开", "1"]
        );
    }

    #[test]
    fn absurd_spans_are_clamped_before_allocation() {
        let g = &grids_of(
            "<table><tr><td rowspan=99999999 colspan=3>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
        )[0];
        assert_eq!((g.height(), g.width), (2, 4));
        assert_eq!(g.cells[0].rowspan, 2);
        assert!(
            grids_of("<table><tr><td colspan=60>a</td><td colspan=60>b</td></tr></table>")
                .is_empty()
        );
        let g = &grids_of(
            "<table><tr><td rowspan=0>a</td><td>b</td></tr><tr><td>c</td></tr><tr><td>d</td></tr></table>",
        )[0];
        assert_eq!(texts(g)[2], ["a", "d"]);
    }

    #[test]
    fn ragged_rows_are_padded_and_line_breaks_joined() {
        let g = &grids_of(
            "<table><tr><td>本年新<br/>制作数量</td><td>x</td><td>y</td></tr><tr><td>规章</td></tr></table>",
        )[0];
        assert_eq!(texts(g)[0][0], "本年新 制作数量");
        assert_eq!(texts(g)[1], ["规章", "", ""]);
    }

    #[test]
    fn layout_tables_are_not_grids() {
        let long = "字".repeat(500);
        assert!(grids_of(&format!("<table><tr><td>{long}</td></tr></table>")).is_empty());
        // The data table nested inside a layout table still is one.
        let g = grids_of(&format!(
            "<table><tr><td><p>{long}</p><table><tr><td>规章</td><td>0</td></tr></table></td></tr></table>"
        ));
        assert_eq!(g.len(), 1);
        assert_eq!(texts(&g[0]), [["规章", "0"]]);
    }
}
