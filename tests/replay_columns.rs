//! Events as columns are read as the same events written as JSON: over random batches — every
//! event type, nested facts, values out of range, empty and missing fields, fields a type does
//! not take, times as milliseconds or as text — applying the columns gives the outcome (every
//! refusal with its path and message) and the timelines that applying the JSON Lines gives.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use account_journey::Journey;
use account_journey::batch::Column;
use account_journey::replay::{EventColumns, ReplayState};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// 2026-01-05T00:00:00Z.
const START_MS: i64 = 1_767_571_200_000;
const AS_OF: &str = "2026-04-01";

/// A field's value in one row.
#[derive(Debug, Clone)]
enum Cell {
    Text(String),
    Number(f64),
    /// A JSON object, as text in a column and as an object in JSON.
    Object(Value),
}

/// The columns, in the order a row's JSON writes them.
const FIELDS: [&str; 14] = [
    "account",
    "type",
    "at",
    "id",
    "topic",
    "contact",
    "strength",
    "value",
    "amount",
    "reason",
    "stage",
    "by",
    "firmographics",
    "facts",
];

fn text() -> impl Strategy<Value = Cell> {
    prop::sample::select(vec![
        "",
        "acme",
        "bad-timing",
        "no-budget",
        "mqa",
        "engaged",
        "ops",
        "c1",
        "ai",
        "é \"q\" \\",
    ])
    .prop_map(|s| Cell::Text(s.to_string()))
}

fn number() -> impl Strategy<Value = Cell> {
    prop::sample::select(vec![0.0, 40.5, 80.0, 100.0, 101.0, -1.0, 20_000.0]).prop_map(Cell::Number)
}

/// One row: its type, its time and a random choice of other fields — those its type takes
/// often, the others rarely; `account` and `at` sometimes absent or bad; nested cells
/// sometimes not objects, or with escapes.
fn row() -> impl Strategy<Value = Vec<Option<Cell>>> {
    let kind = prop::sample::select(vec![
        "page_view",
        "webinar",
        "firmographics",
        "account",
        "contact",
        "sales_accepted",
        "sales_rejected",
        "opportunity_created",
        "opportunity_won",
        "opportunity_lost",
        "churn",
        "renewal",
        "expansion",
        "stage_override",
        "",
    ]);
    let nested = prop::sample::select(vec![
        json!({"industry": "software", "employees": 900, "techStack": ["salesforce"]}),
        json!({"resolved": true, "country": "DE"}),
        json!({"segment": "enterprise", "target": true}),
        json!({"segment": "a\"b\\c\u{e9}"}),
        json!({"id": "c1", "role": "champion"}),
        json!({"id": "c2"}),
        json!({"id": "acme2"}),
        json!({"employees": -5}),
        json!({"employees": 1e300}),
        json!({"nope": 1}),
        json!(null),
        json!(5),
        json!("x"),
        json!([1]),
        json!({}),
    ]);
    (
        0..4usize,
        prop::option::weighted(0.97, kind),
        prop::option::weighted(0.97, 0..(60 * 24i64)),
        prop::sample::select(vec!["", "nope", "2026-02-01", "2026-02-01T10:00:00+02:00"]),
        prop::bool::weighted(0.1),
        prop::collection::vec(
            (0.0..1.0f64, text(), number(), nested.prop_map(Cell::Object)),
            11,
        ),
    )
        .prop_map(|(account, kind, hour, bad_at, use_bad_at, others)| {
            let k = kind.unwrap_or("");
            let takes: &[&str] = match k {
                "firmographics" => &["firmographics"],
                "account" => &["facts"],
                "contact" => &["contact"],
                "sales_accepted" | "churn" => &[],
                "sales_rejected" | "opportunity_lost" => &["reason"],
                "opportunity_created" => &["amount", "stage"],
                "opportunity_won" => &["amount"],
                "stage_override" => &["stage", "by", "reason"],
                "renewal" | "expansion" => &["contact", "topic", "amount"],
                _ => &["contact", "topic", "strength", "value"],
            };
            let mut cells: Vec<Option<Cell>> = vec![
                (account < 3).then(|| Cell::Text(["acme", "globex", "initech"][account].into())),
                kind.map(|k| Cell::Text(k.into())),
                if use_bad_at {
                    Some(Cell::Text(bad_at.into()))
                } else {
                    hour.map(|h| Cell::Number((START_MS + h * 3_600_000) as f64))
                },
            ];
            for (i, (p, t, n, o)) in others.into_iter().enumerate() {
                let field = FIELDS[i + 3];
                let cell = match field {
                    "strength" | "value" | "amount" => n,
                    "firmographics" | "facts" => o,
                    "contact" if k == "contact" => o,
                    _ => t,
                };
                let weight = if field == "id" {
                    0.5
                } else if takes.contains(&field) {
                    0.8
                } else {
                    0.03
                };
                cells.push((p < weight).then_some(cell));
            }
            cells
        })
}

