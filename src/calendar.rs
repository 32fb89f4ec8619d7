//! Business-hours arithmetic for SLAs: when a deadline of so many working hours falls, and how
//! much working time lies between two instants, over a [`Calendar`]. Instants are milliseconds
//! since the Unix epoch, UTC.
//!
//! Working time is local time (UTC plus the calendar's fixed offset) on a working weekday that is
//! not a holiday (holidays are local dates), from the start of the working day (included) to its
//! end (excluded). Answers are computed from whole weeks and the holiday list, never by walking
//! days or minutes, so a deadline a year away costs the same as one an hour away, and no `i64`
//! input makes anything panic.
//!
//! It does not own reading or validating a calendar ([`crate::definition`] does), deciding when
//! an SLA is met or breached, or daylight-saving time (a calendar has one fixed offset).

use std::sync::LazyLock;

use chrono::Datelike;

use crate::definition::Calendar;
use crate::expr::{MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS};

const MINUTE_MS: i128 = 60_000;
const DAY_MS: i128 = 86_400_000;
const DAY_MINUTES: u32 = 24 * 60;
/// chrono's day number (days from the common era) of 1970-01-01, day 0 here.
const EPOCH_DAYS_FROM_CE: i128 = 719_163;
/// 1970-01-01 was a Thursday: day `d` is weekday `(d + 3) mod 7`, Monday being 0.
const EPOCH_WEEKDAY: i128 = 3;
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

static DEFAULT_CALENDAR: LazyLock<Calendar> = LazyLock::new(default_calendar);

/// The calendar an SLA in business hours uses when the definition has none: Monday to Friday,
/// 09:00–17:00 UTC, no holidays.
///
/// ```
/// let calendar = account_journey::calendar::default_calendar();
/// assert_eq!(calendar.working_days, ["mon", "tue", "wed", "thu", "fri"]);
/// assert_eq!((calendar.work_start_minute, calendar.work_end_minute), (9 * 60, 17 * 60));
/// ```
pub fn default_calendar() -> Calendar {
    Calendar {
        utc_offset_minutes: 0,
        working_days: WEEKDAYS.iter().take(5).map(|d| d.to_string()).collect(),
        work_start_minute: 9 * 60,
        work_end_minute: 17 * 60,
        holidays: Vec::new(),
    }
}

/// The instant at which `duration_ms` of working time has elapsed, counting from `start_ms`
/// (from the next working period's start when `start_ms` is outside working time).
///
/// The answer is the earliest such instant, so a duration that uses up a working day exactly ends
/// at that day's close, not at the next day's opening: 8 hours from Monday 09:00 on a 09:00–17:00
/// calendar is Monday 17:00. A zero duration returns `start_ms` itself, even outside working
/// time.
///
/// Returns `None` when the calendar has no working time (no recognised working day, or a working
/// day that does not end after it starts — validation rejects both), when `duration_ms` is
/// negative, or when `start_ms` or the answer lies outside the engine's timestamp range
/// (0000-01-01 to 9999-12-31, [`crate::expr::MIN_TIMESTAMP_MS`] to
/// [`crate::expr::MAX_TIMESTAMP_MS`]).
///
/// ```
/// use account_journey::calendar::{add_business_time, default_calendar};
///
/// // Friday 2025-01-10 16:00 UTC plus two business hours: one on Friday, one on Monday.
/// let friday_4pm = 1_736_524_800_000;
/// let monday_10am = 1_736_762_400_000;
/// let deadline = add_business_time(&default_calendar(), friday_4pm, 2 * 3_600_000);
/// assert_eq!(deadline, Some(monday_10am));
/// ```
pub fn add_business_time(calendar: &Calendar, start_ms: i64, duration_ms: i64) -> Option<i64> {
    let hours = WorkingHours::new(calendar)?;
    if duration_ms < 0 || !in_timestamp_range(start_ms) {
        return None;
    }
    if duration_ms == 0 {
        return Some(start_ms);
    }
    let start = i128::from(start_ms) + hours.offset_ms;
    let end = hours.add(start, i128::from(duration_ms)) - hours.offset_ms;
    i64::try_from(end)
        .ok()
        .filter(|end| in_timestamp_range(*end))
}

