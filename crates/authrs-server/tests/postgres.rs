//! Several `authrs serve` processes on one PostgreSQL database behave as one server: a session
//! made through one is valid on the others, and signing out on one ends it everywhere.
//!
//! Each test creates a database of its own on the server named by `AUTHRS_TEST_POSTGRES_URL`
//! (`scripts/test` starts a throwaway one) and fails, never skips, without it.

mod support;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use authrs_test_support::postgres::{OwnServer, PostgresDatabase};
use support::{Client, Server, TempDir, authrs, request, user_command};

const BASE: &str = "/api/auth";
const SECRET: &str = "0123456789abcdef0123456789abcdef-shared-by-instances";

#[test]
fn two_instances_on_one_postgres_behave_as_one() {
    let database = PostgresDatabase::create();
    let dir = TempDir::new("postgres-two");
    let env = [
        ("AUTHRS_SECRET", SECRET),
        ("AUTHRS_DATABASE_URL", database.url.as_str()),
    ];
    let added = user_command(
        dir.path(),
        &["add", "ada@example.com", "--name", "Ada"],
        &env,
        b"analytical engine\n",
    );
    assert!(added.starts_with("added ada@example.com"), "{added}");
    let list = user_command(dir.path(), &["list"], &env, b"");
    assert!(list.contains("ada@example.com  Ada"), "{list}");

    let a = Server::start(dir.path(), &env);
    let b = Server::start(dir.path(), &env);
    assert_ne!(a.addr, b.addr);
    for server in [&a, &b] {
        assert!(
            server.log().contains("(PostgreSQL), database sessions"),
            "{}",
            server.log()
        );
        assert!(!server.log().contains("demo account"), "{}", server.log());
    }

    // Sign in through A.
    let mut on_a = Client::new(a.addr);
    let callback = on_a.sign_in_with_email(BASE, "ada@example.com", "analytical engine");
    assert_eq!(callback.status, 200, "{}", callback.body);
    assert_eq!(on_a.session(BASE)["user"]["email"], "ada@example.com");

    // The same cookie on B (a browser would send it to both behind one host name).
    let mut on_b = Client::new(b.addr);
    on_b.jar = on_a.jar.clone();
    let session = on_b.session(BASE);
    assert_eq!(session["user"]["email"], "ada@example.com", "{session}");
    assert_eq!(session["user"]["name"], "Ada");

    // Signing out on A ends the session on B (which had it cached) within the bound, and on
    // A at once.
    let signed_out = on_a.sign_out(BASE);
    assert_eq!(signed_out.status, 200, "{}", signed_out.body);
    assert!(!on_a.jar.has("next-auth.session-token"));
    on_b.until_signed_out(BASE);
    assert_eq!(on_a.get(&format!("{BASE}/session")).body, "{}");

    // A new sign-in on B is valid on A: either way round.
    let mut again = Client::new(b.addr);
    assert_eq!(
        again
            .sign_in_with_email(BASE, "ada@example.com", "analytical engine")
            .status,
        200
    );
    again.addr = a.addr;
    assert_eq!(again.session(BASE)["user"]["email"], "ada@example.com");

    for server in [a, b] {
        let (status, log) = server.terminate();
        assert!(status.success(), "{log}");
        assert!(log.contains("closed the database"), "{log}");
    }
}

#[test]
fn two_instances_starting_at_once_on_an_empty_postgres_database_both_come_up() {
    let database = PostgresDatabase::create();
    let dir = TempDir::new("postgres-concurrent");
    let env = [
        ("AUTHRS_SECRET", SECRET),
        ("AUTHRS_DATABASE_URL", database.url.as_str()),
    ];
    // Both processes are spawned before either is waited for, so their migrations race.
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(|| Server::start(dir.path(), &env));
        let b = scope.spawn(|| Server::start(dir.path(), &env));
        (a.join().unwrap(), b.join().unwrap())
    });
    for server in [&a, &b] {
        let mut client = Client::new(server.addr);
        assert_eq!(client.get("/healthz").body, "ok");
        // The schema is complete on both: a session read reaches the tables.
        client.jar.set("next-auth.session-token", "no-such-session");
        assert_eq!(client.get(&format!("{BASE}/session")).body, "{}");
    }
    // And the database works for accounts made afterwards.
    user_command(
        dir.path(),
        &["add", "ada@example.com"],
        &env,
        b"analytical engine\n",
    );
    let mut client = Client::new(b.addr);
    let callback = client.sign_in_with_email(BASE, "ada@example.com", "analytical engine");
    assert_eq!(callback.status, 200, "{}", callback.body);
}

#[test]
fn two_instances_share_one_password_guessing_budget() {
    let database = PostgresDatabase::create();
    let dir = TempDir::new("postgres-budget");
    let env = [
        ("AUTHRS_SECRET", SECRET),
        ("AUTHRS_DATABASE_URL", database.url.as_str()),
    ];
    user_command(
        dir.path(),
        &["add", "ada@example.com", "--name", "Ada"],
        &env,
        b"analytical engine\n",
    );
    let a = Server::start(dir.path(), &env);
    let b = Server::start(dir.path(), &env);
    // Five guesses per account and network per window, shared: three on A, two on B, then
    // the next is refused on either.
    let mut statuses = Vec::new();
    for (n, server) in [&a, &a, &a, &b, &b, &a, &b].into_iter().enumerate() {
        let mut client = Client::new(server.addr);
        let answer = client.sign_in_with_email(BASE, "ada@example.com", &format!("guess {n}"));
        statuses.push(answer.status);
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429]);
    for server in [a, b] {
        let (status, log) = server.terminate();
        assert!(status.success(), "{log}");
    }
}

