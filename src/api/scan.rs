//! A scan through the host: whole, as a paced job of one, resumed from a checkpoint, or a refresh
//! of a previous snapshot from the audit log.

use super::{Answer, ApiError, options};
use crate::collect;
use serde::Serialize;

use crate::collect::budget::{Pacer, StopReason};
use crate::collect::client::Ledger;
use crate::collect::client::{Client, RetryPolicy};
use crate::collect::plan::{MetaOut, RefreshReport, Scan};
use crate::host::Host;

/// Runs a full scan through `host` and answers `{snapshot, ledger, complete, checkpoint?}`; what
/// could not be read is in `snapshot.meta.gaps`. `options` is JSON (`ScanOptions`) or empty: with
/// `pacing` the scan keeps a points budget and a job time (the host's clock decides), with
/// `resume` it continues a checkpoint, with `refresh` it updates a previous snapshot from the
/// audit log.
pub async fn collect_json<H: Host>(host: &H, options_json: &str) -> String {
    match run(host, options_json.to_owned()).await {
        Ok(scan) => {
            let warnings = scan.warnings.clone();
            Answer::Success { result: scan, warnings }.to_json()
        }
        Err(error) => Answer::<()>::from_result(Err(error), Vec::new()).to_json(),
    }
}

/// The scan's answer in two texts, so a host stores the large one without decoding it: `header`
/// is `collect_json`'s envelope with the snapshot cut to its `meta` and the checkpoint to what the
/// next job needs to be queued; `body` is the checkpoint's JSON when the scan stopped, else the
/// snapshot's (absent on failure). Only one of the two large texts is ever made.
pub async fn collect_parts<H: Host>(host: &H, options_json: String) -> ScanParts {
    let scan = match run(host, options_json).await {
        Ok(scan) => scan,
        Err(error) => {
            return ScanParts { header: Answer::<()>::from_result(Err(error), Vec::new()).to_json(), body: None };
        }
    };
    let Scan { snapshot, ledger, complete, checkpoint, refresh, warnings } = scan;
    let stop = checkpoint.as_ref().map(|c| CheckpointHeader {
        stopped_by: c.stopped_by,
        resume_after_seconds: c.resume_after_seconds,
        jobs: c.jobs,
        calls: c.calls,
        points: c.points,
    });
    let header =
        ScanHeader { meta: &snapshot.meta, ledger: &ledger, complete, checkpoint: stop, refresh: refresh.as_ref() };
    let header = Answer::Success { result: header, warnings }.to_json();
    let body = match checkpoint {
        Some(checkpoint) => {
            // The partial snapshot is in the checkpoint already: free it before writing the text.
            drop(snapshot);
            exact_json(&checkpoint)
        }
        None => exact_json(&snapshot),
    };
    match body {
        Ok(body) => ScanParts { header, body: Some(body) },
        Err(error) => ScanParts {
            header: Answer::<()>::from_result(
                Err(ApiError::new("encode", format!("the scan could not be encoded: {error}"))),
                Vec::new(),
            )
            .to_json(),
            body: None,
        },
    }
}

/// `value`'s JSON, written into a buffer of its exact size: counted first, then written. A
/// growing buffer doubles, and at each step holds the old and the new one: for an XL checkpoint
/// of 270 MB that was up to 768 MB beside the checkpoint itself, past Forge's memory.
fn exact_json<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    #[derive(Default)]
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count::default();
    serde_json::to_writer(&mut count, value)?;
    let mut bytes = Vec::with_capacity(count.0);
    serde_json::to_writer(&mut bytes, value)?;
    // serde_json writes UTF-8 only; a failure here would be its bug, answered as an error.
    String::from_utf8(bytes).map_err(|e| serde::ser::Error::custom(e.to_string()))
}

/// `collect_parts`'s answer.
pub struct ScanParts {
    pub header: String,
    pub body: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScanHeader<'a> {
    meta: &'a MetaOut,
    ledger: &'a Ledger,
    complete: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    checkpoint: Option<CheckpointHeader>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh: Option<&'a RefreshReport>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CheckpointHeader {
    stopped_by: StopReason,
    resume_after_seconds: u64,
    jobs: u32,
    calls: u64,
    points: u64,
}

/// Takes the options' text to free it once parsed: it holds the checkpoint, hundreds of MB at XL.
async fn run<H: Host>(host: &H, options_json: String) -> Result<Scan, ApiError> {
    let options = options::<collect::plan::ScanOptions>(&options_json)?;
    drop(options_json);
    let policy = RetryPolicy { max_retries: options.max_retries, ..RetryPolicy::default() };
    let client = match &options.pacing {
        None => Client::new(host, policy),
        Some(pacing) => {
            if let Err(error) = pacing.validate() {
                return Err(ApiError::new("bad-options", error.to_string()));
            }
            let Some(now) = host.now_ms() else {
                let error =
                    ApiError::new("no-clock", "pacing needs the host's clock, and the host has none (host.now)");
                return Err(error);
            };
            let spent = options.resume.as_ref().and_then(|c| c.hour_spend);
            Client::paced(host, policy, Pacer::new(pacing.clone(), now, spent))
        }
    };
    if let Some(checkpoint) = &options.resume {
        if checkpoint.checkpoint_version != collect::plan::CHECKPOINT_VERSION {
            let error = ApiError::new(
                "bad-checkpoint",
                format!("checkpoint version {} is not one this core reads", checkpoint.checkpoint_version),
            );
            return Err(error);
        }
    }
    Ok(collect::refresh::refresh(&client, options).await)
}

#[cfg(test)]
mod tests {
    use super::exact_json;

    #[test]
    fn exact_json_writes_what_serde_json_writes_into_a_buffer_of_that_size() {
        let value = serde_json::json!({"a": [1, 2, 3], "é": "line\nbreak \u{2028}", "n": null});
        let text = exact_json(&value).unwrap_or_default();
        assert_eq!(text, serde_json::to_string(&value).unwrap_or_default());
        assert_eq!(text.capacity(), text.len(), "no spare room");
    }
}
