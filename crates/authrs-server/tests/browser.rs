//! The browser conformance suite (`tests/browser/run.mjs`): the real next-auth v3, v4 and v5
//! React clients, built by Vite, against this `authrs` binary in headless Chromium
//! (playwright-core), with a real OpenID provider (`tests/oidc-provider`).
//!
//! It needs `node`, the npm packages of `tests/browser` and `tests/oidc-provider` (`npm ci
//! --prefix tests/browser && npm run build --prefix tests/browser`, `npm ci --prefix
//! tests/oidc-provider`, which `scripts/test` runs) and Chromium (`/usr/bin/chromium`, the
//! Debian package `chromium`, or the path in `CHROMIUM`). Without any of them the test fails
//! saying which; it never skips.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Panics with `message` and how to install what is missing.
fn missing(message: &str) -> ! {
    panic!(
        "{message}\nThe browser suite needs Node.js 20+, `npm ci --prefix tests/browser && npm run \
         build --prefix tests/browser`, `npm ci --prefix tests/oidc-provider` (from the workspace \
         root) and Chromium (`apt-get install chromium`, or CHROMIUM=/path/to/chromium); \
         scripts/test installs all of them."
    )
}

#[test]
fn next_auth_clients_in_chromium() {
    let workspace = workspace();
    let suite = workspace.join("tests/browser");

    match Command::new("node").arg("--version").output() {
        Ok(output) if output.status.success() => {}
        Ok(output) => missing(&format!("`node --version` failed: {:?}", output.status)),
        Err(error) => missing(&format!("could not run `node`: {error}")),
    }
    for package in [
        "playwright-core",
        "vite",
        "next-auth-v3",
        "next-auth-v4",
        "next-auth-v5",
    ] {
        if !suite.join("node_modules").join(package).is_dir() {
            missing(&format!(
                "{} is missing",
                suite.join("node_modules").join(package).display()
            ));
        }
    }
    if !workspace
        .join("tests/oidc-provider/node_modules/oidc-provider")
        .is_dir()
    {
        missing("the npm packages of tests/oidc-provider are missing");
    }
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    if !Path::new(&chromium).is_file() {
        missing(&format!("no Chromium at {chromium}"));
    }

    let output = Command::new("node")
        .arg(suite.join("run.mjs"))
        .current_dir(&workspace)
        .env("AUTHRS_BIN", env!("CARGO_BIN_EXE_authrs"))
        .env("CHROMIUM", &chromium)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|error| {
            missing(&format!(
                "could not run `node tests/browser/run.mjs`: {error}"
            ))
        });
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the browser suite failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    // One line per check, shown with `--nocapture`.
    println!("{stdout}{stderr}");
}
