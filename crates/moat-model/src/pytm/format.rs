//! Python's format specification mini-language (`f"{i:02d}"`, `"{:>8}".format(x)`)
//! for the cases a model script uses to make names: fill, alignment, sign,
//! zero padding, width, precision and the types `s`, `d`, `f`, `x`, `X`,
//! `o`, `b`, `%`. Anything else is `None`: the caller skips it with a warning.

use super::eval::interpolate;
use super::values::Value;

/// The widest field a spec may ask for: wider is refused, not built.
const MAX_WIDTH: usize = 10_000;

struct Spec {
    fill: char,
    align: Option<char>,
    sign: char,
    zero: bool,
    width: usize,
    grouping: bool,
    precision: Option<usize>,
    kind: Option<char>,
}

fn parse(spec: &str) -> Option<Spec> {
    let chars: Vec<char> = spec.chars().collect();
    let mut at = 0;
    let mut parsed = Spec {
        fill: ' ',
        align: None,
        sign: '-',
        zero: false,
        width: 0,
        grouping: false,
        precision: None,
        kind: None,
    };
    let is_align = |c: Option<&char>| matches!(c, Some('<' | '>' | '^' | '='));
    if is_align(chars.get(1)) {
        parsed.fill = *chars.first()?;
        parsed.align = chars.get(1).copied();
        at = 2;
    } else if is_align(chars.first()) {
        parsed.align = chars.first().copied();
        at = 1;
    }
    if let Some(&sign @ ('+' | '-' | ' ')) = chars.get(at) {
        parsed.sign = sign;
        at += 1;
    }
    if chars.get(at) == Some(&'0') {
        parsed.zero = true;
        at += 1;
    }
    let digits = |from: usize| {
        chars
            .iter()
            .skip(from)
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let width = digits(at);
    if width > 0 {
        parsed.width = chars
            .get(at..at + width)?
            .iter()
            .collect::<String>()
            .parse()
            .ok()?;
        at += width;
    }
    if chars.get(at) == Some(&',') {
        parsed.grouping = true;
        at += 1;
    }
    if chars.get(at) == Some(&'.') {
        let precision = digits(at + 1);
        parsed.precision = Some(
            chars
                .get(at + 1..at + 1 + precision)?
                .iter()
                .collect::<String>()
                .parse()
                .ok()?,
        );
        at += 1 + precision;
    }
    parsed.kind = chars.get(at).copied();
    if at + usize::from(parsed.kind.is_some()) != chars.len() || parsed.width > MAX_WIDTH {
        return None;
    }
    Some(parsed)
}

/// `format(value, spec)`, or `None` where moat does not format it.
pub(super) fn format_value(value: &Value, spec: &str) -> Option<String> {
    if spec.is_empty() {
        return interpolate(value).map(|t| t.to_string());
    }
    let spec = parse(spec)?;
    let (body, negative, numeric) = match (value, spec.kind) {
        (Value::Str(text), None | Some('s')) if spec.sign == '-' && !spec.grouping => {
            let text: String = match spec.precision {
                Some(p) => text.chars().take(p).collect(),
                None => text.to_string(),
            };
            (text, false, false)
        }
        (Value::Int(i), kind) => {
            let magnitude = i.unsigned_abs();
            let digits = match kind {
                None | Some('d') if spec.precision.is_none() => {
                    let digits = magnitude.to_string();
                    if spec.grouping {
                        group(&digits)
                    } else {
                        digits
                    }
                }
                Some('x') => format!("{magnitude:x}"),
                Some('X') => format!("{magnitude:X}"),
                Some('o') => format!("{magnitude:o}"),
                Some('b') => format!("{magnitude:b}"),
                Some('f' | '%') => {
                    return format_value(&Value::Float(*i as f64), &spec_text(&spec));
                }
                _ => return None,
            };
            (digits, *i < 0, true)
        }
        (Value::Float(f), Some(kind @ ('f' | '%'))) if f.is_finite() && !spec.grouping => {
            let precision = spec.precision.unwrap_or(6).min(50);
            let scaled = if kind == '%' { f * 100.0 } else { *f };
            let mut text = format!("{:.*}", precision, scaled.abs());
            if kind == '%' {
                text.push('%');
            }
            (text, scaled.is_sign_negative() && scaled != 0.0, true)
        }
        _ => return None,
    };
    let sign = match (negative, spec.sign) {
        (true, _) => "-",
        (false, '+') => "+",
        (false, ' ') => " ",
        _ => "",
    };
    let len = sign.chars().count() + body.chars().count();
    let pad = spec.width.saturating_sub(len);
    let (fill, align) = if spec.zero && spec.align.is_none() && numeric {
        ('0', '=')
    } else {
        let default = if numeric { '>' } else { '<' };
        (spec.fill, spec.align.unwrap_or(default))
    };
    let padding = |n: usize| fill.to_string().repeat(n);
    Some(match align {
        '<' => format!("{sign}{body}{}", padding(pad)),
        '^' => format!("{}{sign}{body}{}", padding(pad / 2), padding(pad - pad / 2)),
        '=' if numeric => format!("{sign}{}{body}", padding(pad)),
        '=' => return None,
        _ => format!("{}{sign}{body}", padding(pad)),
    })
}

/// The spec again, as text (to format an integer as a float).
fn spec_text(spec: &Spec) -> String {
    let mut text = String::new();
    if let Some(align) = spec.align {
        text.push(spec.fill);
        text.push(align);
    }
    if spec.sign != '-' {
        text.push(spec.sign);
    }
    if spec.zero {
        text.push('0');
    }
    if spec.width > 0 {
        text.push_str(&spec.width.to_string());
    }
    if let Some(precision) = spec.precision {
        text.push_str(&format!(".{precision}"));
    }
    text.extend(spec.kind);
    text
}

/// `1234567` -> `1,234,567`.
fn group(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(value: Value, spec: &str) -> Option<String> {
        format_value(&value, spec)
    }

    #[test]
    fn specs_format_as_python_formats_them() {
        assert_eq!(f(Value::Int(7), "02d").as_deref(), Some("07"));
        assert_eq!(f(Value::Int(-7), "03").as_deref(), Some("-07"));
        assert_eq!(f(Value::Int(7), ">4").as_deref(), Some("   7"));
        assert_eq!(f(Value::Int(7), "*<4").as_deref(), Some("7***"));
        assert_eq!(f(Value::Int(7), "^5").as_deref(), Some("  7  "));
        assert_eq!(f(Value::Int(7), "+d").as_deref(), Some("+7"));
        assert_eq!(f(Value::Int(255), "x").as_deref(), Some("ff"));
        assert_eq!(f(Value::Int(255), "#x"), None);
        assert_eq!(f(Value::Int(1234567), ",").as_deref(), Some("1,234,567"));
        assert_eq!(f(Value::Int(3), ".2f").as_deref(), Some("3.00"));
        assert_eq!(f(Value::Float(0.256), ".1%").as_deref(), Some("25.6%"));
        assert_eq!(f(Value::Float(-1.5), "08.3f").as_deref(), Some("-001.500"));
        assert_eq!(f(Value::str("ab"), ">4").as_deref(), Some("  ab"));
        assert_eq!(f(Value::str("ab"), "4").as_deref(), Some("ab  "));
        assert_eq!(f(Value::str("abcdef"), ".3").as_deref(), Some("abc"));
        assert_eq!(f(Value::str("ab"), "d"), None);
        assert_eq!(f(Value::Int(1), "99999999"), None, "too wide to build");
    }
}
