//! Floating-point conversions: a port of 9front's `libc/fmt/fltfmt.c`
//! (`%e`, `%f`, `%g` and their upper-case forms).
//!
//! 9front's rules are kept: at most 30 digits of precision, 6 by default;
//! rounding is half-up on the decimal digits of the value (not the
//! round-half-even on the binary value that C's printf does); `%g` takes
//! the `f` style when the exponent is in [-4, precision) and strips
//! trailing zeros unless `#` is given; exponents have at least two digits;
//! infinities and NaNs print as `Inf`, `-Inf` and `NaN`; only blank
//! padding applies (the `0` flag is dropped, as `_floatfmt` does).
//!
//! What differs: the 17 significant digits the rounding starts from come
//! from Rust's correctly rounded formatting instead of 9front's
//! approximation loop, and 9front's attempt to round away trailing nines
//! at precisions of 15 and more is not made. Both agree on every value
//! except where several 17-digit strings name the same double.
//! [`format_double`] is a small part of `dofmt.c`: it interprets a print
//! format with one floating-point argument, for `seq -f`.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

const FDIGIT: usize = 30;
const FDEFLT: usize = 6;
const NSIGNIF: usize = 17;

/// A conversion's flags, width and precision, as `Fmt` holds them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Spec {
    /// `-`: pad on the right.
    pub left: bool,
    /// `+`: always print a sign.
    pub sign: bool,
    /// ` `: a blank where a plus sign would go.
    pub space: bool,
    /// `#`: keep the point and, for `%g`, trailing zeros.
    pub sharp: bool,
    pub width: Option<usize>,
    pub prec: Option<usize>,
    /// The verb: one of `eEfgG`.
    pub verb: u8,
}

/// Adds `v` at digit `n` of `a`, carrying left; true when the carry runs
/// off the top (the digits are then `1000...`).
fn xadd(a: &mut [u8], n: isize, v: u8) -> bool {
    if n < 0 || n as usize >= NSIGNIF {
        return false;
    }
    let mut v = v;
    let mut i = n;
    while i >= 0 {
        let c = a[i as usize] + v;
        if c <= b'9' {
            a[i as usize] = c;
            return false;
        }
        a[i as usize] = b'0';
        v = 1;
        i -= 1;
    }
    a[0] = b'1';
    true
}

/// The 17 significant digits of `f` (> 0) and its decimal exponent.
fn digits(f: f64) -> ([u8; NSIGNIF], i32) {
    let mut s1 = [b'0'; NSIGNIF];
    if f == 0.0 {
        return (s1, 0);
    }
    let s = format!("{:.16e}", f);
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let mut i = 0;
    for b in mant.bytes().filter(u8::is_ascii_digit) {
        if i < NSIGNIF {
            s1[i] = b;
            i += 1;
        }
    }
    (s1, exp.parse().unwrap_or(0))
}

/// Converts `f` per `spec` without the width padding (`xdtoa`).
fn xdtoa(spec: &Spec, f: f64) -> Vec<u8> {
    let mut prec = spec.prec.unwrap_or(FDEFLT).min(FDIGIT) as isize;
    let mut s2 = Vec::new();
    let neg = f.is_sign_negative();
    if neg {
        s2.push(b'-');
    } else if spec.sign {
        s2.push(b'+');
    } else if spec.space {
        s2.push(b' ');
    }
    if f.is_nan() {
        s2.extend_from_slice(b"NaN");
        return s2;
    }
    if f.is_infinite() {
        s2.extend_from_slice(b"Inf");
        return s2;
    }
    let ucase = spec.verb.is_ascii_uppercase();
    let mut chr = spec.verb.to_ascii_lowercase();
    let (mut s1, e) = digits(f.abs());
    let mut e = e as isize;

    if chr == b'g' && prec > 0 {
        prec -= 1;
    }
    let mut c1: isize = 0;
    let mut c2: isize = prec + 1;
    let mut c3: isize = 0;
    let c4: isize;
    match chr {
        b'g' => {
            if xadd(&mut s1, c2, 5) {
                e += 1;
            }
            if e >= -4 && e <= prec {
                c1 = -e;
                c4 = prec - e;
                chr = b'h';
            } else {
                c4 = prec;
            }
        }
        b'f' => {
            if xadd(&mut s1, c2 + e, 5) {
                e += 1;
            }
            c1 = -e;
            if c1 > prec {
                c1 = c2;
            }
            c2 += e;
            c4 = prec;
        }
        _ => {
            if xadd(&mut s1, c2, 5) {
                e += 1;
            }
            c4 = prec;
        }
    }
    c1 = c1.max(0);
    c2 = c2.max(0);
    if c2 > NSIGNIF as isize {
        c3 = c2 - NSIGNIF as isize;
        c2 = NSIGNIF as isize;
    }
    let mut i = 0;
    while c1 > 0 {
        if c1 + c2 + c3 == c4 {
            s2.push(b'.');
        }
        s2.push(b'0');
        c1 -= 1;
    }
    while c2 > 0 {
        if c2 + c3 == c4 {
            s2.push(b'.');
        }
        s2.push(s1[i]);
        i += 1;
        c2 -= 1;
    }
    while c3 > 0 {
        if c3 == c4 {
            s2.push(b'.');
        }
        s2.push(b'0');
        c3 -= 1;
    }
    if spec.sharp {
        if c4 == 0 {
            s2.push(b'.');
        }
    } else if chr == b'g' || chr == b'h' {
        // Strip trailing zeros after a point, and the point if bare.
        if let Some(n) = s2.iter().rposition(|&c| c != b'0') {
            if let Some(p) = s2[..=n].iter().rposition(|&c| c == b'.') {
                s2.truncate(if p != n { n + 1 } else { n });
            }
        }
    }
    if chr == b'e' || chr == b'g' {
        s2.push(if ucase { b'E' } else { b'e' });
        let mut x = e;
        if x < 0 {
            s2.push(b'-');
            x = -x;
        } else {
            s2.push(b'+');
        }
        if x >= 100 {
            s2.push(b'0' + (x / 100) as u8);
            x %= 100;
        }
        s2.push(b'0' + (x / 10) as u8);
        s2.push(b'0' + (x % 10) as u8);
    }
    s2
}

