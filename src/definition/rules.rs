//! The operating rules of a journey beyond criteria: a stage's SLA (a handoff with a deadline,
//! usually in business hours), what a rejection does (reason codes, recycle to nurture after a
//! delay), which regressions are expected, a stage's priority when several match, and the
//! business calendar SLAs are counted in. Reading them, and checking them on the model.

use chrono::NaiveDate;
use serde::Serialize;

use super::behaviour::{DwellAction, Finding, MAX_DWELL_MS};
use super::read::{Object, Reader, did_you_mean};
use super::{Definition, Stage, format_date, parse_date};
use crate::Code;
use crate::error::{Diagnostic, pointer_push};
use crate::expr::data::{format_duration, parse_duration};

/// A handoff with a deadline: once an account enters the stage, `until` must hold within
/// `within` (in business hours when `business_hours`), or `on_breach` fires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sla {
    /// A name for reports, e.g. `"mqa-acceptance"`.
    pub id: String,
    /// The deadline, in milliseconds (written as a duration in hours, `"48h"`: with business
    /// hours, a "day" would read as a working day).
    #[serde(rename = "within", serialize_with = "hours_text")]
    pub within_ms: i64,
    /// Count only working hours of the definition's calendar.
    pub business_hours: bool,
    /// The criterion that meets the SLA (e.g. `crm.salesAccepted or crm.rejected`).
    pub until: String,
    /// Who must act (a team or role).
    pub owner: String,
    /// What a breach fires.
    pub on_breach: Option<BreachAction>,
}

/// What a breach fires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreachAction {
    /// The action.
    pub action: DwellAction,
    /// The play to run, if any.
    pub play: Option<String>,
}

/// What a rejection of an account in this stage does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rejection {
    /// The reason codes a rejection must carry (e.g. `no-budget`, `not-icp`).
    pub reason_codes: Vec<String>,
    /// The earlier stage a rejected account is recycled to (nurture).
    pub recycle_to: String,
    /// How long after the rejection the recycle happens, in milliseconds (`"30d"`).
    #[serde(rename = "after", serialize_with = "duration_text")]
    pub after_ms: i64,
}

/// Working days and hours, holidays and the time zone SLAs in business hours are counted in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Calendar {
    /// Offset from UTC in minutes (written `"+01:00"`).
    #[serde(rename = "utcOffset", serialize_with = "offset_text")]
    pub utc_offset_minutes: i32,
    /// Working days, `mon` … `sun`, in week order.
    pub working_days: Vec<String>,
    /// Start of the working day, minutes after midnight (written `"09:00"`).
    #[serde(rename = "workStart", serialize_with = "clock_text")]
    pub work_start_minute: u32,
    /// End of the working day, minutes after midnight (written `"17:00"`).
    #[serde(rename = "workEnd", serialize_with = "clock_text")]
    pub work_end_minute: u32,
    /// Days off, sorted.
    #[serde(serialize_with = "dates_text")]
    pub holidays: Vec<NaiveDate>,
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// Longest SLA accepted: a year.
pub const MAX_SLA_MS: i64 = 365 * 86_400_000;

fn duration_text<S: serde::Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_duration(*ms))
}

fn hours_text<S: serde::Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::expr::data::format_duration_hours(*ms))
}

fn offset_text<S: serde::Serializer>(minutes: &i32, s: S) -> Result<S::Ok, S::Error> {
    let sign = if *minutes < 0 { '-' } else { '+' };
    let m = minutes.unsigned_abs();
    s.serialize_str(&format!("{sign}{:02}:{:02}", m / 60, m % 60))
}

fn clock_text<S: serde::Serializer>(minute: &u32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{:02}:{:02}", minute / 60, minute % 60))
}

fn dates_text<S: serde::Serializer>(dates: &[NaiveDate], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(dates.iter().map(|d| format_date(*d)))
}

