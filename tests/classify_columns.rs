//! Classifying a batch from columns gives every row the stage `classify` gives the same account
//! alone — over random accounts (flags true, false or null; strings known, unknown or null;
//! numbers; a given score now and then; signals of many types, ages, strengths, values and
//! contacts) for every shipped template and for a definition written to reach the corners of
//! the compiled criteria (null comparisons, `!=`, per-signal numbers and contacts, `count ==`,
//! criteria only a context can answer, required roles, priorities, exit criteria).
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
use account_journey::classify_columns::NO_STAGE;
use account_journey::expr::Data;
use proptest::prelude::*;
use serde_json::{Value, json};

const AS_OF: i64 = 1_795_305_600_000; // 2026-11-22T00:00:00Z
const DAY: i64 = 86_400_000;
const KINDS: [&str; 12] = [
    "page_view",
    "webinar",
    "content_download",
    "ad_click",
    "intent_surge",
    "meeting",
    "unsubscribe",
    "product_usage",
    "expansion",
    "renewal",
    "active_users",
    "podcast",
];
const FLAGS: [&str; 8] = [
    "account.target",
    "firmographics.resolved",
    "crm.salesAccepted",
    "crm.rejected",
    "crm.won",
    "crm.lost",
    "crm.churned",
    "crm.opportunity.open",
];
const INDUSTRIES: [&str; 3] = ["software", "retail", "fintech"];
const COUNTRIES: [&str; 3] = ["US", "BR", "DE"];

#[derive(Debug, Clone)]
struct Account {
    /// Per flag: 0 false, 1 true, 2 null (given as `null`).
    flags: [u8; FLAGS.len()],
    industry: Option<usize>,
    country: Option<usize>,
    employees: Option<f64>,
    tech: Vec<bool>,
    composite: Option<f64>,
    /// Hours before asOf.
    customer_since: Option<i64>,
    signals: Vec<Signal>,
}

/// Type index, age in hours, strength, contact index, value.
type Signal = (usize, i64, Option<u8>, Option<usize>, Option<u16>);

fn account() -> impl Strategy<Value = Account> {
    (
        prop::array::uniform8(prop_oneof![3 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8)]),
        prop::option::of(0usize..3),
        prop::option::of(0usize..3),
        prop::option::of(0.0f64..5000.0),
        prop::collection::vec(any::<bool>(), 0..3),
        prop::option::weighted(0.2, 0.0f64..100.0),
        prop::option::of(-48i64..24 * 60),
        prop::collection::vec(
            (
                0usize..KINDS.len(),
                -48i64..24 * 120,
                prop::option::of(0u8..=100),
                prop::option::of(0usize..3),
                prop::option::of(0u16..60),
            ),
            0..25,
        ),
    )
        .prop_map(
            |(flags, industry, country, employees, tech, composite, customer_since, signals)| {
                Account {
                    flags,
                    industry,
                    country,
                    employees,
                    tech,
                    composite,
                    customer_since,
                    signals,
                }
            },
        )
}

fn tech_names(a: &Account) -> Vec<String> {
    a.tech
        .iter()
        .enumerate()
        .filter(|(_, on)| **on)
        .map(|(i, _)| ["salesforce", "hubspot", "snowflake"][i].to_string())
        .collect()
}

fn at(hours: i64) -> i64 {
    AS_OF - hours * DAY / 24
}

fn as_json(a: &Account) -> Value {
    let mut v = json!({
        "asOf": "2026-11-22T00:00:00Z",
        "account": {"id": "x"},
        "firmographics": {"industry": a.industry.map(|i| INDUSTRIES[i]),
            "country": a.country.map(|i| COUNTRIES[i]), "employees": a.employees,
            "techStack": tech_names(a)},
        "crm": {"opportunity": {}, "customerSince": a.customer_since
            .map(|h| account_journey::expr::data::format_timestamp(at(h)))},
        "score": {"composite": a.composite},
        "contacts": [{"id": "c0"}, {"id": "c1"}, {"id": "c2"}],
        "signals": a.signals.iter().map(|(k, hours, strength, contact, value)| {
            let mut s = json!({"type": KINDS[*k],
                "at": account_journey::expr::data::format_timestamp(at(*hours))});
            if let Some(x) = strength { s["strength"] = json!(x); }
            if let Some(c) = contact { s["contact"] = json!(format!("c{c}")); }
            if let Some(x) = value { s["value"] = json!(x); }
            s
        }).collect::<Vec<_>>(),
    });
    for (name, &flag) in FLAGS.iter().zip(&a.flags) {
        let value = match flag {
            0 => json!(false),
            1 => json!(true),
            _ => Value::Null,
        };
        let mut slot = &mut v;
        for part in name.split('.') {
            slot = &mut slot[part];
        }
        *slot = value;
    }
    v
}

