//! Steward's benchmark support: [`synth`] generates deterministic synthetic Jira instances and
//! renders them as snapshot v1 JSON. The simulator can reuse [`synth::Instance`] to serve the same
//! site over HTTP. [`chunks`] cuts a snapshot as the app stores it, for the measurement binaries.

pub mod synth;

/// The size of a chunk, about that of a chunk of a snapshot stored by the app (`src/forge/blobs.js`:
/// 1 MiB less 20 KiB, JSON-encoded).
pub const CHUNK_BYTES: usize = 1024 * 1024 - 20 * 1024;

/// `bytes` cut into chunks of at most [`CHUNK_BYTES`], each ending on a character boundary of UTF-8
/// (the app's chunks are texts; the reader would take any cut).
pub fn chunks(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let mut end = rest.len().min(CHUNK_BYTES);
        // Back to the start of a character (a byte that is not a continuation byte).
        while end < rest.len() && end > 1 && rest.get(end).is_some_and(|b| b & 0xC0 == 0x80) {
            end -= 1;
        }
        let (chunk, tail) = rest.split_at(end);
        out.push(chunk);
        rest = tail;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{CHUNK_BYTES, chunks};

    #[test]
    fn chunks_cover_the_bytes_in_order_and_end_on_characters() {
        // Odd: a cut at CHUNK_BYTES (even) would fall inside an `é`.
        let text = format!("a{}", "é".repeat(CHUNK_BYTES));
        let pieces = chunks(text.as_bytes());
        assert!(pieces.len() > 1);
        assert!(pieces.iter().all(|p| p.len() <= CHUNK_BYTES && std::str::from_utf8(p).is_ok()));
        assert!(pieces.concat() == text.as_bytes());
        assert!(chunks(b"").is_empty());
    }
}
