//! `memcmp` and `bcmp` for `wasm32-unknown-unknown`, eight bytes at a time.
//!
//! Rust compares byte slices and strings (`==` on `String` keys in hash maps, `Ord` in B-tree
//! maps) by calling `memcmp`/`bcmp`; on wasm32 those come from compiler-builtins, which compares
//! one byte per loop iteration, where a native target's C library uses vector instructions. The
//! analysis compares account, group and role ids (24 to 43 bytes) millions of times, and that loop
//! was about 5 % of the wasm analysis of the M benchmark site. Linking this crate gives the wasm
//! build strong definitions of both symbols, which take the place of compiler-builtins' weak ones.
//!
//! Elsewhere [`compare`] is an ordinary safe function (tested natively and in wasm against a
//! byte-at-a-time reference) and no symbol is defined.
#![no_std]
// LLVM may turn a comparison loop into a call to `memcmp` or `bcmp`: here that would be a call to
// itself.
#![no_builtins]

use core::cmp::Ordering;

/// Compares `a` and `b` as `memcmp` does: by their first differing byte (unsigned), or as equal.
/// The slices must have the same length; a longer one's extra bytes are not compared.
#[inline]
pub fn compare(a: &[u8], b: &[u8]) -> Ordering {
    let mut words_a = a.chunks_exact(8);
    let mut words_b = b.chunks_exact(8);
    for (x, y) in (&mut words_a).zip(&mut words_b) {
        let (x, y) = (word(x), word(y));
        if x != y {
            // Little-endian: the lowest differing bit lies in the first differing byte.
            let shift = (x ^ y).trailing_zeros() / 8 * 8;
            return ((x >> shift) as u8).cmp(&((y >> shift) as u8));
        }
    }
    for (x, y) in words_a.remainder().iter().zip(words_b.remainder()) {
        if x != y {
            return x.cmp(y);
        }
    }
    Ordering::Equal
}

#[inline(always)]
fn word(bytes: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(bytes);
    u64::from_le_bytes(w)
}

#[cfg(target_arch = "wasm32")]
mod symbols {
    use core::cmp::Ordering;

    /// # Safety
    /// `a` and `b` point to `n` readable bytes each (the C contract of `memcmp`).
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
        if n == 0 {
            return 0;
        }
        // SAFETY: the caller's contract.
        let (a, b) = unsafe { (core::slice::from_raw_parts(a, n), core::slice::from_raw_parts(b, n)) };
        match super::compare(a, b) {
            Ordering::Less => -1,
            Ordering::Equal => 0,
            Ordering::Greater => 1,
        }
    }

    /// # Safety
    /// As [`memcmp`]; only zero (equal) or not matters.
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
        // SAFETY: the caller's contract.
        unsafe { memcmp(a, b, n) }
    }
}