/// The working milliseconds in `[from_ms, to_ms)`: 0 when `to_ms <= from_ms` or when the
/// calendar has no working time. Defined for every `i64` pair; an answer beyond `i64::MAX`
/// (only possible on a calendar working round the clock) saturates.
///
/// For every duration `d >= 0` that [`add_business_time`] answers,
/// `business_time_between(c, s, add_business_time(c, s, d)?) == d`.
///
/// ```
/// use account_journey::calendar::{business_time_between, default_calendar};
///
/// // Friday 2025-01-10 16:00 UTC to Monday 2025-01-13 10:00 UTC: two business hours.
/// let between = business_time_between(&default_calendar(), 1_736_524_800_000, 1_736_762_400_000);
/// assert_eq!(between, 2 * 3_600_000);
/// ```
pub fn business_time_between(calendar: &Calendar, from_ms: i64, to_ms: i64) -> i64 {
    let Some(hours) = WorkingHours::new(calendar) else {
        return 0;
    };
    let working = hours.working_ms(
        i128::from(from_ms) + hours.offset_ms,
        i128::from(to_ms) + hours.offset_ms,
    );
    i64::try_from(working).unwrap_or(i64::MAX)
}

/// An SLA's deadline: `start_ms + duration_ms` in plain time when `business_hours` is false,
/// otherwise [`add_business_time`] on `calendar`, or on [`default_calendar`] when there is none.
///
/// Returns `None` when the sum overflows or leaves the engine's timestamp range (in either mode),
/// and in the cases [`add_business_time`] lists. A negative duration is subtracted in plain time
/// and refused in business time.
///
/// ```
/// use account_journey::calendar::add_time;
///
/// let friday_4pm = 1_736_524_800_000;
/// let hour = 3_600_000;
/// assert_eq!(add_time(None, false, friday_4pm, 2 * hour), Some(friday_4pm + 2 * hour));
/// assert_eq!(add_time(None, true, friday_4pm, 2 * hour), Some(1_736_762_400_000));
/// ```
pub fn add_time(
    calendar: Option<&Calendar>,
    business_hours: bool,
    start_ms: i64,
    duration_ms: i64,
) -> Option<i64> {
    if !business_hours {
        return start_ms
            .checked_add(duration_ms)
            .filter(|end| in_timestamp_range(start_ms) && in_timestamp_range(*end));
    }
    add_business_time(calendar.unwrap_or(&DEFAULT_CALENDAR), start_ms, duration_ms)
}

fn in_timestamp_range(ms: i64) -> bool {
    (MIN_TIMESTAMP_MS..=MAX_TIMESTAMP_MS).contains(&ms)
}

/// A calendar prepared for arithmetic. Days are numbered in local time from 1970-01-01 (day 0);
/// everything is `i128`, in which no sum or product of `i64`-derived values here can overflow.
struct WorkingHours {
    offset_ms: i128,
    /// The working window of a day, milliseconds after local midnight: `open_ms < close_ms`.
    open_ms: i128,
    close_ms: i128,
    /// Bit `i` is set when weekday `i` (Monday = 0) is a working day.
    weekday_mask: u8,
    /// Working weekdays per week, at least 1.
    per_week: i128,
    /// Holidays that fall on working weekdays, as day numbers, sorted, each once (`i64`: the
    /// sort is the one the crate already has for `i64`, which keeps the .wasm smaller).
    holidays: Vec<i64>,
}

