//! rc's variables: the port of 9front's `sys/src/cmd/rc/var.c`.
//!
//! As in 9front, the globals are a hash table (`gvar`, chained buckets)
//! and the locals a stack searched from the top, newest first. What
//! differs: the locals of all threads of the tree walker (see
//! [`crate::exec`]) share one stack, and a thread that starts with none
//! (a `.` file, a note function) moves the stack's base, below which it
//! does not look. Each variable, local or global, carries 9front's
//! `changed` flag, so that `Updenv` exports only what changed. Keywords
//! (`kenter`/`klook`) live in the lexer.

use alloc::rc::Rc;
use alloc::vec::Vec;

use crate::tree::Tree;

/// One word of a list.
pub type Word = Vec<u8>;
/// A variable's value: an rc list (empty when unset).
pub type List = Vec<Word>;

/// A function definition: its body, where it was defined, and its text
/// as `whatis` prints it.
#[derive(Clone, Debug)]
pub struct Func {
    pub body: Rc<Tree>,
    pub text: Rc<[u8]>,
    pub file: Rc<[u8]>,
    /// Compiled with `-e` in force (code.c's `eflag` at definition).
    pub eflag: bool,
}

/// A global variable (rc.h's `var`).
#[derive(Clone, Debug, Default)]
pub struct Var {
    pub val: List,
    pub func: Option<Func>,
    /// Needs exporting to the environment.
    pub changed: bool,
    pub fnchanged: bool,
}

/// A local variable.
#[derive(Clone, Debug)]
pub struct Local {
    pub name: Word,
    pub val: List,
    /// Needs exporting to the environment (rc.h's `changed`).
    pub changed: bool,
}

/// rc.h's `NVAR`: the buckets of the globals' hash table.
const NVAR: usize = 521;

/// The bucket of `name`: an FNV-1a hash of its bytes.
fn bucket(name: &[u8]) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for &c in name {
        h ^= c as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h as usize % NVAR
}

/// The variables: globals and the stack of locals.
pub struct Vars {
    /// var.c's `gvar`: each bucket holds the globals that hash to it.
    table: Vec<Vec<(Word, Var)>>,
    pub locals: Vec<Local>,
    /// Locals below this index belong to threads that cannot see them
    /// (a `.` file starts with no locals).
    pub base: usize,
}

impl Default for Vars {
    fn default() -> Self {
        let mut table = Vec::with_capacity(NVAR);
        table.resize_with(NVAR, Vec::new);
        Vars { table, locals: Vec::new(), base: 0 }
    }
}

impl Vars {
    /// The global `name`, if it was ever made.
    pub fn global(&self, name: &[u8]) -> Option<&Var> {
        self.table[bucket(name)].iter().find(|(n, _)| n[..] == *name).map(|(_, v)| v)
    }

    pub fn global_mut(&mut self, name: &[u8]) -> Option<&mut Var> {
        self.table[bucket(name)].iter_mut().find(|(n, _)| n[..] == *name).map(|(_, v)| v)
    }

    /// Every global, in no particular order.
    pub fn globals_mut(&mut self) -> impl Iterator<Item = (&Word, &mut Var)> {
        self.table.iter_mut().flat_map(|b| b.iter_mut().map(|(n, v)| (&*n, v)))
    }

    /// var.c's `gvlook`: the global `name`, made if need be.
    pub fn gvlook(&mut self, name: &[u8]) -> &mut Var {
        let b = &mut self.table[bucket(name)];
        let i = match b.iter().position(|(n, _)| n[..] == *name) {
            Some(i) => i,
            None => {
                b.push((name.to_vec(), Var::default()));
                b.len() - 1
            }
        };
        &mut b[i].1
    }

    fn local_index(&self, name: &[u8]) -> Option<usize> {
        let visible = &self.locals[self.base.min(self.locals.len())..];
        // names are short and mostly differ in length or first byte:
        // look at those before comparing the bytes
        let first = name.first();
        visible
            .iter()
            .rposition(|l| l.name.len() == name.len() && l.name.first() == first && l.name[..] == *name)
            .map(|i| i + self.base)
    }

    /// var.c's `vlook`, for reading: the value of `name`.
    pub fn get(&self, name: &[u8]) -> &[Word] {
        if let Some(i) = self.local_index(name) {
            return &self.locals[i].val;
        }
        self.global(name).map(|v| &v.val[..]).unwrap_or(&[])
    }