/// The rows as JSON Lines, with `at` as RFC 3339 text, each object's keys in `order` (the
/// columns' order: an event with two fields its type does not take is refused for the first).
fn lines(rows: &[Vec<Option<Cell>>], order: &[usize]) -> String {
    let mut out = String::new();
    for row in rows {
        let mut object = Map::new();
        for (field, cell) in order.iter().map(|&i| (&FIELDS[i], &row[i])) {
            let value = match cell {
                None => continue,
                Some(Cell::Number(ms)) if *field == "at" => {
                    json!(account_journey::expr::data::format_timestamp(*ms as i64))
                }
                Some(Cell::Text(s)) => json!(s),
                Some(Cell::Number(n)) => json!(n),
                Some(Cell::Object(o)) => o.clone(),
            };
            object.insert((*field).to_string(), value);
        }
        out.push_str(&Value::Object(object).to_string());
        out.push('\n');
    }
    out
}

/// The rows as columns in `order`; with `text_times`, `at` as RFC 3339 strings.
fn columns(rows: &[Vec<Option<Cell>>], text_times: bool, order: &[usize]) -> EventColumns {
    let mut given = Vec::new();
    for (i, field) in order.iter().map(|&i| (i, &FIELDS[i])) {
        let cells: Vec<Option<&Cell>> = rows.iter().map(|r| r[i].as_ref()).collect();
        if cells.iter().all(Option::is_none) {
            continue;
        }
        let numeric =
            matches!(*field, "strength" | "value" | "amount") || *field == "at" && !text_times;
        let column = if numeric {
            Column::Numbers(
                cells
                    .iter()
                    .map(|c| match c {
                        Some(Cell::Number(n)) => *n,
                        _ => f64::NAN,
                    })
                    .collect(),
            )
        } else {
            let mut values: Vec<String> = Vec::new();
            let codes = cells
                .iter()
                .map(|c| {
                    let s = match c {
                        None => return u32::MAX,
                        Some(Cell::Text(s)) => s.clone(),
                        Some(Cell::Object(o)) => o.to_string(),
                        Some(Cell::Number(ms)) => {
                            account_journey::expr::data::format_timestamp(*ms as i64)
                        }
                    };
                    let code = values.iter().position(|v| *v == s).unwrap_or_else(|| {
                        values.push(s);
                        values.len() - 1
                    });
                    code as u32
                })
                .collect();
            Column::Strings { codes, values }
        };
        given.push(((*field).to_string(), column));
    }
    EventColumns::new(rows.len(), given).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn columns_are_read_as_the_same_events_in_json(
        rows in prop::collection::vec(row(), 1..40),
        text_times in any::<bool>(),
        order in Just((0..FIELDS.len()).collect::<Vec<usize>>()).prop_shuffle(),
    ) {
        // A bad time written as text needs a column of text.
        let text_times = text_times || rows.iter().any(|r| matches!(r[2], Some(Cell::Text(_))));
        let journey = Journey::embedded_default().unwrap();
        let mut by_lines = ReplayState::new(&journey);
        let from_lines = by_lines.apply_lines(&journey, &lines(&rows, &order), AS_OF).unwrap();
        let mut by_columns = ReplayState::new(&journey);
        let from_columns = by_columns
            .apply_columns(&journey, &columns(&rows, text_times, &order), AS_OF)
            .unwrap();
        prop_assert_eq!(&from_columns, &from_lines);
        prop_assert_eq!(
            serde_json::to_string(&by_columns.result(&journey, AS_OF).unwrap()).unwrap(),
            serde_json::to_string(&by_lines.result(&journey, AS_OF).unwrap()).unwrap()
        );
    }
}

