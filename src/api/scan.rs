//! A scan through the host: whole, as a paced job of one, resumed from a checkpoint, or a refresh
//! of a previous snapshot from the audit log.

use super::{Answer, ApiError, options};
use crate::collect;
use crate::collect::budget::Pacer;
use crate::collect::client::{Client, RetryPolicy};
use crate::host::Host;

/// Runs a full scan through `host` and answers `{snapshot, ledger, complete, checkpoint?}`; what
/// could not be read is in `snapshot.meta.gaps`. `options` is JSON (`ScanOptions`) or empty: with
/// `pacing` the scan keeps a points budget and a job time (the host's clock decides), with
/// `resume` it continues a checkpoint, with `refresh` it updates a previous snapshot from the
/// audit log.
pub async fn collect_json<H: Host>(host: &H, options_json: &str) -> String {
    let options = match options::<collect::plan::ScanOptions>(options_json) {
        Ok(options) => options,
        Err(error) => return Answer::<()>::from_result(Err(error), Vec::new()).to_json(),
    };
    let policy = RetryPolicy { max_retries: options.max_retries, ..RetryPolicy::default() };
    let client = match &options.pacing {
        None => Client::new(host, policy),
        Some(pacing) => {
            if let Err(error) = pacing.validate() {
                return Answer::<()>::from_result(Err(ApiError::new("bad-options", error.to_string())), Vec::new())
                    .to_json();
            }
            let Some(now) = host.now_ms() else {
                let error =
                    ApiError::new("no-clock", "pacing needs the host's clock, and the host has none (host.now)");
                return Answer::<()>::from_result(Err(error), Vec::new()).to_json();
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
            return Answer::<()>::from_result(Err(error), Vec::new()).to_json();
        }
    }
    let scan = collect::refresh::refresh(&client, options).await;
    let warnings = scan.warnings.clone();
    Answer::Success { result: scan, warnings }.to_json()
}
