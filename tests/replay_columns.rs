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

/// One row: its type, its time and a random choice of other fields (each given or not).
fn row() -> impl Strategy<Value = (usize, Vec<Option<Cell>>)> {
    let kind = prop::sample::select(vec![
        "page_view",
        "webinar",
        "intent_surge",
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
        "stage_override",
        "",
    ]);
    let nested = prop::sample::select(vec![
        json!({"industry": "software", "employees": 900, "techStack": ["salesforce"]}),
        json!({"resolved": true, "country": "DE"}),
        json!({"segment": "enterprise", "target": true}),
        json!({"id": "c1", "role": "champion"}),
        json!({"employees": -5}),
        json!({"nope": 1}),
    ]);
    (
        0..3usize,
        prop::option::weighted(0.95, kind),
        0..(60 * 24i64),
        prop::collection::vec(
            (
                prop::bool::weighted(0.3),
                text(),
                number(),
                nested.prop_map(Cell::Object),
            ),
            11,
        ),
    )
        .prop_map(|(account, kind, hour, others)| {
            let mut cells: Vec<Option<Cell>> = vec![
                Some(Cell::Text(["acme", "globex", "initech"][account].into())),
                kind.map(|k| Cell::Text(k.into())),
                Some(Cell::Number((START_MS + hour * 3_600_000) as f64)),
            ];
            for (i, (given, t, n, o)) in others.into_iter().enumerate() {
                let field = FIELDS[i + 3];
                let cell = match field {
                    "strength" | "value" | "amount" => n,
                    "firmographics" | "facts" => o,
                    "contact" if matches!(&cells[1], Some(Cell::Text(k)) if k == "contact") => o,
                    _ => t,
                };
                // Fields the row's type needs are given more often.
                cells.push(given.then_some(cell));
            }
            (account, cells)
        })
}

/// The rows as JSON Lines, with `at` as RFC 3339 text.
fn lines(rows: &[Vec<Option<Cell>>]) -> String {
    let mut out = String::new();
    for row in rows {
        let mut object = Map::new();
        for (field, cell) in FIELDS.iter().zip(row) {
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

/// The rows as columns; with `text_times`, `at` as RFC 3339 strings.
fn columns(rows: &[Vec<Option<Cell>>], text_times: bool) -> EventColumns {
    let mut given = Vec::new();
    for (i, field) in FIELDS.iter().enumerate() {
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
    ) {
        let mut rows: Vec<(usize, Vec<Option<Cell>>)> = rows;
        rows.sort_by_key(|(_, cells)| match &cells[2] {
            Some(Cell::Number(ms)) => *ms as i64,
            _ => 0,
        });
        let rows: Vec<Vec<Option<Cell>>> = rows.into_iter().map(|(_, r)| r).collect();
        let journey = Journey::embedded_default().unwrap();
        let mut by_lines = ReplayState::new(&journey);
        let from_lines = by_lines.apply_lines(&journey, &lines(&rows), AS_OF).unwrap();
        let mut by_columns = ReplayState::new(&journey);
        let from_columns = by_columns
            .apply_columns(&journey, &columns(&rows, text_times), AS_OF)
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