fn columns(accounts: &[Account]) -> (AccountColumns, SignalColumns) {
    let strings = |pick: &dyn Fn(&Account) -> Option<usize>, values: &[&str]| Column::Strings {
        codes: accounts
            .iter()
            .map(|a| pick(a).map_or(u32::MAX, |i| i as u32))
            .collect(),
        values: values.iter().map(|s| s.to_string()).collect(),
    };
    let mut fields: Vec<(String, Column)> = FLAGS
        .iter()
        .enumerate()
        .map(|(f, name)| {
            let flags = accounts.iter().map(|a| a.flags[f]).collect();
            (name.to_string(), Column::Bools(flags))
        })
        .collect();
    fields.push((
        "firmographics.industry".into(),
        strings(&|a| a.industry, &INDUSTRIES),
    ));
    fields.push((
        "firmographics.country".into(),
        strings(&|a| a.country, &COUNTRIES),
    ));
    fields.push((
        "firmographics.employees".into(),
        Column::Numbers(
            accounts
                .iter()
                .map(|a| a.employees.unwrap_or(f64::NAN))
                .collect(),
        ),
    ));
    fields.push((
        "firmographics.techStack".into(),
        Column::string_lists(&accounts.iter().map(tech_names).collect::<Vec<_>>()),
    ));
    fields.push((
        "score.composite".into(),
        Column::Numbers(
            accounts
                .iter()
                .map(|a| a.composite.unwrap_or(f64::NAN))
                .collect(),
        ),
    ));
    fields.push((
        "crm.customerSince".into(),
        Column::Numbers(
            accounts
                .iter()
                .map(|a| a.customer_since.map_or(f64::NAN, |h| at(h) as f64))
                .collect(),
        ),
    ));
    let mut signals = SignalColumns {
        kinds: KINDS.iter().map(|s| s.to_string()).collect(),
        contacts: ["c0", "c1", "c2"].iter().map(|s| s.to_string()).collect(),
        strength: Some(Vec::new()),
        value: Some(Vec::new()),
        contact: Some(Vec::new()),
        ..SignalColumns::default()
    };
    // Accounts' signals interleaved, so grouping is exercised.
    let most = accounts.iter().map(|a| a.signals.len()).max().unwrap_or(0);
    for i in 0..most {
        for (row, a) in accounts.iter().enumerate() {
            if let Some((k, hours, strength, contact, value)) = a.signals.get(i) {
                signals.account.push(row as u32);
                signals.kind.push(*k as u32);
                signals.at.push(at(*hours) as f64);
                let number = |x: Option<f64>| x.unwrap_or(f64::NAN);
                signals
                    .strength
                    .as_mut()
                    .unwrap()
                    .push(number(strength.map(f64::from)));
                signals
                    .value
                    .as_mut()
                    .unwrap()
                    .push(number(value.map(f64::from)));
                let contact = contact.map_or(u32::MAX, |c| c as u32);
                signals.contact.as_mut().unwrap().push(contact);
            }
        }
    }
    let len = accounts.len();
    (AccountColumns { len, fields }, signals)
}

