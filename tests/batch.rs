//! Batch scoring from columns gives, bit for bit, what scoring each account alone gives — over
//! random accounts (firmographics present or missing, signals of scored, unscored and
//! strength-scaled types, before and after asOf, by listed contacts or none) with the default
//! journey's model (fit rules, per-type and per-contact caps, decay of every kind). Bad rows get
//! an error each and the rest of the batch is scored.
// Property tests run natively (proptest is a native dev-dependency).
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use account_journey::Journey;
use account_journey::batch::{AccountColumns, Column, SignalColumns};
use account_journey::expr::Data;
use account_journey::score::ScoreModel;
use proptest::prelude::*;
use serde_json::{Value, json};

const AS_OF: i64 = 1_795_305_600_000; // 2026-11-22T00:00:00Z
const DAY: i64 = 86_400_000;
const KINDS: [&str; 10] = [
    "page_view",
    "webinar",
    "content_download",
    "intent_surge",
    "meeting",
    "unsubscribe",
    "podcast",
    "product_usage",
    "active_users",
    "executive_meeting",
];
const N: usize = KINDS.len();
const INDUSTRIES: [&str; 3] = ["software", "retail", "fintech"];

#[derive(Debug, Clone)]
struct Account {
    industry: Option<usize>,
    employees: Option<f64>,
    tech: Vec<bool>,
    won: Option<bool>,
    signals: Vec<Signal>,
}

/// Type index, age in thirds of a day, strength, contact index, value.
type Signal = (usize, i64, Option<u8>, Option<usize>, Option<i16>);

fn account() -> impl Strategy<Value = Account> {
    (
        prop::option::of(0usize..3),
        prop::option::of(0.0f64..5000.0),
        prop::collection::vec(any::<bool>(), 0..3),
        prop::option::of(any::<bool>()),
        prop::collection::vec(
            (
                0usize..N,
                -5i64..200,
                prop::option::of(0u8..=100),
                prop::option::of(0usize..3),
                prop::option::of(0i16..60),
            ),
            0..40,
        ),
    )
        .prop_map(|(industry, employees, tech, won, signals)| Account {
            industry,
            employees,
            tech,
            won,
            signals,
        })
}

fn model() -> ScoreModel {
    let journey = Journey::embedded_default().unwrap();
    ScoreModel::new(journey.definition().scoring.as_ref().unwrap()).unwrap()
}

fn as_json(a: &Account) -> Value {
    let tech: Vec<&str> = a
        .tech
        .iter()
        .enumerate()
        .filter(|(_, on)| **on)
        .map(|(i, _)| ["salesforce", "hubspot", "snowflake"][i])
        .collect();
    let signals: Vec<Value> = a
        .signals
        .iter()
        .map(|(k, days, strength, contact, value)| {
            let mut s = json!({"type": KINDS[*k],
                "at": account_journey::expr::data::format_timestamp(AS_OF - days * DAY / 3)});
            if let Some(st) = strength {
                s["strength"] = json!(st);
            }
            if let Some(c) = contact {
                s["contact"] = json!(format!("c{c}"));
            }
            if let Some(v) = value {
                s["value"] = json!(v);
            }
            s
        })
        .collect();
    json!({
        "asOf": "2026-11-22T00:00:00Z",
        "firmographics": {"industry": a.industry.map(|i| INDUSTRIES[i]), "employees": a.employees,
                          "techStack": tech},
        "contacts": [{"id": "c0"}, {"id": "c1"}, {"id": "c2"}],
        "signals": signals,
        "crm": {"won": a.won},
    })
}