/// `HH:MM` as minutes after midnight (`24:00` allowed as an end of day).
fn parse_clock(text: &str) -> Option<u32> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !(h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// `+HH:MM` / `-HH:MM` as minutes.
fn parse_offset(text: &str) -> Option<i32> {
    let (sign, rest) = match text.get(..1)? {
        "+" => (1, text.get(1..)?),
        "-" => (-1, text.get(1..)?),
        _ => return None,
    };
    let minutes = parse_clock(rest).filter(|m| *m <= 14 * 60)?;
    i32::try_from(minutes).ok().map(|m| sign * m)
}

/// A duration field, reported when it does not parse. `None` when absent or invalid.
fn duration(r: &mut Reader, obj: &Object<'_>, key: &str, required: bool) -> Option<i64> {
    let text = r.string(obj, key, required)?;
    let parsed = parse_duration(&text);
    if parsed.is_none() {
        r.error(
            Code::InvalidValue,
            &pointer_push(&obj.path, key),
            None,
            format!("\"{text}\" is not a duration such as \"48h\" or \"30d\""),
        );
    }
    parsed
}

/// Reads a stage's `sla`, if present.
pub(super) fn read_sla(r: &mut Reader, stage: &Object<'_>) -> Option<Sla> {
    let node = r.field(stage, "sla", false)?;
    let path = pointer_push(&stage.path, "sla");
    let fields = [
        "id",
        "within",
        "businessHours",
        "until",
        "owner",
        "onBreach",
    ];
    let obj = r.object(node, &path, "an SLA", &fields)?;
    let on_breach = r.field(&obj, "onBreach", false).and_then(|node| {
        let path = pointer_push(&path, "onBreach");
        let breach = r.object(node, &path, "a breach action", &["action", "play"])?;
        Some(BreachAction {
            action: super::behaviour::read_action(r, &breach, "action")
                .unwrap_or(DwellAction::ManagerReview),
            play: r.string(&breach, "play", false),
        })
    });
    Some(Sla {
        id: r.string(&obj, "id", true).unwrap_or_default(),
        within_ms: duration(r, &obj, "within", true).unwrap_or(1),
        business_hours: r.bool(&obj, "businessHours").unwrap_or(false),
        until: r
            .string(&obj, "until", true)
            .unwrap_or_else(|| "true".to_string()),
        // Every SLA needs someone accountable: a missing owner is reported here.
        owner: r
            .string(&obj, "owner", true)
            .unwrap_or_else(|| "-".to_string()),
        on_breach,
    })
}

/// Reads a stage's `rejection`, if present.
pub(super) fn read_rejection(r: &mut Reader, stage: &Object<'_>) -> Option<Rejection> {
    let node = r.field(stage, "rejection", false)?;
    let path = pointer_push(&stage.path, "rejection");
    let fields = ["reasonCodes", "recycleTo", "after"];
    let obj = r.object(node, &path, "a rejection rule", &fields)?;
    r.field(&obj, "reasonCodes", true)?;
    Some(Rejection {
        reason_codes: r.string_list(&obj, "reasonCodes"),
        recycle_to: r.string(&obj, "recycleTo", true).unwrap_or_default(),
        after_ms: duration(r, &obj, "after", false).unwrap_or(0),
    })
}

/// Reads the root `calendar`, if present.
pub(super) fn read_calendar(r: &mut Reader, root: &Object<'_>) -> Option<Calendar> {
    let node = r.field(root, "calendar", false)?;
    let fields = [
        "utcOffset",
        "workingDays",
        "workStart",
        "workEnd",
        "holidays",
    ];
    let base = pointer_push(&root.path, "calendar");
    let obj = r.object(node, &base, "a business calendar", &fields)?;
    let mut clock = |key: &str, default: u32| -> u32 {
        let Some(text) = r.string(&obj, key, false) else {
            return default;
        };
        parse_clock(&text).unwrap_or_else(|| {
            r.error(
                Code::InvalidValue,
                &pointer_push(&base, key),
                None,
                format!("\"{text}\" is not a time of day such as \"09:00\""),
            );
            default
        })
    };
    let work_start_minute = clock("workStart", 9 * 60);
    let work_end_minute = clock("workEnd", 17 * 60);
    let utc_offset_minutes = match r.string(&obj, "utcOffset", false) {
        None => 0,
        Some(text) => parse_offset(&text).unwrap_or_else(|| {
            r.error(
                Code::InvalidValue,
                &pointer_push(&base, "utcOffset"),
                None,
                format!("\"{text}\" is not a UTC offset such as \"+01:00\" or \"-05:00\""),
            );
            0
        }),
    };
    let working_days = match r.field(&obj, "workingDays", false) {
        None => WEEKDAYS.iter().take(5).map(|d| d.to_string()).collect(),
        Some(_) => r.string_list(&obj, "workingDays"),
    };
    let holidays = r
        .array(&obj, "holidays", false)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(path, item)| {
            let text = r.string_item(&path, item)?;
            let date = parse_date(&text);
            if date.is_none() {
                r.error(
                    Code::InvalidValue,
                    &path,
                    None,
                    format!("\"{text}\" is not a calendar date in the form YYYY-MM-DD"),
                );
            }
            date
        })
        .collect();
    Some(Calendar {
        utc_offset_minutes,
        working_days,
        work_start_minute,
        work_end_minute,
        holidays,
    })
}

