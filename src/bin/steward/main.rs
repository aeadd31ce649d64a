//! `steward`: the command line over the same core the Forge app runs. `steward help` lists the
//! commands, `steward COMMAND --help` the options of each (`cli.rs`).
//!
//! Everything but `audit` reads files; `audit` is the one command that talks to Jira (`http.rs`).
//! The command line is native only: a wasm build has no files, processes or sockets, and takes
//! none of its crates.

#[cfg(not(target_arch = "wasm32"))]
mod audit;
#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(not(target_arch = "wasm32"))]
mod http;
#[cfg(not(target_arch = "wasm32"))]
mod progress;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

// `cargo build --target wasm32-unknown-unknown --all-targets` builds this binary too.
#[cfg(target_arch = "wasm32")]
fn main() {}