impl WorkingHours {
    /// `None` when the calendar has no working time at all.
    fn new(calendar: &Calendar) -> Option<WorkingHours> {
        let weekday_mask = calendar
            .working_days
            .iter()
            .filter_map(|day| WEEKDAYS.iter().position(|w| w == day))
            .fold(0_u8, |mask, i| mask | (1 << i));
        let open_ms = i128::from(calendar.work_start_minute) * MINUTE_MS;
        let close_ms = i128::from(calendar.work_end_minute.min(DAY_MINUTES)) * MINUTE_MS;
        if weekday_mask == 0 || open_ms >= close_ms {
            return None;
        }
        let mut hours = WorkingHours {
            offset_ms: i128::from(calendar.utc_offset_minutes) * MINUTE_MS,
            open_ms,
            close_ms,
            weekday_mask,
            per_week: i128::from(weekday_mask.count_ones()),
            holidays: Vec::new(),
        };
        let mut holidays: Vec<i64> = calendar
            .holidays
            .iter()
            .map(|date| i64::from(date.num_days_from_ce()) - EPOCH_DAYS_FROM_CE as i64)
            .filter(|day| hours.is_working_weekday(i128::from(*day)))
            .collect();
        holidays.sort_unstable();
        holidays.dedup();
        hours.holidays = holidays;
        Some(hours)
    }

    fn day_ms(&self) -> i128 {
        self.close_ms - self.open_ms
    }

    fn is_working_weekday(&self, day: i128) -> bool {
        let weekday = (day + EPOCH_WEEKDAY).rem_euclid(7);
        (self.weekday_mask >> weekday) & 1 == 1
    }

    fn is_working_day(&self, day: i128) -> bool {
        self.is_working_weekday(day)
            && i64::try_from(day).map_or(true, |day| self.holidays.binary_search(&day).is_err())
    }

    /// Working days in `[from_day, to_day)`: whole weeks by multiplication, at most six more
    /// days one by one, less the holidays in the range.
    fn working_days_in(&self, from_day: i128, to_day: i128) -> i128 {
        let span = to_day - from_day;
        if span <= 0 {
            return 0;
        }
        let weeks = span / 7;
        let mut count = weeks * self.per_week;
        for day in from_day + weeks * 7..to_day {
            if self.is_working_weekday(day) {
                count += 1;
            }
        }
        let first = self.holidays.partition_point(|h| i128::from(*h) < from_day);
        let end = self.holidays.partition_point(|h| i128::from(*h) < to_day);
        count - i128::try_from(end.saturating_sub(first)).unwrap_or(0)
    }

    /// Working milliseconds of `day` within `[from, to)` (milliseconds after its midnight).
    fn working_ms_of_day(&self, day: i128, from: i128, to: i128) -> i128 {
        if !self.is_working_day(day) {
            return 0;
        }
        (to.min(self.close_ms) - from.max(self.open_ms)).max(0)
    }

    /// Working milliseconds in `[from, to)`, both local.
    fn working_ms(&self, from: i128, to: i128) -> i128 {
        if to <= from {
            return 0;
        }
        let (from_day, to_day) = (from.div_euclid(DAY_MS), to.div_euclid(DAY_MS));
        let (from_in_day, to_in_day) = (from.rem_euclid(DAY_MS), to.rem_euclid(DAY_MS));
        if from_day == to_day {
            return self.working_ms_of_day(from_day, from_in_day, to_in_day);
        }
        self.working_ms_of_day(from_day, from_in_day, DAY_MS)
            + self.working_days_in(from_day + 1, to_day) * self.day_ms()
            + self.working_ms_of_day(to_day, 0, to_in_day)
    }

    /// The earliest local instant by which `duration > 0` of working time has elapsed from the
    /// local instant `start`.
    fn add(&self, start: i128, duration: i128) -> i128 {
        let day = start.div_euclid(DAY_MS);
        let in_day = start.rem_euclid(DAY_MS);
        let mut rest = duration;
        if self.is_working_day(day) && in_day < self.close_ms {
            let begin = in_day.max(self.open_ms);
            let left = self.close_ms - begin;
            if rest <= left {
                return day * DAY_MS + begin + rest;
            }
            rest -= left;
        }
        // `rest > 0` ends on the n-th working day after `day`, `last` into its window, where
        // `0 < last <= day_ms`: a remainder that fills whole days ends at the last one's close.
        let per_day = self.day_ms();
        let n = (rest + per_day - 1) / per_day;
        let last = rest - (n - 1) * per_day;
        self.nth_working_day_after(day, n) * DAY_MS + self.open_ms + last
    }