/// Reaches what compiled criteria must get exactly right, and what they leave to a context.
const CORNERS: &str = r#"{"id": "corners", "name": "Corners", "version": "1",
  "scoring": {"weights": {"engagement": 1}, "signals": {
    "page_view": {"component": "engagement", "points": 10, "decay": {"halfLife": "14d"}},
    "webinar": {"component": "engagement", "points": 30, "decay": {"window": "30d"}}}},
  "buyingGroup": {"requiredRoles": ["champion"]},
  "stages": [
    {"id": "base", "name": "Base", "kind": "pre-sale", "entryCriteria": "firmographics.industry != \"retail\""},
    {"id": "nulls", "name": "Nulls", "kind": "pre-sale", "priority": 40,
     "entryCriteria": "firmographics.country == null or not (firmographics.employees >= 100)"},
    {"id": "strong", "name": "Strong", "kind": "pre-sale",
     "entryCriteria": "exists(signals, strength > 60 and not (type in [\"meeting\", \"podcast\"]) and within(30d))"},
    {"id": "contact", "name": "Contact", "kind": "pre-sale",
     "entryCriteria": "count(signals, contact == \"c1\" or value >= 30) == 2 and account.target",
     "exitCriteria": "crm.rejected or firmographics.techStack contains \"hubspot\""},
    {"id": "topic", "name": "Topic", "kind": "pre-sale",
     "entryCriteria": "exists(signals, type == \"webinar\" and topic in [\"ai\"]) or firmographics.industry in [\"fintech\"]"},
    {"id": "arith", "name": "Arith", "kind": "pre-sale",
     "entryCriteria": "firmographics.employees / 10 > 300 and score.engagement >= 10"},
    {"id": "dates", "name": "Dates", "kind": "pre-sale",
     "entryCriteria": "exists(signals, type == \"renewal\" and at > asOf - 7d)"},
    {"id": "roles", "name": "Roles", "kind": "pre-sale", "requiredRoles": ["champion"],
     "entryCriteria": "crm.salesAccepted"},
    {"id": "scored", "name": "Scored", "kind": "pre-sale", "entryCriteria": "score.composite > 40 and score.fit == null"},
    {"id": "since", "name": "Since", "kind": "pre-sale",
     "entryCriteria": "has(crm.customerSince) and daysSince(crm.customerSince) >= 30 or size(firmographics.techStack) == 2 or not has(crm.rejected)"},
    {"id": "won", "name": "Won", "kind": "post-sale", "entryCriteria": "crm.won and not crm.churned"},
    {"id": "none", "name": "None", "kind": "terminal"}
  ]}"#;

fn journeys() -> Vec<Journey> {
    let mut out: Vec<Journey> = account_journey::templates::TEMPLATES
        .iter()
        .map(|t| t.journey().unwrap())
        .collect();
    out.push(Journey::from_json(CORNERS).unwrap());
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn columns_classify_every_row_as_classify_does(accounts in prop::collection::vec(account(), 0..10)) {
        let (fields, signals) = columns(&accounts);
        for journey in journeys() {
            let out = journey.classify_columns(&fields, &signals, AS_OF).unwrap();
            prop_assert_eq!(out.stage.len(), accounts.len());
            prop_assert!(out.errors.is_empty(), "{:?}", out.errors);
            for (row, a) in accounts.iter().enumerate() {
                let data = Data::account_from_json(&as_json(a).to_string()).unwrap();
                let alone = journey.classify_with(&data, false).unwrap();
                let stage = out.stage[row];
                let columns_stage = (stage != NO_STAGE)
                    .then(|| journey.definition().stages[stage as usize].id.clone());
                prop_assert_eq!(&columns_stage, &alone.stage, "journey {} row {}: {}",
                    journey.definition().id, row, as_json(a));
            }
        }
    }
}

#[test]
fn a_bad_row_gets_its_error_and_the_others_their_stage() {
    let journey = Journey::embedded_default().unwrap();
    let fields = AccountColumns {
        len: 3,
        fields: vec![
            (
                "firmographics.resolved".into(),
                Column::Bools(vec![1, 1, 1]),
            ),
            (
                "firmographics.employees".into(),
                Column::Numbers(vec![10.0, -5.0, f64::NAN]),
            ),
        ],
    };
    let signals = SignalColumns {
        account: vec![2],
        kind: vec![0],
        kinds: vec!["page_view".into()],
        at: vec![0.5],
        ..SignalColumns::default()
    };
    let out = journey.classify_columns(&fields, &signals, AS_OF).unwrap();
    let identified = journey.stage_index("identified").unwrap() as u16;
    assert_eq!(out.stage, [identified, NO_STAGE, NO_STAGE]);
    let paths: Vec<(usize, &str)> = out
        .errors
        .iter()
        .map(|e| (e.row, e.path.as_str()))
        .collect();
    assert_eq!(
        paths,
        [
            (1, "/fields/firmographics.employees/1"),
            (2, "/signals/at/0")
        ]
    );
    assert!(out.composite[0].is_finite() && out.composite[1].is_nan() && out.composite[2].is_nan());
}

