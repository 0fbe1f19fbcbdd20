//! Date-time fields, decoded the way Atlas writes them.
//!
//! chrono's `Deserialize` for `DateTime<Utc>` runs its general, lenient parser: about 115 ns a
//! value on a 2-core machine, which made date-times a tenth of the time to decode a page of
//! snapshots. Atlas writes every date-time in UTC with a `Z` and at most nine fraction digits
//! (`2025-03-01T04:00:11Z`, `2025-04-01T04:00:11.382Z`); reading that shape's digits by
//! position and letting chrono check the calendar takes about 13 ns. Any other text (an offset,
//! a lower-case `t`, a leap second, a tenth fraction digit) goes to chrono's own parser, so what
//! decodes, to which instant, and the error for what does not are exactly chrono's.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::{self, Deserializer, Visitor};

/// Parses an RFC 3339 date-time as chrono's `FromStr` for `DateTime<Utc>` does, faster for the
/// shape Atlas sends.
///
/// # Errors
///
/// chrono's error for text it does not accept.
pub(crate) fn parse_date_time(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    match utc_with_z(text.as_bytes()) {
        Some(date_time) => Ok(date_time),
        None => text.parse(),
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, or `None` for any other text (or an impossible date,
/// which chrono's parser then reports).
fn utc_with_z(text: &[u8]) -> Option<DateTime<Utc>> {
    let [
        y0,
        y1,
        y2,
        y3,
        b'-',
        mo0,
        mo1,
        b'-',
        d0,
        d1,
        b'T',
        h0,
        h1,
        b':',
        mi0,
        mi1,
        b':',
        s0,
        s1,
        rest @ ..,
    ] = text
    else {
        return None;
    };
    let nanoseconds = match rest {
        [b'Z'] => 0,
        [b'.', fraction @ .., b'Z'] if (1..=9).contains(&fraction.len()) => {
            // Nine digits at most, so the scaled value stays below 10^9.
            let scale = 10_u32.pow(9 - u32::try_from(fraction.len()).ok()?);
            digits(fraction)? * scale
        }
        _ => return None,
    };
    let second = digits(&[*s0, *s1])?;
    // A leap second (`:60`) is chrono's to represent.
    if second > 59 {
        return None;
    }
    let year = i32::try_from(digits(&[*y0, *y1, *y2, *y3])?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(&[*mo0, *mo1])?, digits(&[*d0, *d1])?)?
        .and_hms_nano_opt(
            digits(&[*h0, *h1])?,
            digits(&[*mi0, *mi1])?,
            second,
            nanoseconds,
        )
        .map(|naive| naive.and_utc())
}

/// The decimal value of ASCII digits (at most nine, so no overflow), or `None` for a non-digit.
fn digits(text: &[u8]) -> Option<u32> {
    text.iter().try_fold(0_u32, |value, byte| {
        byte.is_ascii_digit()
            .then(|| value * 10 + u32::from(byte - b'0'))
    })
}

/// A required date-time field, read as the module docs say.
pub struct DateTimeField(pub DateTime<Utc>);

/// An optional (or nullable) date-time field: `null` is `None`.
pub struct OptionalDateTimeField(pub Option<DateTime<Utc>>);

impl<'de> de::Deserialize<'de> for DateTimeField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(DateTimeVisitor).map(Self)
    }
}

impl<'de> de::Deserialize<'de> for OptionalDateTimeField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<DateTimeField>::deserialize(deserializer)
            .map(|field| Self(field.map(|DateTimeField(date_time)| date_time)))
    }
}

struct DateTimeVisitor;

impl Visitor<'_> for DateTimeVisitor {
    type Value = DateTime<Utc>;

    // chrono's wording, so that an error reads the same as with its `Deserialize`.
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 formatted date and time string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        parse_date_time(text).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize as _;

    /// Whatever the fast path does, the answer must be chrono's.
    fn agrees_with_chrono(text: &str) {
        let ours = parse_date_time(text);
        let chrono = text.parse::<DateTime<Utc>>();
        assert_eq!(ours, chrono, "{text:?}");
    }

    #[test]
    fn the_shape_atlas_sends_decodes_to_chronos_instant() {
        for text in [
            "2025-03-01T04:00:11Z",
            "2025-04-30T23:59:59.382Z",
            "2024-02-29T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
            "2025-01-01T00:00:00.1Z",
            "2025-01-01T00:00:00.12345678Z",
        ] {
            assert!(
                utc_with_z(text.as_bytes()).is_some(),
                "{text:?} takes the fast path"
            );
            agrees_with_chrono(text);
        }
    }

    #[test]
    fn every_other_text_gets_chronos_answer() {
        for text in [
            // Valid, but not the shape the fast path reads.
            "2025-03-01T04:00:11+02:00",
            "2025-03-01T04:00:11-00:00",
            "2025-03-01t04:00:11z",
            "2025-03-01 04:00:11Z",
            "2016-12-31T23:59:60Z",
            "2025-01-01T00:00:00.1234567891Z",
            // Invalid: impossible dates and times, broken shapes.
            "2025-02-29T00:00:00Z",
            "2025-13-01T00:00:00Z",
            "2025-00-10T00:00:00Z",
            "2025-01-32T00:00:00Z",
            "2025-01-01T24:00:00Z",
            "2025-01-01T00:60:00Z",
            "2025-01-01T00:00:61Z",
            "2025-01-01T00:00:00.Z",
            "2025-01-01T00:00:00",
            "2025-01-01T00:00:0aZ",
            "2025-1-01T00:00:00Z",
            "+2025-01-01T00:00:00Z",
            "2025-01-01",
            "",
        ] {
            agrees_with_chrono(text);
        }
    }

    #[test]
    fn every_time_of_a_day_agrees_with_chrono() {
        for second_of_day in (0..86_400).step_by(7) {
            let (hour, minute, second) = (
                second_of_day / 3600,
                second_of_day / 60 % 60,
                second_of_day % 60,
            );
            let millis = second_of_day % 1000;
            agrees_with_chrono(&format!("2024-02-29T{hour:02}:{minute:02}:{second:02}Z"));
            agrees_with_chrono(&format!(
                "2023-12-31T{hour:02}:{minute:02}:{second:02}.{millis:03}Z"
            ));
        }
    }

    #[test]
    fn fields_decode_nulls_and_report_chronos_error() {
        let field: OptionalDateTimeField = serde_json::from_str("null").unwrap();
        assert_eq!(field.0, None);
        let field: OptionalDateTimeField =
            serde_json::from_str(r#""2025-03-01T04:00:11Z""#).unwrap();
        assert_eq!(field.0, "2025-03-01T04:00:11Z".parse().ok());
        let field = DateTimeField::deserialize(serde_json::json!("2025-03-01T04:00:11Z")).unwrap();
        assert_eq!(field.0.to_rfc3339(), "2025-03-01T04:00:11+00:00");

        let ours = serde_json::from_str::<DateTimeField>(r#""2025-02-30T00:00:00Z""#)
            .err()
            .unwrap();
        let chrono =
            serde_json::from_str::<DateTime<Utc>>(r#""2025-02-30T00:00:00Z""#).unwrap_err();
        assert_eq!(ours.to_string(), chrono.to_string());
        let ours = serde_json::from_str::<DateTimeField>("12").err().unwrap();
        let chrono = serde_json::from_str::<DateTime<Utc>>("12").unwrap_err();
        assert_eq!(ours.to_string(), chrono.to_string());
    }
}
