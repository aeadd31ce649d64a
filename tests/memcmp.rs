//! crates/wasm-memcmp: the comparison the wasm build's `memcmp` and `bcmp` run, against a byte at
//! a time, for every length 0–40 and a differing byte at every offset, in both directions and
//! across the 0x7f/0x80 line (bytes compare unsigned). Natively and in wasm, where the same
//! function sits behind every slice and string comparison.
#![allow(clippy::indexing_slicing, reason = "tests fail loudly on a bad fixture")]

use std::cmp::Ordering;

use wasm_memcmp::compare;

fn reference(a: &[u8], b: &[u8]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    Ordering::Equal
}

fn bytes(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(37).wrapping_add(seed)).collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn equal_slices_compare_equal() {
    for len in 0..=40 {
        let a = bytes(len, 3);
        assert_eq!(compare(&a, &a.clone()), Ordering::Equal, "length {len}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_first_differing_byte_decides() {
    for len in 1..=40 {
        for at in 0..len {
            for (x, y) in [(0x10u8, 0x11u8), (0x7f, 0x80), (0x00, 0xff), (b'a', b'b')] {
                let mut a = bytes(len, 5);
                let mut b = a.clone();
                a[at] = x;
                b[at] = y;
                // A later difference the other way round must not matter.
                if at + 1 < len {
                    a[len - 1] = 0xff;
                    b[len - 1] = 0x00;
                }
                assert_eq!(compare(&a, &b), Ordering::Less, "length {len}, byte {at}: {x:#x} < {y:#x}");
                assert_eq!(compare(&b, &a), Ordering::Greater, "length {len}, byte {at}: {y:#x} > {x:#x}");
                assert_eq!(compare(&a, &b), reference(&a, &b));
            }
        }
    }
}

/// In wasm this goes through the crate's `memcmp`/`bcmp` (the slice and string comparisons call
/// them); natively through the C library's. Same answers either way.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn slice_and_string_comparisons_agree_with_the_reference() {
    let ids = [
        "712020:77229ce5-a616-4fa3-9901-9cbc05833dd8",
        "712020:77229ce5-a616-4fa3-9901-9cbc05833dd9",
        "712020:77229ce5-a616-4fa3-9901-9cbc05833dd",
        "5e8b771d0caafa27fd8bdc2a",
        "5e8b771d0caafa27fd8bdc2b",
        "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077",
        "",
        "é",
        "e",
    ];
    for a in ids {
        for b in ids {
            let common = a.len().min(b.len());
            let expected = reference(&a.as_bytes()[..common], &b.as_bytes()[..common]).then(a.len().cmp(&b.len()));
            assert_eq!(a.cmp(b), expected, "{a:?} against {b:?}");
            assert_eq!(a == b, expected == Ordering::Equal, "{a:?} == {b:?}");
            let (owned_a, owned_b) = (String::from(a), String::from(b));
            assert_eq!(owned_a == owned_b, a == b, "{a:?} == {b:?} as Strings");
        }
    }
}