#[test]
fn without_a_scoring_model_rows_are_still_checked() {
    let journey = Journey::from_json(
        r#"{"id": "j", "name": "J", "version": "1", "stages": [
            {"id": "a", "name": "A", "kind": "pre-sale", "entryCriteria": "true"},
            {"id": "b", "name": "B", "kind": "pre-sale", "entryCriteria": "exists(signals, strength >= 50)"}]}"#,
    )
    .unwrap();
    let fields = AccountColumns {
        len: 3,
        fields: vec![],
    };
    let signals = SignalColumns {
        account: vec![0, 1, 2],
        kind: vec![0, 0, 0],
        kinds: vec!["x".into()],
        at: vec![AS_OF as f64; 3],
        strength: Some(vec![70.0, 20.0, 170.0]),
        ..SignalColumns::default()
    };
    let out = journey.classify_columns(&fields, &signals, AS_OF).unwrap();
    assert_eq!(out.stage, [1, 0, NO_STAGE]);
    assert_eq!(out.errors.len(), 1);
    assert_eq!(out.errors[0].path, "/signals/strength/2");
}

#[test]
fn a_malformed_batch_is_refused_whole() {
    let journey = Journey::embedded_default().unwrap();
    let fields = AccountColumns {
        len: 2,
        fields: vec![("crm.won".into(), Column::Bools(vec![1]))],
    };
    let e = journey
        .classify_columns(&fields, &SignalColumns::default(), AS_OF)
        .unwrap_err();
    assert_eq!(e.code().as_str(), "invalid-argument");
    let fields = AccountColumns {
        len: 2,
        fields: vec![("crm.nope".into(), Column::Bools(vec![1, 0]))],
    };
    let e = journey
        .classify_columns(&fields, &SignalColumns::default(), AS_OF)
        .unwrap_err();
    assert!(e.message().contains("no field \"nope\""), "{}", e.message());
}

/// Regression tests from a review: each case once disagreed with `classify`.
fn stage_by_both(
    definition: &str,
    account: Value,
    fields: Vec<(String, Column)>,
    signals: SignalColumns,
) -> (
    Result<Option<String>, String>,
    Result<Option<String>, String>,
) {
    let journey = Journey::from_json(definition).unwrap();
    let data = Data::account_from_json(&account.to_string()).unwrap();
    let alone = journey
        .classify_with(&data, false)
        .map(|c| c.stage)
        .map_err(|e| e.code().as_str().to_string());
    let columns = AccountColumns { len: 1, fields };
    let out = journey.classify_columns(&columns, &signals, AS_OF).unwrap();
    let batch = match out.errors.first() {
        Some(e) => Err(e.code.as_str().to_string()),
        None => Ok((out.stage[0] != NO_STAGE).then(|| {
            journey.definition().stages[out.stage[0] as usize]
                .id
                .clone()
        })),
    };
    (alone, batch)
}

fn one_signal(kind: &str, n: usize) -> SignalColumns {
    SignalColumns {
        account: vec![0; n],
        kind: vec![0; n],
        kinds: vec![kind.into()],
        at: vec![(AS_OF - 2 * DAY) as f64; n],
        ..SignalColumns::default()
    }
}

fn stages(criteria: &[(&str, &str)], scoring: &str) -> String {
    let stages: Vec<String> = criteria
        .iter()
        .map(|(id, c)| {
            format!(
                r#"{{"id": "{id}", "name": "{id}", "kind": "pre-sale", "entryCriteria": {}}}"#,
                json!(c)
            )
        })
        .collect();
    format!(
        r#"{{"id": "j", "name": "J", "version": "1", "unmatched": "outside", {scoring} "stages": [{}]}}"#,
        stages.join(",")
    )
}

#[test]
fn size_of_signals_and_as_of_read_as_classify_reads_them() {
    let account = json!({"asOf": "2026-11-22T00:00:00Z",
        "signals": [{"type": "page_view", "at": "2026-11-20T00:00:00Z"}]});
    for criterion in [
        "size(signals) > 0",
        "daysSince(asOf) == 0",
        "has(asOf)",
        "size(signals) == 1 and not (daysSince(asOf) > 0)",
    ] {
        let def = stages(&[("any", criterion)], "");
        let (alone, batch) =
            stage_by_both(&def, account.clone(), vec![], one_signal("page_view", 1));
        assert_eq!(alone, Ok(Some("any".into())), "{criterion}");
        assert_eq!(batch, alone, "{criterion}");
    }
    // A fit rule on asOf is known, not missing.
    let scoring = r#""scoring": {"weights": {"fit": 1}, "fit": [{"when": "daysSince(asOf) == 0", "points": 80}]},"#;
    let def = stages(&[("low", "true"), ("hot", "score.composite > 40")], scoring);
    let (alone, batch) = stage_by_both(
        &def,
        json!({"asOf": "2026-11-22T00:00:00Z"}),
        vec![],
        SignalColumns::default(),
    );
    assert_eq!((alone.clone(), batch), (Ok(Some("hot".into())), alone));
}

