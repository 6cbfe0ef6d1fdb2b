//! The batch report, through the real binary: the HTML in both languages, its safety with
//! hostile names, that it needs nothing outside itself, and the Excel workbook's sheets and
//! cell types.

use std::collections::BTreeSet;
use std::path::Path;

use std::collections::BTreeMap;
use std::io::Read;

mod common;
use common::{csv_rows, example, example_head, redflags, sheets, write_rows};

/// A cell of the workbook, by the type Excel reads it as.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Number(f64),
    /// A number with a date format.
    Date(f64),
    Text(String),
    Boolean(bool),
    /// A cell holding a formula.
    Formula(String),
}

/// A minimal reader of the workbooks redflags writes: sheet names, and each sheet's cells by
/// (row, column), from 0.
struct Workbook {
    sheets: Vec<(String, Cells)>,
}

/// A sheet's cells by (row, column).
type Cells = BTreeMap<(u32, u32), Cell>;

/// The text between `<tag ...>` and `</tag>` of each element, with the opening tag.
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<(&'a str, &'a str)> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start..];
        let head_end = after.find('>').unwrap();
        let head = &after[..head_end];
        if !head[open.len()..].starts_with([' ', '/', '>']) && head.len() > open.len() {
            rest = &after[open.len()..];
            continue;
        }
        if head.ends_with('/') {
            found.push((head, ""));
            rest = &after[head_end + 1..];
        } else {
            let end = after.find(&close).unwrap();
            found.push((head, &after[head_end + 1..end]));
            rest = &after[end + close.len()..];
        }
    }
    found
}

fn attribute<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    let marker = format!(" {name}=\"");
    let start = head.find(&marker)? + marker.len();
    Some(&head[start..start + head[start..].find('"')?])
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