/// Formats `f` per `spec`, padded to its width with blanks.
pub fn fmtfloat(spec: &Spec, f: f64) -> String {
    let s = String::from_utf8(xdtoa(spec, f)).unwrap_or_default();
    let w = spec.width.unwrap_or(0);
    let n = s.chars().count();
    if n >= w {
        return s;
    }
    let pad: String = core::iter::repeat_n(' ', w - n).collect();
    if spec.left {
        s + &pad
    } else {
        pad + &s
    }
}

/// `%g`, as `print("%g", f)`.
pub fn g(f: f64) -> String {
    fmtfloat(&Spec { verb: b'g', ..Spec::default() }, f)
}

/// Interprets the print format `format` with the one argument `f`: each
/// `%e`, `%f`, `%g` (any case, with flags, width and precision) converts
/// `f`, `%%` is a percent sign, and other text is copied. A conversion
/// with another verb is copied as written (9front would read an argument
/// of another type there).
pub fn format_double(format: &str, f: f64) -> String {
    let b = format.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let mut lit = 0;
    while i < b.len() {
        if b[i] != b'%' {
            i += 1;
            continue;
        }
        out.push_str(&format[lit..i]);
        let start = i;
        i += 1;
        let mut spec = Spec::default();
        while i < b.len() {
            match b[i] {
                b'-' => spec.left = true,
                b'+' => spec.sign = true,
                b' ' => spec.space = true,
                b'#' => spec.sharp = true,
                b'0' => {}
                _ => break,
            }
            i += 1;
        }
        let num = |i: &mut usize| {
            let s = *i;
            while *i < b.len() && b[*i].is_ascii_digit() {
                *i += 1;
            }
            format[s..*i].parse::<usize>().ok()
        };
        spec.width = num(&mut i);
        if i < b.len() && b[i] == b'.' {
            i += 1;
            spec.prec = Some(num(&mut i).unwrap_or(0));
        }
        match b.get(i) {
            Some(b'%') if i == start + 1 => out.push('%'),
            Some(&v @ (b'e' | b'E' | b'f' | b'g' | b'G')) => {
                spec.verb = v;
                out.push_str(&fmtfloat(&spec, f));
            }
            Some(_) => {
                let end = i + format[i..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&format[start..end]);
                i = end - 1;
            }
            None => {
                out.push_str(&format[start..]);
                i = b.len() - 1;
            }
        }
        i += 1;
        lit = i;
    }
    out.push_str(&format[lit.min(format.len())..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(fmt: &str, x: f64) -> String {
        format_double(fmt, x)
    }

    #[test]
    fn g_style() {
        assert_eq!(g(1.0), "1");
        assert_eq!(g(0.05), "0.05");
        assert_eq!(g(100000.0), "100000");
        assert_eq!(g(1000000.0), "1e+06");
        assert_eq!(g(0.0001), "0.0001");
        assert_eq!(g(0.00001), "1e-05");
        assert_eq!(g(-2.5), "-2.5");
        assert_eq!(g(0.0), "0");
        assert_eq!(g(1e100), "1e+100");
        assert_eq!(g(123456789.0), "1.23457e+08");
        assert_eq!(g(0.1 + 0.2), "0.3");
        assert_eq!(g(f64::INFINITY), "Inf");
        assert_eq!(g(f64::NEG_INFINITY), "-Inf");
        assert_eq!(g(f64::NAN), "NaN");
    }

    #[test]
    fn e_and_f_styles() {
        assert_eq!(f("%f", 1.5), "1.500000");
        assert_eq!(f("%.2f", 3.14159), "3.14");
        assert_eq!(f("%.0f", 2.5), "3"); // half-up on the decimal digits
        assert_eq!(f("%.2f", 0.125), "0.13");
        assert_eq!(f("%e", 12345.678), "1.234568e+04");
        assert_eq!(f("%E", 0.00012), "1.200000E-04");
        assert_eq!(f("%.3f", 0.0005), "0.001");
        assert_eq!(f("%5.1f|%-6.2f|", 2.0, ), "  2.0|2.00  |");
        assert_eq!(f("%05.1f", 2.0), "  2.0");
        assert_eq!(f("%+g % g", 2.0), "+2  2");
        assert_eq!(f("%#g", 2.0), "2.00000");
        assert_eq!(f("%#.0f", 2.0), "2.");
        assert_eq!(f("x%%y %d", 2.0), "x%y %d");
    }
}