    /// The `n`-th (`n >= 1`) working day after `day`, by bisection over the day count.
    fn nth_working_day_after(&self, day: i128, n: i128) -> i128 {
        // Each holiday removes at most one working day, and every 7 days hold `per_week` working
        // weekdays, so `weeks` whole weeks hold more than `n` working days.
        // A `usize` always fits in an `i128`; the fallback is unreachable.
        let holidays = i128::try_from(self.holidays.len()).unwrap_or(i128::MAX / 4);
        let weeks = (n + holidays) / self.per_week + 1;
        let (mut low, mut high) = (day + 1, day + 7 * weeks);
        while low < high {
            let mid = low + (high - low) / 2;
            if self.working_days_in(day + 1, mid + 1) >= n {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        low
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::{DateTime, NaiveDate};

    use super::*;
    use crate::definition::MAX_SLA_MS;
    use crate::expr::data::parse_timestamp;

    const HOUR: i64 = 3_600_000;
    const DAY: i64 = 24 * HOUR;

    fn at(text: &str) -> i64 {
        parse_timestamp(text).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn with_holidays(holidays: &[NaiveDate]) -> Calendar {
        Calendar {
            holidays: holidays.to_vec(),
            ..default_calendar()
        }
    }

    #[test]
    fn friday_afternoon_rolls_over_the_weekend() {
        let calendar = default_calendar();
        let start = at("2025-01-10T16:00:00Z");
        assert_eq!(
            add_business_time(&calendar, start, 2 * HOUR),
            Some(at("2025-01-13T10:00:00Z"))
        );
        assert_eq!(
            business_time_between(&calendar, start, at("2025-01-13T10:00:00Z")),
            2 * HOUR
        );
    }

    #[test]
    fn a_48_hour_sla_across_christmas() {
        // Wednesday 2025-12-24 10:00: 7 h that day, then six more 8-hour days' worth.
        let start = at("2025-12-24T10:00:00Z");
        let sla = 48 * HOUR;
        let none = default_calendar();
        assert_eq!(
            add_business_time(&none, start, sla),
            Some(at("2026-01-01T10:00:00Z"))
        );
        let christmas = with_holidays(&[date(2025, 12, 25)]);
        assert_eq!(
            add_business_time(&christmas, start, sla),
            Some(at("2026-01-02T10:00:00Z"))
        );
        let and_new_year = with_holidays(&[date(2025, 12, 25), date(2026, 1, 1)]);
        let deadline = add_business_time(&and_new_year, start, sla);
        assert_eq!(deadline, Some(at("2026-01-05T10:00:00Z")));
        assert_eq!(
            business_time_between(&and_new_year, start, deadline.unwrap()),
            sla
        );
    }

    #[test]
    fn a_start_on_saturday_counts_from_monday_opening() {
        let calendar = default_calendar();
        let saturday = at("2025-01-04T12:00:00Z");
        assert_eq!(
            add_business_time(&calendar, saturday, HOUR),
            Some(at("2025-01-06T10:00:00Z"))
        );
        assert_eq!(
            business_time_between(&calendar, saturday, at("2025-01-06T09:00:00Z")),
            0
        );
    }

    #[test]
    fn a_negative_offset_counts_in_local_days() {
        let calendar = Calendar {
            utc_offset_minutes: -5 * 60,
            holidays: vec![date(2025, 1, 7)],
            ..default_calendar()
        };
        // Saturday 02:00 UTC is Friday 21:00 in New York: after hours, so Monday 09:00 local.
        assert_eq!(
            add_business_time(&calendar, at("2025-01-04T02:00:00Z"), HOUR),
            Some(at("2025-01-06T10:00:00-05:00"))
        );
        // Tuesday 03:00 UTC is still Monday (22:00) locally; Tuesday is a local holiday.
        assert_eq!(
            add_business_time(&calendar, at("2025-01-07T03:00:00Z"), HOUR),
            Some(at("2025-01-08T15:00:00Z"))
        );
        // Friday 21:00 UTC is Friday 16:00 locally: one working hour left that day.
        assert_eq!(
            add_business_time(&calendar, at("2025-01-03T21:00:00Z"), 2 * HOUR),
            Some(at("2025-01-06T15:00:00Z"))
        );
        // The UTC Monday 2025-01-06 holds local Monday's whole working day (14:00–22:00 UTC).
        assert_eq!(
            business_time_between(
                &calendar,
                at("2025-01-06T00:00:00Z"),
                at("2025-01-07T00:00:00Z")
            ),
            8 * HOUR
        );
    }

    #[test]
    fn a_holiday_on_a_working_day_is_skipped() {
        let calendar = with_holidays(&[date(2025, 1, 7)]);
        let monday_4pm = at("2025-01-06T16:00:00Z");
        assert_eq!(
            add_business_time(&calendar, monday_4pm, 2 * HOUR),
            Some(at("2025-01-08T10:00:00Z"))
        );
        // A start on the holiday itself waits for the next working day.
        assert_eq!(
            add_business_time(&calendar, at("2025-01-07T11:00:00Z"), HOUR),
            Some(at("2025-01-08T10:00:00Z"))
        );
        // A holiday on a weekend changes nothing.
        let weekend = with_holidays(&[date(2025, 1, 11)]);
        assert_eq!(
            add_business_time(&weekend, at("2025-01-10T16:00:00Z"), 2 * HOUR),
            Some(at("2025-01-13T10:00:00Z"))
        );
    }

    #[test]
    fn a_start_at_close_counts_from_the_next_opening() {
        let calendar = default_calendar();
        assert_eq!(
            add_business_time(&calendar, at("2025-01-06T17:00:00Z"), HOUR),
            Some(at("2025-01-07T10:00:00Z"))
        );
        // And a start before opening counts from the opening.
        assert_eq!(
            add_business_time(&calendar, at("2025-01-06T07:30:00Z"), HOUR),
            Some(at("2025-01-06T10:00:00Z"))
        );
    }

    #[test]
    fn whole_working_days_end_at_close() {
        let calendar = default_calendar();
        let monday = at("2025-01-06T09:00:00Z");
        assert_eq!(
            add_business_time(&calendar, monday, 8 * HOUR),
            Some(at("2025-01-06T17:00:00Z"))
        );
        assert_eq!(
            add_business_time(&calendar, monday, 16 * HOUR),
            Some(at("2025-01-07T17:00:00Z"))
        );
        assert_eq!(
            add_business_time(&calendar, monday, 40 * HOUR),
            Some(at("2025-01-10T17:00:00Z"))
        );
        // From closing time, a whole day ends at the next close.
        assert_eq!(
            add_business_time(&calendar, at("2025-01-10T17:00:00Z"), 8 * HOUR),
            Some(at("2025-01-13T17:00:00Z"))
        );
    }

    #[test]
    fn zero_duration_is_the_start() {
        let calendar = default_calendar();
        let saturday = at("2025-01-04T12:00:00Z");
        assert_eq!(add_business_time(&calendar, saturday, 0), Some(saturday));
        assert_eq!(add_business_time(&calendar, saturday, -1), None);
    }

    #[test]
    fn a_year_of_business_time() {
        // 365 days of business time is 1095 working days of 8 h: 219 weeks.
        let monday = at("2025-01-06T09:00:00Z");
        let end = add_business_time(&default_calendar(), monday, MAX_SLA_MS).unwrap();
        assert_eq!(end, monday + 218 * 7 * DAY + 4 * DAY + 8 * HOUR);
        assert_eq!(
            business_time_between(&default_calendar(), monday, end),
            MAX_SLA_MS
        );
    }

    #[test]
    fn no_working_time_is_none() {
        let no_days = Calendar {
            working_days: Vec::new(),
            ..default_calendar()
        };
        let unknown_days = Calendar {
            working_days: vec!["Monday".into(), "xyz".into()],
            ..default_calendar()
        };
        let empty_day = Calendar {
            work_start_minute: 17 * 60,
            work_end_minute: 9 * 60,
            ..default_calendar()
        };
        let start = at("2025-01-06T10:00:00Z");
        for calendar in [no_days, unknown_days, empty_day] {
            assert_eq!(add_business_time(&calendar, start, HOUR), None);
            assert_eq!(add_business_time(&calendar, start, 0), None);
            assert_eq!(business_time_between(&calendar, start, start + DAY), 0);
            assert_eq!(add_time(Some(&calendar), true, start, HOUR), None);
            assert_eq!(
                add_time(Some(&calendar), false, start, HOUR),
                Some(start + HOUR)
            );
        }
    }

    #[test]
    fn add_time_picks_plain_or_business_time() {
        let friday_4pm = at("2025-01-10T16:00:00Z");
        let monday_10am = at("2025-01-13T10:00:00Z");
        assert_eq!(
            add_time(None, false, friday_4pm, 2 * HOUR),
            Some(friday_4pm + 2 * HOUR)
        );
        assert_eq!(
            add_time(None, true, friday_4pm, 2 * HOUR),
            Some(monday_10am)
        );
        let weekends = Calendar {
            working_days: vec!["sat".into(), "sun".into()],
            ..default_calendar()
        };
        assert_eq!(
            add_time(Some(&weekends), true, friday_4pm, 2 * HOUR),
            Some(at("2025-01-11T11:00:00Z"))
        );
        assert_eq!(
            add_time(None, false, friday_4pm, -HOUR),
            Some(friday_4pm - HOUR)
        );
        assert_eq!(add_time(None, false, i64::MAX, 1), None);
        assert_eq!(add_time(None, false, MAX_TIMESTAMP_MS, 1), None);
    }

    #[test]
    fn unsorted_and_repeated_holidays_read_like_sorted_ones() {
        let sorted = with_holidays(&[date(2025, 1, 7), date(2025, 1, 9)]);
        let unsorted = with_holidays(&[date(2025, 1, 9), date(2025, 1, 7), date(2025, 1, 9)]);
        let start = at("2025-01-06T12:00:00Z");
        for hours in 1..40 {
            assert_eq!(
                add_business_time(&sorted, start, hours * HOUR),
                add_business_time(&unsorted, start, hours * HOUR)
            );
        }
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        let values = [
            i64::MIN,
            i64::MIN + 1,
            MIN_TIMESTAMP_MS - 1,
            MIN_TIMESTAMP_MS,
            -1,
            0,
            1,
            MAX_SLA_MS,
            MAX_TIMESTAMP_MS,
            MAX_TIMESTAMP_MS + 1,
            i64::MAX - 1,
            i64::MAX,
        ];
        let all_days: Vec<String> = WEEKDAYS.iter().map(|d| d.to_string()).collect();
        let calendars = [
            default_calendar(),
            Calendar {
                utc_offset_minutes: 14 * 60,
                working_days: all_days.clone(),
                work_start_minute: 0,
                work_end_minute: DAY_MINUTES,
                holidays: vec![NaiveDate::MIN, NaiveDate::MAX],
            },
            Calendar {
                utc_offset_minutes: i32::MIN,
                working_days: vec!["sun".into()],
                work_start_minute: 0,
                work_end_minute: u32::MAX,
                holidays: vec![date(2025, 1, 5)],
            },
            Calendar {
                utc_offset_minutes: i32::MAX,
                working_days: all_days,
                work_start_minute: u32::MAX,
                work_end_minute: u32::MAX,
                holidays: Vec::new(),
            },
        ];
        for calendar in &calendars {
            for a in values {
                for b in values {
                    let _ = add_business_time(calendar, a, b);
                    let _ = business_time_between(calendar, a, b);
                    let _ = add_time(Some(calendar), true, a, b);
                    let _ = add_time(Some(calendar), false, a, b);
                }
            }
        }
        let round_the_clock = calendars.get(1).unwrap();
        assert_eq!(
            business_time_between(round_the_clock, i64::MIN, i64::MAX),
            i64::MAX
        );
        assert_eq!(
            add_business_time(&default_calendar(), MAX_TIMESTAMP_MS - HOUR, 2 * HOUR),
            None
        );
        assert_eq!(add_business_time(&default_calendar(), i64::MIN, HOUR), None);
    }

    /// A small deterministic pseudo-random source (Knuth's MMIX LCG).
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn calendar(&mut self) -> Calendar {
            let mut working_days: Vec<String> = WEEKDAYS
                .iter()
                .filter(|_| self.below(3) > 0)
                .map(|d| d.to_string())
                .collect();
            if working_days.is_empty() {
                working_days.push("wed".into());
            }
            let start = u32::try_from(self.below(u64::from(DAY_MINUTES))).unwrap();
            let end =
                start + 1 + u32::try_from(self.below(u64::from(DAY_MINUTES - start))).unwrap();
            let holidays = (0..self.below(12))
                .map(|_| date(2024, 1, 1) + chrono::Days::new(self.below(3 * 366)))
                .collect();
            Calendar {
                utc_offset_minutes: i32::try_from(self.below(113)).unwrap() * 15 - 14 * 60,
                working_days,
                work_start_minute: start,
                work_end_minute: end,
                holidays,
            }
        }

        /// An instant in 2024-06-01 .. 2025-06-01, on a minute boundary half the time.
        fn instant(&mut self) -> i64 {
            let ms = i64::try_from(self.below(365 * 86_400_000)).unwrap();
            let ms = if self.below(2) == 0 {
                ms / 60_000 * 60_000
            } else {
                ms
            };
            at("2024-06-01T00:00:00Z") + ms
        }
    }

    /// Working time in `[from, to)` walked day by day with chrono's dates and weekdays.
    fn walked_between(calendar: &Calendar, from: i64, to: i64) -> i64 {
        let offset = i64::from(calendar.utc_offset_minutes) * 60_000;
        let (from, to) = (from + offset, to + offset);
        let mut total = 0;
        let mut midnight = from.div_euclid(DAY) * DAY;
        while midnight < to {
            let day = DateTime::from_timestamp_millis(midnight)
                .unwrap()
                .date_naive();
            let name = WEEKDAYS
                .get(day.weekday().num_days_from_monday() as usize)
                .unwrap();
            if calendar.working_days.iter().any(|d| d == name) && !calendar.holidays.contains(&day)
            {
                let open = midnight + i64::from(calendar.work_start_minute) * 60_000;
                let close = midnight + i64::from(calendar.work_end_minute) * 60_000;
                total += (close.min(to) - open.max(from)).max(0);
            }
            midnight += DAY;
        }
        total
    }

    #[test]
    fn between_matches_a_day_by_day_walk() {
        let mut random = Lcg(7);
        for _ in 0..2000 {
            let calendar = random.calendar();
            let from = random.instant();
            let to = from + i64::try_from(random.below(40 * 86_400_000)).unwrap();
            assert_eq!(
                business_time_between(&calendar, from, to),
                walked_between(&calendar, from, to),
                "{calendar:?} {from} {to}"
            );
            assert_eq!(business_time_between(&calendar, to, from), 0);
        }
    }

    #[test]
    fn add_is_the_earliest_inverse_of_between() {
        let mut random = Lcg(11);
        for i in 0..3000 {
            let calendar = if i % 3 == 0 {
                default_calendar()
            } else {
                random.calendar()
            };
            let start = random.instant();
            let duration = match random.below(4) {
                0 => 0,
                1 => i64::try_from(random.below(600)).unwrap() * 60_000,
                2 => i64::try_from(random.below(30 * 86_400_000)).unwrap(),
                _ => i64::try_from(random.below(MAX_SLA_MS as u64 + 1)).unwrap(),
            };
            let end = add_business_time(&calendar, start, duration).unwrap();
            assert!(end >= start);
            assert_eq!(
                business_time_between(&calendar, start, end),
                duration,
                "{calendar:?} {start} {duration}"
            );
            if duration > 0 {
                assert_eq!(
                    business_time_between(&calendar, start, end - 1),
                    duration - 1,
                    "{calendar:?} {start} {duration}"
                );
            }
        }
    }
}