impl Workbook {
    fn open(path: &Path) -> Workbook {
        let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        let mut read = |name: &str| {
            let mut text = String::new();
            if let Ok(mut file) = archive.by_name(name) {
                file.read_to_string(&mut text).unwrap();
            }
            text
        };
        let workbook = read("xl/workbook.xml");
        let shared: Vec<String> = elements(&read("xl/sharedStrings.xml"), "si")
            .into_iter()
            .map(|(_, inner)| {
                elements(inner, "t")
                    .into_iter()
                    .map(|(_, text)| unescape(text))
                    .collect()
            })
            .collect();
        // The cell formats (by index) that are dates: a number format with y, m and d.
        let styles = read("xl/styles.xml");
        let date_formats: Vec<String> = elements(&styles, "numFmt")
            .into_iter()
            .filter(|(head, _)| {
                attribute(head, "formatCode").is_some_and(|code| code.contains("yy"))
            })
            .filter_map(|(head, _)| attribute(head, "numFmtId").map(str::to_owned))
            .collect();
        let cell_formats: Vec<bool> = elements(&styles, "cellXfs")
            .first()
            .map(|(_, inner)| {
                elements(inner, "xf")
                    .into_iter()
                    .map(|(head, _)| {
                        attribute(head, "numFmtId")
                            .is_some_and(|id| date_formats.iter().any(|date| date == id))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let sheets = elements(&workbook, "sheet")
            .into_iter()
            .enumerate()
            .map(|(index, (head, _))| {
                let name = unescape(attribute(head, "name").unwrap());
                let xml = read(&format!("xl/worksheets/sheet{}.xml", index + 1));
                let mut cells = BTreeMap::new();
                for (head, inner) in elements(&xml, "c") {
                    let reference = attribute(head, "r").unwrap();
                    let letters: String = reference
                        .chars()
                        .take_while(char::is_ascii_uppercase)
                        .collect();
                    let column = letters
                        .bytes()
                        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1))
                        - 1;
                    let row: u32 = reference[letters.len()..].parse::<u32>().unwrap() - 1;
                    let value = elements(inner, "v").first().map(|(_, v)| unescape(v));
                    let cell = if let Some((_, formula)) = elements(inner, "f").first() {
                        Cell::Formula(unescape(formula))
                    } else {
                        match attribute(head, "t") {
                            Some("s") => {
                                Cell::Text(shared[value.unwrap().parse::<usize>().unwrap()].clone())
                            }
                            Some("inlineStr") => Cell::Text(
                                elements(inner, "t")
                                    .into_iter()
                                    .map(|(_, t)| unescape(t))
                                    .collect(),
                            ),
                            Some("str") => Cell::Text(value.unwrap_or_default()),
                            Some("b") => Cell::Boolean(value.as_deref() == Some("1")),
                            _ => {
                                let number: f64 = value.unwrap().parse().unwrap();
                                let style: usize =
                                    attribute(head, "s").map_or(0, |s| s.parse().unwrap());
                                if cell_formats.get(style).copied().unwrap_or(false) {
                                    Cell::Date(number)
                                } else {
                                    Cell::Number(number)
                                }
                            }
                        }
                    };
                    cells.insert((row, column), cell);
                }
                (name, cells)
            })
            .collect();
        Workbook { sheets }
    }

    fn names(&self) -> Vec<&str> {
        self.sheets.iter().map(|(name, _)| name.as_str()).collect()
    }

    fn sheet(&self, name: &str) -> &Cells {
        &self.sheets.iter().find(|(n, _)| n == name).unwrap().1
    }

    /// The cell of `column` (by its header) in `row` (1 = the first row after the header).
    fn cell(&self, sheet: &str, column: &str, row: u32) -> Option<Cell> {
        let cells = self.sheet(sheet);
        let index = cells
            .iter()
            .find(|((r, _), cell)| *r == 0 && **cell == Cell::Text(column.to_owned()))
            .map(|((_, c), _)| *c)
            .unwrap_or_else(|| panic!("no column {column}"));
        cells.get(&(row, index)).cloned()
    }

    fn rows(&self, sheet: &str) -> u32 {
        self.sheet(sheet)
            .keys()
            .map(|(row, _)| row + 1)
            .max()
            .unwrap_or(0)
    }
}

/// Writes the report of `input` and returns the HTML.
fn report(input: &Path, dir: &Path, args: &[&str]) -> String {
    let out = dir.join("report.html");
    redflags()
        .arg("report")
        .arg(input)
        .arg("--out")
        .arg(&out)
        .args(args)
        .assert()
        .success();
    std::fs::read_to_string(out).unwrap()
}

/// Every value of an attribute (`href="..."`) in the page.
fn attributes(html: &str, name: &str) -> Vec<String> {
    let marker = format!(" {name}=\"");
    html.match_indices(&marker)
        .map(|(at, _)| {
            let rest = &html[at + marker.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

/// The report is one file: no script, no stylesheet, font or image from elsewhere, and every
/// link points at an anchor of the page itself.
fn assert_self_contained(html: &str) {
    for forbidden in [
        "<script", "<link", "<img", "<iframe", "@import", "url(", " src=",
    ] {
        assert!(
            !html.to_lowercase().contains(forbidden),
            "the report holds {forbidden}"
        );
    }
    let ids: BTreeSet<String> = attributes(html, "id").into_iter().collect();
    let links = attributes(html, "href");
    assert!(!links.is_empty());
    for link in links {
        let anchor = link
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("a link out of the page: {link}"));
        assert!(ids.contains(anchor), "a link to a missing anchor: {link}");
    }
}

#[test]
fn the_report_has_every_section_in_english_and_in_thai() {
    let dir = tempfile::tempdir().unwrap();
    let english = report(&example(), dir.path(), &[]);
    assert!(english.starts_with("<!DOCTYPE html>"));
    assert!(english.contains(r#"<html lang="en">"#));
    for section in [
        "overview",
        "charts",
        "top-score",
        "top-value",
        "details",
        "organizations",
        "methodology",
    ] {
        assert!(english.contains(&format!(r#"id="{section}""#)), "{section}");
    }
    // Five charts, each with bars.
    assert_eq!(english.matches("<svg ").count(), 5);
    assert!(english.matches(r#"<rect class="bar""#).count() > 20);
    // The rankings list processes with links to their details, with evidence.
    assert!(english.contains(r##"<a href="#p1">ocds-example-bkk-"##));
    assert!(english.contains("tender period of"));
    // Data is shown as it is: Thai names in an English report.
    assert!(english.contains("สำนักงานเขตบางรักตัวอย่าง"));
    // Every indicator's catalogue page, and dates in the Common Era.
    assert!(english.contains(r#"id="i-single_bid""#));
    assert!(english.contains("2024-"));
    // OCP's 73 codes in the methodology, each with what the run did with it: the indicator
    // that computes it, linked to its page, with the share it assessed.
    let ocp = &english[english.find(r#"<h3 id="ocp">"#).unwrap()..];
    let ocp = &ocp[..ocp.find("</table>").unwrap()];
    assert_eq!(ocp.matches("<tr><td>R0").count(), 73);
    assert!(ocp.contains(r##"<tr><td>R018</td><td>Single bid received</td><td>computed: <a href="#i-single_bid">"##), "{ocp}");
    assert!(ocp.contains("<tr><td>R046</td><td>Bidder is debarred or on sanctions list</td><td>needs a list from the user</td><td class=\"n\">–</td></tr>"), "{ocp}");
    assert_self_contained(&english);

    let thai = report(&example(), dir.path(), &["--lang", "th"]);
    assert!(thai.contains(r#"<html lang="th">"#));
    for heading in [
        "ภาพรวม",
        "แผนภูมิ",
        "ระเบียบวิธี",
        "วิธีอ่านคะแนน",
        "หน่วยงานผู้ซื้อที่มีความเสี่ยงสูงสุด",
    ] {
        assert!(thai.contains(heading), "{heading}");
    }
    assert!(thai.contains("รายการธงแดงของ OCP"));
    assert!(thai.contains(
        "<td>R006</td><td>Unreasonable prequalification requirements</td><td>คำนวณจากข้อมูลไม่ได้</td>"
    ));
    // Thai titles of the indicators, and the Buddhist Era (2024 + 543).
    assert!(thai.contains("มีผู้ยื่นข้อเสนอรายเดียวในการจัดหาแบบแข่งขัน"));
    assert!(thai.contains("2567"));
    assert!(thai.contains("วันที่แสดงเป็นพุทธศักราช"));
    // No English heading is left in the Thai report.
    for heading in ["Overview", "Charts", "Methodology", "How to read a score"] {
        assert!(!thai.contains(&format!(">{heading}<")), "{heading}");
    }
    // The buyers' and suppliers' top reasons in Thai (English in the English report).
    assert!(thai.contains("single_bid: 8 จาก 12 กระบวนการ (67%)"));
    let organizations = &thai[thai.find(r#"<section id="organizations">"#).unwrap()
        ..thai.find(r#"<section id="methodology">"#).unwrap()];
    assert!(!organizations.contains(" processes ("), "{organizations}");
    assert!(english.contains("single_bid: 8 of 12 processes (67%)"));
    assert_self_contained(&thai);
    // The Common Era on request.
    let gregorian = report(
        &example(),
        dir.path(),
        &["--lang", "th", "--calendar", "gregorian"],
    );
    assert!(!gregorian.contains("2567"));
}

#[test]
fn the_report_covers_all_the_real_data() {
    let Some(real) = common::shared_sample("data/real") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let html = report(&real, dir.path(), &["--lang", "th"]);
    assert_self_contained(&html);
    // The real samples have unreadable inputs: listed by reason.
    assert!(!html.contains("อ่านข้อมูลนำเข้าได้ทั้งหมด"));
    assert!(html.contains("rejected.csv"));
    // Each of the five charts is drawn, or says it has no data.
    let drawn = html.matches("<svg ").count();
    let empty = html
        .matches("<p class=\"note\">ไม่มีข้อมูลสำหรับส่วนนี้</p>")
        .count();
    assert!(drawn >= 3, "{drawn} charts drawn");
    assert_eq!(drawn + empty, 5);
}

/// One contracting process whose names and titles are attacks.
const HOSTILE: &str = r#"{"ocid":"ocds-hostile-1","date":"2024-05-01T00:00:00Z","buyer":{"id":"B<1>","name":"<script>alert(1)</script>"},"tender":{"id":"t","title":"</style><b onmouseover=alert(2)>x</b>","procurementMethod":"open","numberOfTenderers":1,"tenderPeriod":{"startDate":"2024-04-01T00:00:00Z","endDate":"2024-04-03T00:00:00Z"},"value":{"amount":100,"currency":"THB"}},"awards":[{"id":"a","status":"active","date":"2024-05-01T00:00:00Z","value":{"amount":100,"currency":"THB"},"suppliers":[{"id":"S\"><svg onload=alert(3)>","name":"=HYPERLINK(\"http://evil.example\",\"click\")"}]}]}"#;

#[test]
fn hostile_names_are_shown_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("hostile.jsonl");
    std::fs::write(&input, format!("{HOSTILE}\n")).unwrap();
    let xlsx = dir.path().join("hostile.xlsx");
    let html = report(&input, dir.path(), &["--xlsx", xlsx.to_str().unwrap()]);
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(!html.contains("<b onmouseover"));
    assert!(!html.contains("<svg onload"));
    assert!(!html.contains("</style><b"));
    assert_self_contained(&html);
    // In the workbook, the formula-like name is a text cell, not a formula.
    let workbook = Workbook::open(&xlsx);
    assert_eq!(
        workbook.cell("contracts", "suppliers", 1),
        Some(Cell::Text(
            r#"=HYPERLINK("http://evil.example","click")"#.to_owned()
        ))
    );
    for (name, cells) in &workbook.sheets {
        assert!(
            !cells.values().any(|cell| matches!(cell, Cell::Formula(_))),
            "a formula in {name}"
        );
    }
}

#[test]
fn the_workbook_has_every_sheet_with_typed_cells() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("report.xlsx");
    let out = dir.path().join("out");
    // Through `score --xlsx --report`: the workbook and the page beside the usual outputs.
    redflags()
        .arg("score")
        .arg(example())
        .arg("--out")
        .arg(&out)
        .arg("--xlsx")
        .arg(&xlsx)
        .arg("--report")
        .arg(dir.path().join("score.html"))
        .assert()
        .success();
    assert!(out.join("contracts.csv").exists());
    let html = std::fs::read_to_string(dir.path().join("score.html")).unwrap();
    assert_self_contained(&html);
    let workbook = Workbook::open(&xlsx);
    assert_eq!(
        workbook.names(),
        [
            "contracts",
            "flags",
            "buyers",
            "suppliers",
            "indicators",
            "settings"
        ]
    );
    // A header and one row per process.
    assert_eq!(workbook.rows("contracts"), 49);
    assert!(matches!(
        workbook.cell("contracts", "risk_score", 1),
        Some(Cell::Number(_))
    ));
    assert_eq!(
        workbook.cell("contracts", "tender_amount", 1),
        Some(Cell::Number(380_000.0))
    );
    // 2024-01-10 09:00 UTC as an Excel date: days since 1899-12-30.
    let Some(Cell::Date(serial)) = workbook.cell("contracts", "tender_start", 1) else {
        panic!("{:?}", workbook.cell("contracts", "tender_start", 1));
    };
    assert_eq!(serial.floor(), 45_301.0);
    assert_eq!(
        workbook.cell("contracts", "ocid", 1),
        Some(Cell::Text("ocds-example-bkk-0001".to_owned()))
    );
    assert_eq!(
        workbook.cell("contracts", "buyer_name", 1),
        Some(Cell::Text("สำนักงานเขตบางรักตัวอย่าง".to_owned()))
    );
    // A header, and every indicator that ran (those that read a list need it named).
    let ran = redflags::indicators::REGISTRY
        .iter()
        .filter(|indicator| indicator.metadata().list.is_none())
        .count();
    assert_eq!(workbook.rows("indicators"), 1 + ran as u32);
    // One row per raised flag, as in flags.csv (about 50 on the example: the pattern
    // indicators no longer flag its few suppliers, which their market shares explain).
    let flags = common::csv_rows(&out.join("flags.csv")).len() as u32;
    assert!(flags > 40, "{flags}");
    assert_eq!(workbook.rows("flags"), 1 + flags);
    assert!(workbook.rows("settings") > 100);
    // Thai sheet names with --lang th.
    let thai = dir.path().join("thai.xlsx");
    redflags()
        .arg("report")
        .arg(example())
        .arg("--out")
        .arg(dir.path().join("thai.html"))
        .args(["--lang", "th", "--xlsx"])
        .arg(&thai)
        .assert()
        .success();
    assert_eq!(Workbook::open(&thai).names()[0], "กระบวนการ");
}

/// What the overview's card of publishers says.
fn publishers_card(html: &str) -> String {
    let label = "<dt>Publishers (OCID prefixes)</dt><dd>";
    let start = html.find(label).expect("the publishers card") + label.len();
    let rest = &html[start..];
    unescape(&rest[..rest.find("</dd>").unwrap()])
}

#[test]
fn ocids_without_a_registered_prefix_are_one_entry_and_the_list_is_capped() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ocids.jsonl");
    // 300 processes whose ocids are bare numbers or local codes, and 14 registered prefixes
    // with 14 down to 1 processes each.
    let mut lines: Vec<String> = (0..300)
        .map(|i| {
            let ocid = if i % 2 == 0 {
                format!("{i}")
            } else {
                format!("EGP-2567-{i}")
            };
            format!(r#"{{"ocid": "{ocid}", "id": "1", "date": "2024-01-01T00:00:00Z"}}"#)
        })
        .collect();
    for publisher in 0..14 {
        for process in 0..(14 - publisher) {
            lines.push(format!(
                r#"{{"ocid": "ocds-abc{publisher:03}-{process}", "id": "1", "date": "2024-01-01T00:00:00Z"}}"#
            ));
        }
    }
    std::fs::write(&input, lines.join("\n")).unwrap();
    let card = publishers_card(&report(&input, dir.path(), &[]));
    let entries: Vec<&str> = card.split(", ").collect();
    // Ten prefixes, the four others together, and the ocids without a prefix as one entry.
    assert_eq!(entries.len(), 12, "{card}");
    assert_eq!(entries[0], "ocds-abc000 (14)");
    assert_eq!(entries[9], "ocds-abc009 (5)");
    assert_eq!(entries[10], "4 more prefixes (10)");
    assert_eq!(entries[11], "other (no registered OCID prefix) (300)");
    assert!(!card.contains("EGP-2567"), "{card}");
}

/// `report` takes the analyst's reviews and a previous run as `score` does: the same page and
/// workbook as `score --report --xlsx` with the same options, opening with what is new and
/// showing the verdicts.
#[test]
fn the_report_takes_the_reviews_and_the_previous_run_as_score_does() {
    let dir = tempfile::tempdir().unwrap();
    let part = example_head(dir.path(), 30);
    let first = dir.path().join("first");
    redflags()
        .arg("score")
        .arg(&part)
        .arg("--out")
        .arg(&first)
        .assert()
        .success();
    let mut reviews = csv_rows(&first.join("reviews.csv"));
    reviews[0].insert("verdict".into(), "confirmed".into());
    reviews[0].insert("comment".into(), "ตรวจแล้ว".into());
    let edited = dir.path().join("edited.csv");
    write_rows(&edited, &reviews);
    let (edited, previous) = (edited.to_str().unwrap(), first.to_str().unwrap());
    let history = ["--reviews", edited, "--previous", previous, "--lang", "th"];

    let (scored, from_score) = (dir.path().join("scored"), dir.path().join("score.xlsx"));
    redflags()
        .arg("score")
        .arg(example())
        .arg("--out")
        .arg(&scored)
        .args(history)
        .arg("--report")
        .arg(scored.join("report.html"))
        .arg("--xlsx")
        .arg(&from_score)
        .assert()
        .success();
    let from_report = dir.path().join("report.xlsx");
    let html = report(
        &example(),
        dir.path(),
        &[&history[..], &["--xlsx", from_report.to_str().unwrap()]].concat(),
    );
    assert_eq!(
        html,
        std::fs::read_to_string(scored.join("report.html")).unwrap()
    );
    assert_eq!(sheets(&from_report), sheets(&from_score));
    let changes = html.find(r#"<section id="changes">"#).expect("what is new");
    assert!(changes < html.find(r#"<section id="overview">"#).unwrap());
    assert!(html.contains(r#"<h3 id="reviews">"#));
    assert!(html.contains("<td>ยืนยันแล้ว: ตรวจแล้ว</td>"));
    // report writes no reviews file beside the page.
    assert!(!dir.path().join("reviews.csv").exists());
}
