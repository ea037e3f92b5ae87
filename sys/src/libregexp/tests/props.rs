//! Properties of libregexp: no pattern or subject makes it panic, and its
//! whole-match results agree with a slow reference matcher written from
//! regexp(6)'s definition (leftmost, then longest) over generated patterns.

use std::collections::BTreeSet;

use libregexp::{regcomp, regcomplit, regcompnl, regsub, Resub, Rune};
use proptest::prelude::*;

/// A pattern, generated as a tree and printed in regexp(6) syntax.
#[derive(Clone, Debug)]
enum Ast {
    Lit(char),
    Any,
    Class(bool, Vec<(char, char)>),
    Bol,
    Eol,
    Cat(Vec<Ast>),
    Or(Box<Ast>, Box<Ast>),
    Star(Box<Ast>),
    Plus(Box<Ast>),
    Ques(Box<Ast>),
    Group(Box<Ast>),
}

const META: &str = ".*+?[]()|\\^$";

fn lit(c: char, out: &mut String) {
    if META.contains(c) {
        out.push('\\');
    }
    out.push(c);
}

fn print(a: &Ast, out: &mut String) {
    match a {
        Ast::Lit(c) => lit(*c, out),
        Ast::Any => out.push('.'),
        Ast::Bol => out.push('^'),
        Ast::Eol => out.push('$'),
        Ast::Class(neg, rs) => {
            out.push('[');
            if *neg {
                out.push('^');
            }
            for &(lo, hi) in rs {
                for (i, c) in [lo, hi].into_iter().enumerate() {
                    if i == 1 {
                        if lo == hi {
                            break;
                        }
                        out.push('-');
                    }
                    if "]-\\^".contains(c) {
                        out.push('\\');
                    }
                    out.push(c);
                }
            }
            out.push(']');
        }
        Ast::Cat(v) => {
            for x in v {
                match x {
                    Ast::Or(..) => {
                        out.push('(');
                        print(x, out);
                        out.push(')');
                    }
                    _ => print(x, out),
                }
            }
        }
        Ast::Or(l, r) => {
            print(l, out);
            out.push('|');
            print(r, out);
        }
        Ast::Star(x) | Ast::Plus(x) | Ast::Ques(x) => {
            match **x {
                Ast::Cat(_) | Ast::Or(..) => {
                    out.push('(');
                    print(x, out);
                    out.push(')');
                }
                _ => print(x, out),
            }
            out.push(match a {
                Ast::Star(_) => '*',
                Ast::Plus(_) => '+',
                _ => '?',
            });
        }
        Ast::Group(x) => {
            out.push('(');
            print(x, out);
            out.push(')');
        }
    }
}

/// The ends of the matches of `a` in `s` that start at `i`.
fn ends(a: &Ast, s: &[char], i: usize) -> BTreeSet<usize> {
    let one = |ok: bool| if ok { BTreeSet::from([i + 1]) } else { BTreeSet::new() };
    match a {
        Ast::Lit(c) => one(s.get(i) == Some(c)),
        Ast::Any => one(s.get(i).is_some_and(|&c| c != '\n')),
        Ast::Class(neg, rs) => one(s.get(i).is_some_and(|&c| {
            let inn = rs.iter().any(|&(lo, hi)| lo.min(hi) <= c && c <= lo.max(hi));
            if *neg {
                c != '\n' && !inn
            } else {
                inn
            }
        })),
        Ast::Bol => {
            if i == 0 || s[i - 1] == '\n' {
                BTreeSet::from([i])
            } else {
                BTreeSet::new()
            }
        }
        Ast::Eol => {
            if i == s.len() || s[i] == '\n' {
                BTreeSet::from([i])
            } else {
                BTreeSet::new()
            }
        }
        Ast::Cat(v) => {
            let mut cur = BTreeSet::from([i]);
            for x in v {
                cur = cur.iter().flat_map(|&j| ends(x, s, j)).collect();
            }
            cur
        }
        Ast::Or(l, r) => ends(l, s, i).union(&ends(r, s, i)).copied().collect(),
        Ast::Group(x) => ends(x, s, i),
        Ast::Ques(x) => {
            let mut e = ends(x, s, i);
            e.insert(i);
            e
        }
        Ast::Star(x) | Ast::Plus(x) => {
            let mut all =
                if matches!(a, Ast::Star(_)) { BTreeSet::from([i]) } else { BTreeSet::new() };
            let mut todo: Vec<usize> = ends(x, s, i).into_iter().collect();
            while let Some(j) = todo.pop() {
                if all.insert(j) {
                    todo.extend(ends(x, s, j));
                }
            }
            all
        }
    }
}

fn reference(a: &Ast, s: &[char]) -> Option<(usize, usize)> {
    (0..=s.len()).find_map(|i| ends(a, s, i).last().map(|&e| (i, e)))
}