fn strings(values: &[&str]) -> Column {
    Column::Strings {
        codes: (0..values.len() as u32).collect(),
        values: values.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn a_batch_that_is_not_columns_of_events_is_refused_whole() {
    let wrong = |given: Vec<(&str, Column)>| {
        let given = given.into_iter().map(|(k, c)| (k.to_string(), c)).collect();
        EventColumns::new(2, given).unwrap_err()
    };
    let e = wrong(vec![("acount", strings(&["a", "b"]))]);
    assert_eq!(
        (e.code().as_str(), e.path()),
        ("invalid-argument", "/acount")
    );
    assert!(
        e.message().contains("no event field \"acount\""),
        "{}",
        e.message()
    );
    let e = wrong(vec![("type", strings(&["page_view"]))]);
    assert_eq!(e.message(), "the column \"type\" has 1 rows, not 2");
    let e = wrong(vec![("strength", strings(&["1", "2"]))]);
    assert!(
        e.message()
            .starts_with("the column \"strength\" must hold numbers")
    );
    let e = wrong(vec![("account", Column::Numbers(vec![1.0, 2.0]))]);
    assert_eq!(e.message(), "the column \"account\" must hold strings");
    let e = wrong(vec![("at", Column::Bools(vec![1, 0]))]);
    assert!(e.message().contains("milliseconds since the epoch"));
    let e = wrong(vec![
        ("by", strings(&["a", "b"])),
        ("by", strings(&["a", "b"])),
    ]);
    assert_eq!(e.message(), "the column \"by\" is given twice");
    // Rows without any column: nothing bounds them by the input's size.
    let e = EventColumns::new(usize::MAX, Vec::new()).unwrap_err();
    assert_eq!(
        (e.code().as_str(), e.path()),
        ("invalid-argument", "/length")
    );
    assert!(
        EventColumns::new(0, Vec::new())
            .unwrap()
            .events()
            .is_empty()
    );
}

#[test]
fn rows_that_are_not_events_are_refused_alone() {
    let columns = EventColumns::new(
        4,
        vec![
            ("account".into(), strings(&["acme", "acme", "acme", "acme"])),
            (
                "type".into(),
                strings(&["page_view", "page_view", "firmographics", "page_view"]),
            ),
            (
                "at".into(),
                Column::Numbers(vec![1.5, 1e17, START_MS as f64, START_MS as f64]),
            ),
            (
                "firmographics".into(),
                Column::Strings {
                    codes: vec![u32::MAX, u32::MAX, 0, u32::MAX],
                    values: vec!["{\"industry\": ".into()],
                },
            ),
        ],
    )
    .unwrap();
    let events = columns.events();
    let error = |r: usize| events[r].as_ref().unwrap_err().error.clone();
    assert_eq!(error(0).path(), "/0/at");
    assert_eq!(
        error(0).message(),
        "\"at\" must be whole milliseconds from 0000-01-01 to 9999-12-31, found 1.5"
    );
    assert_eq!(error(1).path(), "/1/at");
    assert_eq!(error(2).path(), "/2/firmographics");
    assert!(
        error(2)
            .message()
            .starts_with("\"firmographics\" is not a JSON object's text")
    );
    assert_eq!(
        events[2].as_ref().unwrap_err().account.as_deref(),
        Some("acme")
    );
    assert!(events[3].is_ok());
    // Times that are not finite are refused; NaN is an absent time.
    let times = |at: f64| {
        EventColumns::new(
            1,
            vec![
                ("account".into(), strings(&["acme"])),
                ("type".into(), strings(&["page_view"])),
                ("at".into(), Column::Numbers(vec![at])),
            ],
        )
        .unwrap()
        .events()
        .remove(0)
        .unwrap_err()
        .error
    };
    assert_eq!(times(f64::INFINITY).path(), "/0/at");
    assert_eq!(times(f64::NEG_INFINITY).code().as_str(), "invalid-value");
    assert_eq!(times(f64::NAN).code().as_str(), "missing-field");
}

#[test]
fn nested_texts_shared_by_rows_are_read_for_each_row() {
    // One dictionary entry for three rows of two types: each row reads it as its own field.
    let text = "{\"industry\": \"software\", \"id\": \"c9\"}".to_string();
    let columns = EventColumns::new(
        3,
        vec![
            ("account".into(), strings(&["a", "b", "c"])),
            (
                "type".into(),
                strings(&["firmographics", "page_view", "firmographics"]),
            ),
            ("at".into(), Column::Numbers(vec![START_MS as f64; 3])),
            (
                "firmographics".into(),
                Column::Strings {
                    codes: vec![0, u32::MAX, 0],
                    values: vec![text],
                },
            ),
        ],
    )
    .unwrap();
    let events = columns.events();
    // "id" is not a firmographics field: both rows refused the same way, each at its row.
    let error = |r: usize| events[r].as_ref().unwrap_err().error.clone();
    assert_eq!(error(0).path(), "/0/firmographics/id");
    assert_eq!(error(2).path(), "/2/firmographics/id");
    assert_eq!(error(0).message(), error(2).message());
    assert!(events[1].is_ok());
    // Infinity, which JSON cannot write, is refused as a value of no JSON type.
    let columns = EventColumns::new(
        1,
        vec![
            ("account".into(), strings(&["a"])),
            ("type".into(), strings(&["page_view"])),
            ("at".into(), Column::Numbers(vec![START_MS as f64])),
            ("value".into(), Column::Numbers(vec![f64::INFINITY])),
        ],
    )
    .unwrap();
    let error = columns.events().remove(0).unwrap_err().error;
    assert_eq!(
        error.message(),
        "\"value\" must be a number, found infinity"
    );
}