/// Relays every connection made to `listener` to `target`, both ways, until either side
/// closes: a database server that "comes up" when the relay starts.
fn relay(listener: TcpListener, target: SocketAddr) {
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            let Ok(upstream) = TcpStream::connect(target) else {
                continue;
            };
            let pipe = |mut from: TcpStream, mut to: TcpStream| {
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut from, &mut to);
                    let _ = to.shutdown(std::net::Shutdown::Write);
                });
            };
            pipe(client.try_clone().unwrap(), upstream.try_clone().unwrap());
            pipe(upstream, client);
        }
    });
}

#[test]
fn a_server_started_before_postgres_is_up_waits_for_it_then_serves() {
    let database = PostgresDatabase::create();
    let mut url = url::Url::parse(&database.url).unwrap();
    let target: SocketAddr = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap())
        .parse()
        .unwrap();
    // A port where nothing listens yet.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    url.set_port(Some(port)).unwrap();
    let dir = TempDir::new("postgres-late");
    let env = [
        ("AUTHRS_SECRET", SECRET),
        ("AUTHRS_DATABASE_URL", url.as_str()),
    ];
    let mut server = Server::spawn(authrs(dir.path(), &["--bind", "127.0.0.1:0"], &env));
    let waiting = server.wait_for_line("is not reachable yet").unwrap();
    assert!(waiting.contains("postgres.connect_retry"), "{waiting}");
    // The database comes up on that port: start-up carries on.
    relay(TcpListener::bind(("127.0.0.1", port)).unwrap(), target);
    server.wait_until_listening();
    assert!(
        server.log().contains("(PostgreSQL), database sessions"),
        "{}",
        server.log()
    );
    assert_eq!(request(server.addr, "GET", "/healthz", &[], "").status, 200);
}

#[test]
fn a_statement_stuck_behind_a_lock_answers_503_within_the_statement_timeout() {
    let database = PostgresDatabase::create();
    let dir = TempDir::new("postgres-lock");
    let env = [
        ("AUTHRS_SECRET", SECRET),
        ("AUTHRS_DATABASE_URL", database.url.as_str()),
        ("AUTHRS_POSTGRES_STATEMENT_TIMEOUT", "1"),
    ];
    user_command(
        dir.path(),
        &["add", "ada@example.com"],
        &env,
        b"analytical engine\n",
    );
    let server = Server::start(dir.path(), &env);
    let mut client = Client::new(server.addr);
    let signed_in = client.sign_in_with_email(BASE, "ada@example.com", "analytical engine");
    assert_eq!(signed_in.status, 200, "{}", signed_in.body);
    // Something holds the sessions table (a stuck transaction, a long migration): the
    // session read waits for it only as long as the statement timeout.
    let lock = database.lock_table("sessions");
    let started = Instant::now();
    let answer = client.get(&format!("{BASE}/session"));
    assert_eq!(answer.status, 503, "{answer:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "answered after {:?}",
        started.elapsed()
    );
    drop(lock);
    assert_eq!(client.session(BASE)["user"]["email"], "ada@example.com");
}

#[test]
fn a_database_that_goes_away_answers_503_for_database_sessions_while_jwt_goes_on_then_resumes() {
    let mut postgres = OwnServer::start();
    let url = postgres.url("postgres", "127.0.0.1", "");
    let dir = TempDir::new("postgres-away");
    let database = [
        ("AUTHRS_SECRET", SECRET),
        ("AUTHRS_DATABASE_URL", url.as_str()),
        ("AUTHRS_POSTGRES_ACQUIRE_TIMEOUT", "1"),
    ];
    let mut jwt = database.to_vec();
    jwt.push(("AUTHRS_SESSION_STRATEGY", "jwt"));
    user_command(
        dir.path(),
        &["add", "ada@example.com"],
        &database,
        b"analytical engine\n",
    );
    let with_database = Server::start(dir.path(), &database);
    let with_jwt = Server::start(dir.path(), &jwt);
    let mut on_database = Client::new(with_database.addr);
    let mut on_jwt = Client::new(with_jwt.addr);
    for client in [&mut on_database, &mut on_jwt] {
        let signed_in = client.sign_in_with_email(BASE, "ada@example.com", "analytical engine");
        assert_eq!(signed_in.status, 200, "{}", signed_in.body);
    }

    postgres.pause();
    let started = Instant::now();
    let answer = on_database.get(&format!("{BASE}/session"));
    assert_eq!(answer.status, 503, "{answer:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "answered after {:?}",
        started.elapsed()
    );
    // A JWT session is read from its cookie alone.
    assert_eq!(on_jwt.session(BASE)["user"]["email"], "ada@example.com");

    // Back up: the same process serves the database session again.
    postgres.resume(&[]);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let answer = on_database.get(&format!("{BASE}/session"));
        if answer.status == 200 {
            assert!(answer.body.contains("ada@example.com"), "{answer:?}");
            break;
        }
        assert_eq!(answer.status, 503, "{answer:?}");
        assert!(Instant::now() < deadline, "not served again after 10 s");
        std::thread::sleep(Duration::from_millis(200));
    }
    for server in [with_database, with_jwt] {
        let (status, log) = server.terminate();
        assert!(status.success(), "{log}");
    }
}
