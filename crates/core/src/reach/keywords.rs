//! Subscription-message keyword values and their rules (`open-api.md` §3): a keyword's
//! name is its rule plus an index (`thing1`, `number02`, `character_string3`), and every
//! value sent must satisfy its rule, or the send fails with 47003 naming the field.

/// A keyword rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    Thing,
    Number,
    Letter,
    Symbol,
    CharacterString,
    Time,
    Date,
    Amount,
    PhoneNumber,
    CarNumber,
    Name,
    Phrase,
}

impl Rule {
    pub const ALL: [Rule; 12] = [
        Rule::Thing,
        Rule::Number,
        Rule::Letter,
        Rule::Symbol,
        Rule::CharacterString,
        Rule::Time,
        Rule::Date,
        Rule::Amount,
        Rule::PhoneNumber,
        Rule::CarNumber,
        Rule::Name,
        Rule::Phrase,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Thing => "thing",
            Rule::Number => "number",
            Rule::Letter => "letter",
            Rule::Symbol => "symbol",
            Rule::CharacterString => "character_string",
            Rule::Time => "time",
            Rule::Date => "date",
            Rule::Amount => "amount",
            Rule::PhoneNumber => "phone_number",
            Rule::CarNumber => "car_number",
            Rule::Name => "name",
            Rule::Phrase => "phrase",
        }
    }

    pub fn parse(s: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The rule of a keyword field name: `thing1` → thing, `phone_number02` → phone_number.
    pub fn of_field(field: &str) -> Option<Rule> {
        let base = field.trim_end_matches(|c: char| c.is_ascii_digit());
        if base.len() == field.len() {
            return None; // no index
        }
        Rule::parse(base)
    }

    /// Checks a value; the error says why, for the errmsg.
    pub fn check(self, value: &str) -> Result<(), &'static str> {
        let n = value.chars().count();
        if n == 0 {
            return Err("must not be empty");
        }
        let ok = match self {
            Rule::Thing => n <= 20,
            Rule::Number => n <= 32 && is_decimal(value),
            Rule::Letter => n <= 32 && value.chars().all(|c| c.is_ascii_alphabetic()),
            Rule::Symbol => n <= 5 && value.chars().all(|c| c.is_ascii_punctuation()),
            Rule::CharacterString => n <= 32 && value.chars().all(|c| c.is_ascii_graphic()),
            Rule::Time => is_range(value, true),
            Rule::Date => is_range(value, false),
            Rule::Amount => is_amount(value),
            Rule::PhoneNumber => n <= 17 && value.chars().all(|c| c.is_ascii_digit() || "+-() ".contains(c)) && value.chars().any(|c| c.is_ascii_digit()),
            Rule::CarNumber => n <= 8 && value.chars().all(|c| c.is_ascii_alphanumeric() || is_han(c)),
            Rule::Name => (n <= 10 && value.chars().all(is_han)) || (n <= 20 && value.chars().all(|c| c.is_ascii_alphabetic() || c == ' ' || c == '.') && value.chars().any(|c| c.is_ascii_alphabetic())),
            Rule::Phrase => n <= 5 && value.chars().all(is_han),
        };
        if ok {
            Ok(())
        } else {
            Err(match self {
                Rule::Thing => "thing: at most 20 characters",
                Rule::Number => "number: at most 32 digits, decimals allowed",
                Rule::Letter => "letter: at most 32 letters",
                Rule::Symbol => "symbol: at most 5 symbols",
                Rule::CharacterString => "character_string: at most 32 digits, letters or symbols",
                Rule::Time => "time: a 24-hour time (date optional), ranges joined by ~",
                Rule::Date => "date: a date (time optional), ranges joined by ~",
                Rule::Amount => "amount: one currency sign and at most 10 digits, decimals, optional 元",
                Rule::PhoneNumber => "phone_number: at most 17 digits and symbols",
                Rule::CarNumber => "car_number: at most 8 characters",
                Rule::Name => "name: at most 10 Chinese characters or 20 letters",
                Rule::Phrase => "phrase: at most 5 Chinese characters",
            })
        }
    }
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}')
}