fn error(out: &mut Vec<Finding>, code: Code, path: String, message: impl Into<String>) {
    out.push((Diagnostic::error(code, path, message), None));
}

/// A reference from stage `i` to an earlier stage: reports unknown and not-earlier targets.
fn earlier_stage(out: &mut Vec<Finding>, stages: &[Stage], i: usize, target: &str, path: String) {
    match stages.iter().position(|s| s.id == target) {
        Some(t) if t < i => {}
        Some(_) => error(
            out,
            Code::InvalidValue,
            path,
            format!("\"{target}\" is not an earlier stage; this moves an account back"),
        ),
        None => {
            let ids: Vec<&str> = stages.iter().map(|s| s.id.as_str()).collect();
            let hint = did_you_mean(target, &ids);
            error(
                out,
                Code::UnknownStage,
                path,
                format!("no stage has id \"{target}\"{hint}"),
            );
        }
    }
}

/// Checks stage `i`'s SLA, rejection and regressions.
pub(super) fn check_stage(out: &mut Vec<Finding>, def: &Definition, i: usize) {
    let stages = &def.stages;
    let Some(stage) = stages.get(i) else { return };
    let base = format!("/stages/{i}");
    for (j, target) in stage.regress_to.iter().enumerate() {
        let path = format!("{base}/regressTo/{j}");
        if stage.regress_to.iter().take(j).any(|t| t == target) {
            error(
                out,
                Code::InvalidValue,
                path,
                format!("\"{target}\" is listed twice"),
            );
        } else {
            earlier_stage(out, stages, i, target, path);
        }
    }
    if let Some(sla) = &stage.sla {
        for (value, field) in [(&sla.id, "id"), (&sla.owner, "owner")] {
            if value.trim().is_empty() {
                error(
                    out,
                    Code::InvalidValue,
                    format!("{base}/sla/{field}"),
                    "must not be empty",
                );
            }
        }
        if sla
            .on_breach
            .as_ref()
            .is_some_and(|b| b.action == DwellAction::StageDowngrade)
        {
            error(
                out,
                Code::InvalidValue,
                format!("{base}/sla/onBreach/action"),
                "an SLA breach cannot downgrade (it has no target); use re-engagement or \
                 manager-review",
            );
        }
        if sla.within_ms <= 0 || sla.within_ms > MAX_SLA_MS {
            error(
                out,
                Code::InvalidValue,
                format!("{base}/sla/within"),
                format!(
                    "an SLA must be more than zero and at most 365d, not {}",
                    format_duration(sla.within_ms)
                ),
            );
        }
        super::behaviour::check_criterion(out, &sla.until, format!("{base}/sla/until"));
        if sla.business_hours && def.calendar.is_none() {
            out.push((
                Diagnostic::warning(
                    Code::MissingField,
                    "/calendar",
                    format!(
                        "the SLA of stage \"{}\" counts business hours but the definition has no \
                         calendar: Monday to Friday, 09:00 to 17:00 UTC is assumed",
                        stage.id
                    ),
                ),
                None,
            ));
        }
    }
    if let Some(rejection) = &stage.rejection {
        let path = format!("{base}/rejection");
        if rejection.reason_codes.is_empty() {
            error(
                out,
                Code::InvalidValue,
                format!("{path}/reasonCodes"),
                "a rejection needs at least one reason code",
            );
        }
        let mut seen = std::collections::BTreeSet::new();
        for (j, code) in rejection.reason_codes.iter().enumerate() {
            if code.trim().is_empty() {
                error(
                    out,
                    Code::InvalidValue,
                    format!("{path}/reasonCodes/{j}"),
                    "must not be empty",
                );
            } else if !seen.insert(code.as_str()) {
                error(
                    out,
                    Code::InvalidValue,
                    format!("{path}/reasonCodes/{j}"),
                    format!("reason code \"{code}\" is listed twice"),
                );
            }
        }
        earlier_stage(
            out,
            stages,
            i,
            &rejection.recycle_to,
            format!("{path}/recycleTo"),
        );
        if !(0..=MAX_DWELL_MS).contains(&rejection.after_ms) {
            error(
                out,
                Code::InvalidValue,
                format!("{path}/after"),
                "the recycle delay must be from 0s to 3650d",
            );
        }
    }
}

