//! The browser conformance suite (`tests/browser/run.mjs`): the real next-auth v3, v4 and v5
//! React clients, built by Vite, and the Leptos app of `examples/leptos-app` (authrs-leptos,
//! built to WebAssembly by `scripts/build-leptos-app`), against this `authrs` binary in
//! headless Chromium (playwright-core), with a real OpenID provider (`tests/oidc-provider`).
//!
//! The Leptos test needs the wasm toolchain (`scripts/build-leptos-app --install`, which
//! `scripts/test` runs); without it the test fails saying so.
//!
//! It needs `node`, the npm packages of `tests/browser` and `tests/oidc-provider` (`npm ci
//! --prefix tests/browser && npm run build --prefix tests/browser`, `npm ci --prefix
//! tests/oidc-provider`, which `scripts/test` runs) and Chromium (`/usr/bin/chromium`, the
//! Debian package `chromium`, or the path in `CHROMIUM`). Without any of them the test fails
//! saying which; it never skips.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

/// One suite at a time: each starts Chromium and servers, and two at once on a small machine
/// make the checks' timeouts race.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

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
    run_suite("v3,v4,v5", &[]);
}

/// The built-in pages themselves: every shipped language the checks name, light, dark and a
/// phone's width, with screenshots in `target/browser-screenshots/pages-*.png`.
#[test]
fn built_in_pages_in_chromium() {
    run_suite("pages", &[]);
}

#[test]
fn leptos_app_in_chromium() {
    let workspace = workspace();
    let out = workspace.join("target/leptos-app");
    // Built here, so the test always drives the current source (incremental: seconds when
    // nothing changed).
    let build = Command::new("bash")
        .arg(workspace.join("scripts/build-leptos-app"))
        .arg(&out)
        .current_dir(&workspace)
        .stdin(Stdio::null())
        .output()
        .expect("could not run scripts/build-leptos-app");
    if !build.status.success() {
        let stderr = String::from_utf8_lossy(&build.stderr);
        let last: Vec<&str> = stderr.lines().rev().take(60).collect();
        let last: Vec<&str> = last.into_iter().rev().collect();
        panic!(
            "scripts/build-leptos-app failed ({}); the end of its output:\n{}",
            build.status,
            last.join("\n")
        );
    }
    run_suite("leptos,leptos-v5", &[("LEPTOS_APP", out.as_os_str())]);
}

fn run_suite(generations: &str, env: &[(&str, &std::ffi::OsStr)]) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
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
        .env("GENERATIONS", generations)
        .envs(env.iter().copied())
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
