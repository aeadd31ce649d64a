//! How the snapshot decoder (serde_json) reads strings: every character that ends a run of plain
//! content (`"`, `\`, a control character) and every non-ASCII one is tried at every offset of
//! strings up to 49 bytes long (across any 8- or 16-byte steps a scanner may take), read from a
//! `&str` and from bytes, kept and skipped, natively and in wasm.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests fail loudly on a bad fixture")]

use serde::Deserialize;
use serde::de::IgnoredAny;

#[derive(Debug, Deserialize, PartialEq)]
struct Kept {
    name: String,
    after: u32,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Skipped {
    after: u32,
}

/// `len` plain characters: letters, none of which ends a run.
fn plain(len: usize) -> String {
    (0..len).map(|i| char::from(b'a' + (i % 26) as u8)).collect()
}

/// A document whose kept string is `len` plain characters with the raw byte `byte` at `at`.
fn with_byte_at(len: usize, at: usize, byte: u8) -> Vec<u8> {
    let mut value = plain(len).into_bytes();
    value.insert(at, byte);
    [br#"{"name": ""#.as_slice(), &value, br#"", "after": 1}"#].concat()
}

/// A string of `len` plain characters with `special` (JSON-escaped as `escaped`) at `at`.
fn cases() -> Vec<(String, String)> {
    let specials: [(&str, &str); 7] =
        [("\"", "\\\""), ("\\", "\\\\"), ("\n", "\\n"), ("\u{1}", "\\u0001"), ("é", "é"), ("→", "→"), ("🤖", "🤖")];
    let mut out = Vec::new();
    for len in [0usize, 1, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 33, 47, 48, 49] {
        let plain = plain(len);
        out.push((plain.clone(), plain.clone()));
        for at in 0..=len {
            for (raw, escaped) in specials {
                let value = format!("{}{raw}{}", &plain[..at], &plain[at..]);
                let json = format!("{}{escaped}{}", &plain[..at], &plain[at..]);
                out.push((value, json));
            }
        }
    }
    out
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_special_character_at_every_offset_reads_the_same_from_text_and_bytes() {
    for (value, json) in cases() {
        let doc = format!(r#"{{"name": "{json}", "skip": "{json}", "after": 7}}"#);
        let expected = Kept { name: value.clone(), after: 7 };
        assert_eq!(serde_json::from_str::<Kept>(&doc).unwrap(), expected, "{doc}");
        assert_eq!(serde_json::from_slice::<Kept>(doc.as_bytes()).unwrap(), expected, "{doc}");
        // Skipped, the string still ends where it ends: the field after it is read.
        assert_eq!(serde_json::from_str::<Skipped>(&doc).unwrap(), Skipped { after: 7 }, "{doc}");
        assert_eq!(serde_json::from_slice::<Skipped>(doc.as_bytes()).unwrap(), Skipped { after: 7 }, "{doc}");
        let borrowed: std::collections::BTreeMap<&str, IgnoredAny> = serde_json::from_str(&doc).unwrap();
        assert_eq!(borrowed.len(), 3, "{doc}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_raw_control_character_at_any_offset_is_an_error() {
    for len in [0usize, 5, 15, 16, 17, 31, 40] {
        for at in 0..=len {
            let doc = with_byte_at(len, at, 0x1f);
            let error = serde_json::from_slice::<Kept>(&doc).unwrap_err();
            assert!(error.to_string().contains("control character"), "{error}");
            let text = String::from_utf8(doc).unwrap();
            assert!(serde_json::from_str::<Skipped>(&text).is_err(), "{text:?}");
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn bytes_that_are_not_utf8_in_a_kept_string_are_an_error_at_any_offset() {
    for len in [0usize, 7, 16, 17, 33] {
        for at in 0..=len {
            let doc = with_byte_at(len, at, 0xff);
            let error = serde_json::from_slice::<Kept>(&doc).unwrap_err();
            assert!(error.to_string().contains("invalid unicode code point"), "{error}");
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_unterminated_string_is_an_error_whatever_its_length() {
    for len in 0..40 {
        let plain = plain(len);
        let doc = format!(r#"{{"name": "{plain}"#);
        let error = serde_json::from_str::<Kept>(&doc).unwrap_err();
        assert!(error.is_eof(), "{doc}: {error}");
        assert!(serde_json::from_slice::<Skipped>(format!(r#"{{"skip": "{plain}"#).as_bytes()).unwrap_err().is_eof());
    }
}
