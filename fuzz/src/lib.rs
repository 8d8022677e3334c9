//! What the fuzz targets share: splitting one input into several files, and the checks
//! every reader's errors must pass.

use esnctl::connectors::Connector;
use esnctl::core::progress::NoProgress;
use esnctl::error::{exit_code_of, ExitCode};
use futures::StreamExt;
use std::path::Path;

/// Splits `data` into `n` parts at NUL bytes (a NUL is never valid in the text formats
/// fuzzed here, so it is free to act as the separator); missing parts are empty.
pub fn split(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut parts: Vec<&[u8]> = data.splitn(n, |&b| b == 0).collect();
    parts.resize(n, &[]);
    parts
}

/// Writes `files` (relative name, content) under `dir`.
pub fn write_files(dir: &Path, files: &[(&str, &[u8])]) {
    for (name, bytes) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, bytes).unwrap();
    }
}

/// A temporary folder in memory (tmpfs) when the machine has one: each run writes files.
pub fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(d) = tempfile::tempdir_in(shm) {
            return d;
        }
    }
    tempfile::tempdir().unwrap()
}

/// Runs a reader's future as the binary does: on a tokio runtime (readers move file work
/// to `spawn_blocking`). One runtime per thread, kept across runs.
pub fn block_on<F: std::future::Future>(fut: F) -> F::Output {
    thread_local! {
        static RT: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
    }
    RT.with(|rt| rt.block_on(fut))
}

/// A reader's error on local, readable files must be invalid data (exit 3), in one line.
pub fn check_error(err: &anyhow::Error) {
    let msg = format!("{err:#}");
    assert_eq!(
        exit_code_of(err),
        ExitCode::InvalidData,
        "bad input must exit 3: {msg}"
    );
    assert!(!msg.contains('\n'), "error message spans lines: {msg:?}");
}

/// Reads an export's users, then its whole content stream, as `content copy` does; every
/// error must pass [`check_error`]. The stream stops at its first error, like a copy.
pub fn read_export(conn: &dyn Connector) {
    block_on(async {
        if let Err(e) = conn.as_read_users().unwrap().read_users(&NoProgress).await {
            check_error(&e);
        }
        match conn.as_read_content().unwrap().read_content() {
            Err(e) => check_error(&e),
            Ok(mut stream) => {
                while let Some(item) = stream.next().await {
                    if let Err(e) = item {
                        check_error(&e);
                        break;
                    }
                }
            }
        }
    });
}
