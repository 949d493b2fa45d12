//! Helper servers of the tests as child processes (the SMTP server, the OpenID provider,
//! next-auth): [`start_server`] starts one and waits for the line in which it says where it
//! listens.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// How long a helper server may take to say where it listens.
pub const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A helper server started by [`start_server`]. Dropping `child` kills it.
#[derive(Debug)]
pub struct ServerProcess {
    /// Its standard input, open while this is kept (the helpers stop when it closes).
    pub stdin: ChildStdin,
    /// Its standard output, after the first line.
    pub stdout: Lines<BufReader<ChildStdout>>,
    /// The process.
    pub child: Child,
}

/// Starts `command` as a helper server (standard input and output piped, standard error
/// passed through, killed on drop) and waits up to [`START_TIMEOUT`] for the first line of its
/// output, in which such a server says where it listens. Returns the process and that line
/// (`None` when it closed its output first: it failed, and said why on standard error).
///
/// # Panics
///
/// When the command cannot run or says nothing in time; the message names the server with
/// `what` and says how to install what it needs with `help`.
pub async fn start_server(
    command: &mut Command,
    what: &str,
    help: &str,
) -> (ServerProcess, Option<String>) {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("could not run {what} ({e}); {help}"));
    let stdin = child.stdin.take().expect("piped stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
    let first = tokio::time::timeout(START_TIMEOUT, stdout.next_line())
        .await
        .unwrap_or_else(|_| panic!("{what} did not start within {START_TIMEOUT:?}; {help}"))
        .unwrap_or_else(|e| panic!("could not read the output of {what}: {e}"));
    let process = ServerProcess {
        stdin,
        stdout,
        child,
    };
    (process, first)
}