fn columns(accounts: &[Account]) -> (AccountColumns, SignalColumns) {
    let industry = Column::Strings {
        codes: accounts
            .iter()
            .map(|a| a.industry.map_or(u32::MAX, |i| i as u32))
            .collect(),
        values: INDUSTRIES.iter().map(|s| s.to_string()).collect(),
    };
    let employees = Column::Numbers(
        accounts
            .iter()
            .map(|a| a.employees.unwrap_or(f64::NAN))
            .collect(),
    );
    let tech = Column::string_lists(
        &accounts
            .iter()
            .map(|a| {
                a.tech
                    .iter()
                    .enumerate()
                    .filter(|(_, on)| **on)
                    .map(|(i, _)| ["salesforce", "hubspot", "snowflake"][i].to_string())
                    .collect()
            })
            .collect::<Vec<Vec<String>>>(),
    );
    // The dictionaries list every string twice: codes k and k + N (k + 3) are the same type
    // (contact), and caps must treat them as one.
    let mut signals = SignalColumns {
        kinds: KINDS
            .iter()
            .chain(KINDS.iter())
            .map(|s| s.to_string())
            .collect(),
        contacts: ["c0", "c1", "c2", "c0", "c1", "c2"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        strength: Some(Vec::new()),
        value: Some(Vec::new()),
        contact: Some(Vec::new()),
        ..SignalColumns::default()
    };
    // Interleave accounts' signals (round robin) so grouping is exercised.
    let most = accounts.iter().map(|a| a.signals.len()).max().unwrap_or(0);
    for i in 0..most {
        for (row, a) in accounts.iter().enumerate() {
            if let Some((k, days, strength, contact, value)) = a.signals.get(i) {
                signals.account.push(row as u32);
                signals.kind.push((*k + N * (i % 2)) as u32);
                signals
                    .value
                    .as_mut()
                    .unwrap()
                    .push(value.map_or(f64::NAN, f64::from));
                signals.at.push((AS_OF - days * DAY / 3) as f64);
                signals
                    .strength
                    .as_mut()
                    .unwrap()
                    .push(strength.map_or(f64::NAN, f64::from));
                signals
                    .contact
                    .as_mut()
                    .unwrap()
                    .push(contact.map_or(u32::MAX, |c| c as u32));
            }
        }
    }
    let accounts = AccountColumns {
        len: accounts.len(),
        fields: vec![
            ("firmographics.industry".into(), industry),
            ("firmographics.employees".into(), employees),
            ("firmographics.techStack".into(), tech),
            (
                "crm.won".into(),
                Column::Bools(accounts.iter().map(|a| a.won.map_or(2, u8::from)).collect()),
            ),
        ],
    };
    (accounts, signals)
}

fn bits(x: Option<f64>) -> Option<u64> {
    x.map(f64::to_bits)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn columns_score_exactly_as_each_account_alone(accounts in prop::collection::vec(account(), 0..12)) {
        let model = model();
        let (account_columns, signal_columns) = columns(&accounts);
        let batch = model.score_columns(&account_columns, &signal_columns, AS_OF).unwrap();
        prop_assert!(batch.errors.is_empty(), "{:?}", batch.errors);
        let mut after = 0;
        let mut missing = 0;
        let mut missing_value = 0;
        let mut unknown = std::collections::BTreeMap::new();
        for (row, a) in accounts.iter().enumerate() {
            let data = Data::account_from_json(&as_json(a).to_string()).unwrap();
            let alone = model.score(&data).unwrap();
            // The default model's ledger sums to every component, whatever the history.
            for c in &alone.components {
                let Some(value) = c.value else { continue };
                let sum: f64 = alone
                    .ledger
                    .iter()
                    .filter(|l| l.component == c.component)
                    .map(|l| l.points)
                    .sum();
                prop_assert!((sum - value).abs() < 1e-9, "{}: {} vs {}", c.component, sum, value);
            }
            after += alone.ignored.after_as_of;
            missing += alone.ignored.missing_strength;
            missing_value += alone.ignored.missing_value;
            for (kind, n) in &alone.ignored.unknown_types {
                *unknown.entry(kind.clone()).or_insert(0) += n;
            }
            let got = batch.composite[row];
            prop_assert_eq!(bits((!got.is_nan()).then_some(got)), bits(alone.composite), "row {} composite", row);
            for (c, (name, column)) in alone.components.iter().zip(&batch.components) {
                prop_assert_eq!(c.component, *name);
                let got = column[row];
                prop_assert_eq!(bits((!got.is_nan()).then_some(got)), bits(c.normalized), "row {} {}", row, name);
            }
        }
        prop_assert_eq!(batch.ignored.after_as_of, after);
        prop_assert_eq!(batch.ignored.missing_strength, missing);
        prop_assert_eq!(batch.ignored.missing_value, missing_value);
        prop_assert_eq!(&batch.ignored.unknown_types, &unknown);
    }
}

#[test]
fn a_bad_row_gets_an_error_and_the_others_are_scored() {
    let model = model();
    let accounts = AccountColumns {
        len: 3,
        fields: vec![(
            "firmographics.employees".into(),
            Column::Numbers(vec![500.0, -1.0, f64::NAN]),
        )],
    };
    let signals = SignalColumns {
        account: vec![0, 2, 2],
        kind: vec![0, 0, 1],
        kinds: vec!["webinar".into(), "intent_surge".into()],
        at: vec![
            (AS_OF - DAY) as f64,
            (AS_OF - DAY) as f64,
            (AS_OF - DAY) as f64 + 0.5,
        ],
        ..SignalColumns::default()
    };
    let mut with_values = signals.clone();
    with_values.at[2] = (AS_OF - DAY) as f64;
    with_values.value = Some(vec![f64::INFINITY, f64::NAN, -1.0]);
    let failed: Vec<(usize, String)> = model
        .score_columns(&accounts, &with_values, AS_OF)
        .unwrap()
        .errors
        .iter()
        .map(|e| (e.row, e.path.clone()))
        .collect();
    // Infinity and a negative value are errors of their rows (a NaN value is none).
    assert_eq!(
        failed,
        [
            (0, "/signals/value/0".to_string()),
            (1, "/fields/firmographics.employees/1".to_string()),
            (2, "/signals/value/2".to_string()),
        ]
    );
    let batch = model.score_columns(&accounts, &signals, AS_OF).unwrap();
    let errors: Vec<(usize, &str, &str)> = batch
        .errors
        .iter()
        .map(|e| (e.row, e.code.as_str(), e.path.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            (1, "invalid-value", "/fields/firmographics.employees/1"),
            (2, "invalid-value", "/signals/at/2"),
        ]
    );
    assert!(!batch.composite[0].is_nan());
    assert!(batch.composite[1].is_nan() && batch.composite[2].is_nan());
    assert_eq!(batch.composite.len(), 3, "one result per row");
}

#[test]
fn a_malformed_batch_is_refused_whole() {
    let model = model();
    let refuse = |accounts: AccountColumns, signals: SignalColumns| {
        model
            .score_columns(&accounts, &signals, AS_OF)
            .unwrap_err()
            .code()
            .as_str()
    };
    let short = AccountColumns {
        len: 2,
        fields: vec![("firmographics.employees".into(), Column::Numbers(vec![1.0]))],
    };
    assert_eq!(refuse(short, SignalColumns::default()), "invalid-argument");
    let unknown = AccountColumns {
        len: 1,
        fields: vec![("firmographics.headcount".into(), Column::Numbers(vec![1.0]))],
    };
    assert_eq!(
        refuse(unknown, SignalColumns::default()),
        "invalid-argument"
    );
    let wrong_kind = AccountColumns {
        len: 1,
        fields: vec![("firmographics.industry".into(), Column::Numbers(vec![1.0]))],
    };
    assert_eq!(
        refuse(wrong_kind, SignalColumns::default()),
        "invalid-argument"
    );
    let stray = SignalColumns {
        account: vec![5],
        kind: vec![0],
        kinds: vec!["webinar".into()],
        at: vec![0.0],
        ..SignalColumns::default()
    };
    assert_eq!(
        refuse(
            AccountColumns {
                len: 1,
                fields: vec![]
            },
            stray
        ),
        "invalid-argument"
    );
    // A claimed length past the limit is refused before the results are allocated.
    let huge = AccountColumns {
        len: account_journey::batch::MAX_BATCH_ROWS + 1,
        fields: vec![],
    };
    assert_eq!(refuse(huge, SignalColumns::default()), "limit-exceeded");
}
