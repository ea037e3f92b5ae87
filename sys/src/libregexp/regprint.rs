//! `reprogfmt`: a port of 9front's `libregexp/regprint.c`.
//!
//! 9front prints a program with `%R` (after `fmtinstall('R', reprogfmt)`),
//! one instruction a line, each named by its address. Here a program is
//! `Display`, and instructions are named by their index.

use core::fmt;

use crate::regimpl::{Reinst, Reprog};

fn rune(f: &mut fmt::Formatter, r: u32) -> fmt::Result {
    match char::from_u32(r) {
        Some(c) => write!(f, "{c}"),
        None => write!(f, "\u{fffd}"),
    }
}

impl fmt::Display for Reprog {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for (i, ins) in self.inst.iter().enumerate() {
            write!(f, "{i} ")?;
            match *ins {
                Reinst::Rune(r) => {
                    write!(f, "ORUNE\t")?;
                    rune(f, r)?;
                    writeln!(f)?;
                }
                Reinst::NotNl => writeln!(f, "ONOTNL")?,
                Reinst::Class { class, next } => {
                    for &(lo, hi) in self.classes[class as usize].ranges() {
                        write!(f, "OCLASS\t")?;
                        rune(f, lo)?;
                        write!(f, "-")?;
                        rune(f, hi)?;
                        write!(f, " {next}\n{i} ")?;
                    }
                    writeln!(f, "OCLASS\tend")?;
                }
                Reinst::Split(a, b) => writeln!(f, "OSPLIT\t{a} {b}")?,
                Reinst::Jmp(a) => writeln!(f, "OJMP \t{a}")?,
                Reinst::Save(n) => writeln!(f, "OSAVE\t{n}")?,
                Reinst::Unsave(n) => writeln!(f, "OUNSAVE\t{n}")?,
                Reinst::Any => writeln!(f, "OANY \t.")?,
                Reinst::Eol => writeln!(f, "OEOL \t$")?,
                Reinst::Bol => writeln!(f, "OBOL \t^")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::regcomp;
    use alloc::string::ToString;

    #[test]
    fn listing() {
        let p = regcomp("^a.[b-c]$").unwrap();
        assert_eq!(
            p.to_string(),
            "0 OSAVE\t0\n1 OBOL \t^\n2 ORUNE\ta\n3 ONOTNL\n4 OANY \t.\n\
             5 OCLASS\tb-c 6\n5 OCLASS\tend\n6 OEOL \t$\n7 OUNSAVE\t0\n"
        );
    }
}