/// Checks the calendar.
pub(super) fn check_calendar(out: &mut Vec<Finding>, calendar: &Calendar) {
    if calendar.working_days.is_empty() {
        error(
            out,
            Code::InvalidValue,
            "/calendar/workingDays".into(),
            "a calendar needs at least one working day",
        );
    }
    let mut seen_days = std::collections::BTreeSet::new();
    for (j, day) in calendar.working_days.iter().enumerate() {
        let path = format!("/calendar/workingDays/{j}");
        if !WEEKDAYS.contains(&day.as_str()) {
            let hint = did_you_mean(day, &WEEKDAYS);
            error(
                out,
                Code::InvalidValue,
                path,
                format!("\"{day}\" is not a weekday (mon, tue, wed, thu, fri, sat, sun){hint}"),
            );
        } else if !seen_days.insert(day.as_str()) {
            error(
                out,
                Code::InvalidValue,
                path,
                format!("\"{day}\" is listed twice"),
            );
        }
    }
    if calendar.work_start_minute >= calendar.work_end_minute {
        error(
            out,
            Code::InvalidValue,
            "/calendar/workEnd".into(),
            "the working day must end after it starts",
        );
    }
    let mut seen_holidays = std::collections::BTreeSet::new();
    for (j, day) in calendar.holidays.iter().enumerate() {
        if !seen_holidays.insert(*day) {
            error(
                out,
                Code::InvalidValue,
                format!("/calendar/holidays/{j}"),
                format!("holiday {} is listed twice", format_date(*day)),
            );
        }
    }
}

impl Calendar {
    /// Working days in week order and holidays sorted, each once: the same calendar always
    /// has the same canonical form.
    pub(super) fn normalize(&mut self) {
        crate::sort::sort_by_key(&mut self.working_days, |d| {
            WEEKDAYS.iter().position(|w| w == d)
        });
        self.working_days.dedup();
        crate::sort::sort_by_key(&mut self.holidays, |d| *d);
        self.holidays.dedup();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_order_does_not_change_the_hash() {
        let with = |days: &str, holidays: &str| {
            let text = format!(
                r#"{{"id": "j", "name": "J", "version": "1",
                    "calendar": {{"workingDays": {days}, "holidays": {holidays}}},
                    "stages": [{{"id": "a", "name": "A", "kind": "pre-sale"}}]}}"#
            );
            Definition::from_json(&text).0.unwrap()
        };
        let a = with(
            r#"["fri", "mon", "wed"]"#,
            r#"["2026-12-25", "2026-01-01"]"#,
        );
        let b = with(
            r#"["mon", "wed", "fri"]"#,
            r#"["2026-01-01", "2026-12-25"]"#,
        );
        assert_eq!(a.content_hash(), b.content_hash());
        assert_eq!(a.calendar.unwrap().working_days, ["mon", "wed", "fri"]);
    }

    #[test]
    fn clocks_and_offsets() {
        assert_eq!(parse_clock("09:30"), Some(570));
        assert_eq!(parse_clock("24:00"), Some(1440));
        for bad in ["9:30", "24:01", "12:60", "ab:cd", "12-00", ""] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
        assert_eq!(parse_offset("+01:00"), Some(60));
        assert_eq!(parse_offset("-05:30"), Some(-330));
        for bad in ["01:00", "+15:00", "+1:00", "Z"] {
            assert_eq!(parse_offset(bad), None, "{bad}");
        }
    }
}