fn digits(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_decimal(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    match s.split_once('.') {
        Some((i, f)) => digits(i, 1, 32) && digits(f, 1, 32),
        None => digits(s, 1, 32),
    }
}

fn is_amount(s: &str) -> bool {
    let mut chars = s.chars();
    if !matches!(chars.next(), Some('¥' | '￥' | '$' | '€' | '£')) {
        return false;
    }
    let rest = chars.as_str();
    let rest = rest.strip_suffix('元').unwrap_or(rest);
    match rest.split_once('.') {
        Some((i, f)) => digits(i, 1, 10) && digits(f, 1, 2),
        None => digits(rest, 1, 10),
    }
}

/// `15:01` or `15:01:59`.
fn is_clock(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    let num = |p: &str, max: u32| digits(p, 1, 2) && p.parse::<u32>().is_ok_and(|v| v <= max);
    match parts.as_slice() {
        [h, m] => num(h, 23) && digits(m, 2, 2) && num(m, 59),
        [h, m, sec] => num(h, 23) && digits(m, 2, 2) && num(m, 59) && digits(sec, 2, 2) && num(sec, 59),
        _ => false,
    }
}

/// `2026年11月22日`, `2026-11-22`, `2026/11/22`.
fn is_calendar(s: &str) -> bool {
    let ymd: Option<(&str, &str, &str)> = if let Some(rest) = s.strip_suffix('日') {
        rest.split_once('年').and_then(|(y, md)| md.split_once('月').map(|(m, d)| (y, m, d)))
    } else {
        let sep = if s.contains('-') { '-' } else { '/' };
        let p: Vec<&str> = s.split(sep).collect();
        match p.as_slice() {
            [y, m, d] => Some((y, m, d)),
            _ => None,
        }
    };
    let Some((y, m, d)) = ymd else { return false };
    digits(y, 4, 4)
        && digits(m, 1, 2)
        && digits(d, 1, 2)
        && m.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
        && d.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
}

/// One point in time: a date, a time, or a date and a time (separated by a space).
/// `needs_time`: the `time` rule requires the clock part, `date` the calendar part.
fn is_point(s: &str, needs_time: bool) -> bool {
    let s = s.trim();
    match s.split_once(' ') {
        Some((d, t)) => is_calendar(d) && is_clock(t.trim()),
        None if needs_time => is_clock(s),
        None => is_calendar(s),
    }
}

fn is_range(s: &str, needs_time: bool) -> bool {
    let parts: Vec<&str> = s.split('~').collect();
    parts.len() <= 2 && parts.iter().all(|p| is_point(p, needs_time)) && s.chars().count() <= 64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn field_names() {
        assert_eq!(Rule::of_field("thing1"), Some(Rule::Thing));
        assert_eq!(Rule::of_field("number02"), Some(Rule::Number));
        assert_eq!(Rule::of_field("character_string3"), Some(Rule::CharacterString));
        assert_eq!(Rule::of_field("phone_number12"), Some(Rule::PhoneNumber));
        assert_eq!(Rule::of_field("thing"), None, "no index");
        assert_eq!(Rule::of_field("keyword1"), None);
        assert_eq!(Rule::of_field(""), None);
    }

    #[test]
    fn values_at_the_edges() {
        let ok = |r: Rule, v: &str| assert!(r.check(v).is_ok(), "{r:?} should accept {v:?}");
        let bad = |r: Rule, v: &str| assert!(r.check(v).is_err(), "{r:?} should refuse {v:?}");
        ok(Rule::Thing, &"咖".repeat(20));
        bad(Rule::Thing, &"咖".repeat(21));
        bad(Rule::Thing, "");
        ok(Rule::Number, "12.50");
        ok(Rule::Number, &"9".repeat(32));
        bad(Rule::Number, &"9".repeat(33));
        bad(Rule::Number, "1e5");
        bad(Rule::Number, "12.");
        ok(Rule::Letter, "ABCxyz");
        bad(Rule::Letter, "abc1");
        ok(Rule::Symbol, "%#*!?");
        bad(Rule::Symbol, "%#*!?&");
        ok(Rule::CharacterString, "ORDER-2026_11/22");
        bad(Rule::CharacterString, "有中文");
        bad(Rule::CharacterString, "a b");
        ok(Rule::Time, "15:01");
        ok(Rule::Time, "2026年11月22日 15:01");
        ok(Rule::Time, "2026-11-22 15:01~2026-11-22 16:30");
        bad(Rule::Time, "2026-11-22");
        bad(Rule::Time, "25:00");
        bad(Rule::Time, "15:01~16:00~17:00");
        ok(Rule::Date, "2026年11月22日");
        ok(Rule::Date, "2026-11-22 15:01");
        ok(Rule::Date, "2026-11-22~2026-11-30");
        bad(Rule::Date, "15:01");
        bad(Rule::Date, "2026-13-01");
        ok(Rule::Amount, "¥12.50");
        ok(Rule::Amount, "¥100元");
        ok(Rule::Amount, "$9999999999");
        bad(Rule::Amount, "$99999999999");
        bad(Rule::Amount, "12.50");
        bad(Rule::Amount, "¥¥1");
        bad(Rule::Amount, "¥1.005");
        ok(Rule::PhoneNumber, "+86 138-0013-8000");
        bad(Rule::PhoneNumber, "+86 138-0013-80001");
        bad(Rule::PhoneNumber, "call me");
        ok(Rule::CarNumber, "粤B12345");
        bad(Rule::CarNumber, "粤B1234567");
        ok(Rule::Name, "张三");
        ok(Rule::Name, "Alice Smith");
        bad(Rule::Name, &"张".repeat(11));
        bad(Rule::Name, "张三 Smith");
        ok(Rule::Phrase, "已发货");
        bad(Rule::Phrase, "已经发货了吗");
        bad(Rule::Phrase, "OK");
    }

    proptest! {
        #[test]
        fn checks_never_panic(v in ".{0,80}", i in 0usize..12) {
            let _ = Rule::ALL[i].check(&v);
            let _ = Rule::of_field(&v);
        }
    }
}