fn ast() -> impl Strategy<Value = Ast> {
    let chars = prop::sample::select(vec!['a', 'b', 'é', '*', '\n', '-', ']']);
    let leaf = prop_oneof![
        4 => chars.clone().prop_map(Ast::Lit),
        1 => Just(Ast::Any),
        1 => Just(Ast::Bol),
        1 => Just(Ast::Eol),
        2 => (any::<bool>(), prop::collection::vec((chars.clone(), chars), 0..3))
            .prop_map(|(n, v)| Ast::Class(n, v)),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Ast::Cat),
            (inner.clone(), inner.clone()).prop_map(|(l, r)| Ast::Or(Box::new(l), Box::new(r))),
            inner.clone().prop_map(|x| Ast::Star(Box::new(x))),
            inner.clone().prop_map(|x| Ast::Plus(Box::new(x))),
            inner.clone().prop_map(|x| Ast::Ques(Box::new(x))),
            inner.prop_map(|x| Ast::Group(Box::new(x))),
        ]
    })
}

fn subject() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec!['a', 'b', 'é', '\n', '*', '-', ']', 'c']),
        0..12,
    )
    .prop_map(|v| v.into_iter().collect())
}

fn byte_offsets(s: &str) -> Vec<usize> {
    let mut v: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
    v.push(s.len());
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn whole_match_is_leftmost_longest(a in ast(), s in subject()) {
        let mut pat = String::new();
        print(&a, &mut pat);
        let prog = regcomp(&pat).unwrap_or_else(|e| panic!("{pat:?}: {e}"));
        let chars: Vec<char> = s.chars().collect();
        let want = reference(&a, &chars);

        let runes: Vec<Rune> = chars.iter().map(|&c| c as Rune).collect();
        let mut m = [Resub::default(); 10];
        let got = prog.rregexec(&runes, &mut m).then(|| (m[0].sp.unwrap(), m[0].ep.unwrap()));
        prop_assert_eq!(got, want, "pattern {:?} subject {:?}", pat, s);
        if got.is_some() {
            let (sp, ep) = got.unwrap();
            for r in &m[1..] {
                if let (Some(a), Some(b)) = (r.sp, r.ep) {
                    prop_assert!(sp <= a && a <= b && b <= ep, "{:?} in {:?}", r, m[0]);
                }
            }
        }

        // regexec agrees, in bytes.
        let off = byte_offsets(&s);
        let mut mb = [Resub::default(); 10];
        let gotb = prog.regexec(s.as_bytes(), &mut mb).then(|| (mb[0].sp.unwrap(), mb[0].ep.unwrap()));
        prop_assert_eq!(gotb, want.map(|(a, b)| (off[a], off[b])));
        for (r, rb) in m.iter().zip(mb.iter()) {
            prop_assert_eq!(r.sp.map(|x| off[x]), rb.sp);
            prop_assert_eq!(r.ep.map(|x| off[x]), rb.ep);
        }
    }

    #[test]
    fn any_pattern_and_subject_is_safe(
        pat in prop::collection::vec(prop::sample::select(b"ab.*+?[]()|\\^$-\xc3\xa9\xff\n\0".to_vec()), 0..24),
        s in prop::collection::vec(any::<u8>(), 0..40),
        start in 0usize..50,
        end in 0usize..50,
        dlen in 0usize..30,
    ) {
        for comp in [regcomp, regcompnl, regcomplit] {
            if let Ok(p) = comp(&pat[..]) {
                let mut m = [Resub { sp: Some(start), ep: Some(end) }; 4];
                if p.regexec(&s, &mut m) {
                    let _ = regsub(&pat, dlen, &s, &m);
                }
                let runes: Vec<Rune> = s.iter().map(|&b| b as Rune * 0x1111).collect();
                let mut m = [Resub { sp: Some(start), ep: None }; 2];
                let _ = p.rregexec(&runes, &mut m);
                let _ = p.regexec(&s, &mut []);
                let _ = p.to_string();
            } else {
                let e = comp(&pat[..]).unwrap_err();
                prop_assert!(e.as_bytes().len() <= 127);
            }
        }
    }
}

#[test]
fn long_subjects() {
    let p = regcomp("(a|b)*c").unwrap();
    let mut s = "ab".repeat(200_000).into_bytes();
    s.push(b'c');
    let mut m = [Resub::default(); 2];
    assert!(p.regexec(&s, &mut m));
    assert_eq!((m[0].sp, m[0].ep), (Some(0), Some(s.len())));
    assert_eq!((m[1].sp, m[1].ep), (Some(s.len() - 2), Some(s.len() - 1)));
    let p = regcomp("zq").unwrap();
    let big = vec![b'z'; 1 << 20];
    assert!(!p.regexec(&big, &mut m));
}