#[test]
fn scoring_rules_that_read_signals_see_each_rows_signals() {
    let scoring = r#""scoring": {"weights": {"intent": 1}, "rules": [{"component": "intent", "points": 80,
        "when": "exists(signals, type == \"demo\" and at >= timestamp(\"2026-01-01\"))"}]},"#;
    let def = stages(&[("low", "true"), ("hot", "score.composite > 40")], scoring);
    let journey = Journey::from_json(&def).unwrap();
    let signals = SignalColumns {
        account: vec![1],
        kind: vec![0],
        kinds: vec!["demo".into()],
        at: vec![(AS_OF - 2 * DAY) as f64],
        ..SignalColumns::default()
    };
    let out = journey
        .classify_columns(
            &AccountColumns {
                len: 3,
                fields: vec![],
            },
            &signals,
            AS_OF,
        )
        .unwrap();
    let ids: Vec<&str> = out
        .stage
        .iter()
        .map(|&s| journey.definition().stages[s as usize].id.as_str())
        .collect();
    assert_eq!(ids, ["low", "hot", "low"]);
    assert_eq!(out.composite[1], 80.0);
}

#[test]
fn the_step_limit_applies_as_in_classify() {
    let journey = Journey::embedded_default().unwrap();
    for n in [100, 20_000] {
        let signals: Vec<Value> = (0..n)
            .map(|_| json!({"type": "page_view", "at": "2026-11-20T00:00:00Z"}))
            .collect();
        let account = json!({"asOf": "2026-11-22T00:00:00Z", "firmographics": {"resolved": true}, "signals": signals});
        let data = Data::account_from_json(&account.to_string()).unwrap();
        let alone = journey.classify_with(&data, false);
        let fields = vec![("firmographics.resolved".to_string(), Column::Bools(vec![1]))];
        let out = journey
            .classify_columns(
                &AccountColumns { len: 1, fields },
                &one_signal("page_view", n),
                AS_OF,
            )
            .unwrap();
        match alone {
            Ok(c) => assert_eq!(
                Some(
                    journey.definition().stages[out.stage[0] as usize]
                        .id
                        .clone()
                ),
                c.stage
            ),
            Err(e) => {
                assert_eq!(out.errors.len(), 1, "{n} signals: {e:?}");
                assert_eq!(
                    (out.errors[0].code, out.errors[0].path.as_str()),
                    (e.code(), e.path())
                );
            }
        }
    }
}

#[test]
fn an_error_in_any_stage_fails_the_row_as_classify_does() {
    let def = stages(
        &[
            ("low", "100 / firmographics.employees > 1"),
            ("high", "true"),
        ],
        "",
    );
    let fields = vec![(
        "firmographics.employees".to_string(),
        Column::Numbers(vec![0.0]),
    )];
    let account = json!({"asOf": "2026-11-22T00:00:00Z", "firmographics": {"employees": 0}});
    let (alone, batch) = stage_by_both(&def, account, fields, SignalColumns::default());
    assert_eq!(alone, Err("division-by-zero".into()));
    assert_eq!(batch, alone);
}

#[test]
fn as_of_is_not_a_column() {
    let journey = Journey::embedded_default().unwrap();
    let fields = vec![("asOf".to_string(), Column::Numbers(vec![0.0]))];
    let e = journey
        .classify_columns(
            &AccountColumns { len: 1, fields },
            &SignalColumns::default(),
            AS_OF,
        )
        .unwrap_err();
    assert_eq!(e.code().as_str(), "invalid-argument");
}

#[test]
fn imported_fit_is_a_field_read() {
    let journey = Journey::from_json(&stages(
        &[("hot", "score.composite > 30")],
        r#""scoring": {"fitSource": "imported", "weights": {"fit": 1, "engagement": 1}},"#,
    ))
    .unwrap();
    assert!(
        journey
            .fields_read()
            .fields
            .contains(&"score.fit".to_string())
    );
}
