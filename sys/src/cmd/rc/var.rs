//! rc's variables: the port of 9front's `sys/src/cmd/rc/var.c`.
//!
//! What differs: 9front hashes global variables into `gvar` and chains
//! each thread's locals through `var.next`; here the globals are a
//! `BTreeMap` and the locals one stack shared by the threads of the tree
//! walker (see [`crate::exec`]), searched from the top down to the base of
//! the running thread. Keywords (`kenter`/`klook`) live in the lexer.

use alloc::collections::BTreeMap;
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
}

/// The variables: globals and the stack of locals.
#[derive(Default)]
pub struct Vars {
    pub globals: BTreeMap<Word, Var>,
    pub locals: Vec<Local>,
    /// Locals below this index belong to threads that cannot see them
    /// (a `.` file starts with no locals).
    pub base: usize,
}

impl Vars {
    /// var.c's `gvlook`: the global `name`, made if need be.
    pub fn gvlook(&mut self, name: &[u8]) -> &mut Var {
        if !self.globals.contains_key(name) {
            self.globals.insert(name.to_vec(), Var::default());
        }
        self.globals.get_mut(name).unwrap()
    }

    fn local_index(&self, name: &[u8]) -> Option<usize> {
        (self.base..self.locals.len()).rev().find(|&i| self.locals[i].name == name)
    }

    /// var.c's `vlook`, for reading: the value of `name`.
    pub fn get(&self, name: &[u8]) -> &[Word] {
        if let Some(i) = self.local_index(name) {
            return &self.locals[i].val;
        }
        self.globals.get(name).map(|v| &v.val[..]).unwrap_or(&[])
    }

    /// var.c's `setvar`: sets the innermost visible `name`.
    pub fn set(&mut self, name: &[u8], val: List) {
        if let Some(i) = self.local_index(name) {
            self.locals[i].val = val;
            // A local's change shows in the environment of commands run
            // while it lives; exported at Updenv with the locals.
            return;
        }
        let v = self.gvlook(name);
        v.val = val;
        v.changed = true;
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
        });
    }

    /// exec.c's `Xunlocal`: the hidden global must be exported again.
    pub fn pop_local(&mut self) {
        if let Some(l) = self.locals.pop() {
            if let Some(g) = self.globals.get_mut(&l.name) {
                g.changed = true;
            } else {
                self.gvlook(&l.name).changed = true;
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
        self.globals.get(name).and_then(|v| v.func.as_ref())
    }
}
