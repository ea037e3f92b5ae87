//! Integer-keyed maps: a port of 9front's `sys/src/lib9p/intmap.c`, the
//! tables lib9p keeps fids and tags in.
//!
//! What differs from 9front: a `BTreeMap` under a spin lock instead of a
//! 128-bucket hash under an RWLock; values are cloned out (they are
//! `Arc`s) instead of having an `inc` callback take a reference.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

/// A map from ids to `V`s.
pub struct Intmap<V> {
    m: spin::Mutex<BTreeMap<u64, V>>,
}

impl<V: Clone> Intmap<V> {
    /// `allocmap`.
    pub const fn new() -> Intmap<V> {
        Intmap { m: spin::Mutex::new(BTreeMap::new()) }
    }
    /// `lookupkey`.
    pub fn lookupkey(&self, id: u64) -> Option<V> {
        self.m.lock().get(&id).cloned()
    }
    /// `insertkey`: sets the value; returns the old one.
    pub fn insertkey(&self, id: u64, v: V) -> Option<V> {
        self.m.lock().insert(id, v)
    }
    /// `caninsertkey`: inserts only if `id` is free.
    pub fn caninsertkey(&self, id: u64, v: V) -> bool {
        let mut m = self.m.lock();
        if m.contains_key(&id) {
            return false;
        }
        m.insert(id, v);
        true
    }
    /// `deletekey`.
    pub fn deletekey(&self, id: u64) -> Option<V> {
        self.m.lock().remove(&id)
    }
    /// Removes `id` only if `keep` says its value is the one meant.
    pub fn deleteif(&self, id: u64, keep: impl FnOnce(&V) -> bool) -> Option<V> {
        let mut m = self.m.lock();
        match m.get(&id) {
            Some(v) if keep(v) => m.remove(&id),
            _ => None,
        }
    }
    /// `freemap`: empties the map, returning what it held.
    pub fn drain(&self) -> Vec<V> {
        let m = core::mem::take(&mut *self.m.lock());
        m.into_values().collect()
    }
    pub fn len(&self) -> usize {
        self.m.lock().len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<V: Clone> Default for Intmap<V> {
    fn default() -> Self {
        Intmap::new()
    }
}