    /// var.c's `setvar`: sets the innermost visible `name`.
    pub fn set(&mut self, name: &[u8], val: List) {
        if let Some(i) = self.local_index(name) {
            let l = &mut self.locals[i];
            l.val = val;
            l.changed = true;
            return;
        }
        let v = self.gvlook(name);
        v.val = val;
        v.changed = true;
    }

    /// The value of the innermost visible `name`, to change in place;
    /// the variable is marked changed.
    pub fn val_mut(&mut self, name: &[u8]) -> &mut List {
        if let Some(i) = self.local_index(name) {
            let l = &mut self.locals[i];
            l.changed = true;
            return &mut l.val;
        }
        let v = self.gvlook(name);
        v.changed = true;
        &mut v.val
    }

    /// Sets `name` to the one word `w` unless that is its value already
    /// (then setting it would change nothing, not even what is exported).
    pub fn set1(&mut self, name: &[u8], w: &[u8]) {
        let cur = self.get(name);
        if cur.len() == 1 && cur[0][..] == *w {
            return;
        }
        self.set(name, alloc::vec![w.to_vec()]);
    }

    /// Is there a visible local `name`?
    pub fn is_local(&self, name: &[u8]) -> bool {
        self.local_index(name).is_some()
    }

    /// exec.c's `Xlocal`.
    pub fn push_local(&mut self, name: &[u8], val: List) {
        self.locals.push(Local {
            name: name.to_vec(),
            val,
            changed: true,
        });
    }

    /// exec.c's `Xunlocal`: the variable the local hid shows again, and
    /// must be exported again.
    pub fn pop_local(&mut self) {
        if let Some(l) = self.locals.pop() {
            match self.local_index(&l.name) {
                Some(i) => self.locals[i].changed = true,
                None => self.gvlook(&l.name).changed = true,
            }
        }
    }

    /// Pops locals down to `n`.
    pub fn truncate_locals(&mut self, n: usize) {
        while self.locals.len() > n {
            self.pop_local();
        }
    }

    /// The function `name` (functions are always global).
    pub fn func(&self, name: &[u8]) -> Option<&Func> {
        self.global(name).and_then(|v| v.func.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> List {
        s.split_whitespace().map(|x| x.as_bytes().to_vec()).collect()
    }

    #[test]
    fn locals_hide_globals_until_popped() {
        let mut v = Vars::default();
        v.set(b"a", w("g"));
        v.push_local(b"a", w("l1"));
        v.push_local(b"a", w("l2 x"));
        assert_eq!(v.get(b"a"), &w("l2 x")[..]);
        v.locals[0].changed = false;
        v.pop_local();
        // Xunlocal marks the variable that shows again as changed
        assert!(v.locals[0].changed);
        assert_eq!(v.get(b"a"), &w("l1")[..]);
        v.global_mut(b"a").unwrap().changed = false;
        v.pop_local();
        assert!(v.global(b"a").unwrap().changed);
        assert_eq!(v.get(b"a"), &w("g")[..]);
        assert_eq!(v.get(b"unset"), &[] as &[Word]);
    }

    #[test]
    fn the_base_hides_older_locals() {
        let mut v = Vars::default();
        v.push_local(b"x", w("1"));
        v.base = 1;
        assert!(!v.is_local(b"x"));
        v.set(b"x", w("2"));
        assert_eq!(v.get(b"x"), &w("2")[..]);
        v.base = 0;
        assert_eq!(v.get(b"x"), &w("1")[..]);
    }

    #[test]
    fn many_globals_hash_apart() {
        let mut v = Vars::default();
        for i in 0..3000 {
            v.set(alloc::format!("v{i}").as_bytes(), w(&alloc::format!("{i}")));
        }
        for i in 0..3000 {
            assert_eq!(v.get(alloc::format!("v{i}").as_bytes()), &w(&alloc::format!("{i}"))[..]);
        }
        assert_eq!(v.globals_mut().count(), 3000);
        v.set1(b"v7", b"7");
        assert!(v.global(b"v7").unwrap().changed);
        v.global_mut(b"v7").unwrap().changed = false;
        v.set1(b"v7", b"7");
        assert!(!v.global(b"v7").unwrap().changed);
        v.set1(b"v7", b"8");
        assert_eq!(v.get(b"v7"), &w("8")[..]);
    }
}
