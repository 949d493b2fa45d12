//! TLS to PostgreSQL with libpq's URL parameters (`sslmode`, `sslrootcert`, `sslcert`,
//! `sslkey`), against a PostgreSQL server of this test's own with `ssl = on` and certificates
//! from a CA the test makes (`authrs_test_support::postgres::OwnServer`).

use std::path::Path;

use authrs_sqlx::{Database, DatabaseUrl};
use authrs_test_support::TempDir;
use authrs_test_support::postgres::OwnServer;
use rcgen::{BasicConstraints, Certificate, CertificateParams, DnType, IsCa, KeyPair};

/// A CA: its certificate and key.
fn ca(name: &str) -> (Certificate, KeyPair) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    (params.self_signed(&key).unwrap(), key)
}

/// A certificate signed by `issuer` for the DNS names `names` and the common name `cn`,
/// written to `dir` as `<file>.crt` and `<file>.key`.
fn issue(dir: &Path, file: &str, names: &[&str], cn: &str, issuer: &(Certificate, KeyPair)) {
    let key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, cn);
    let cert = params.signed_by(&key, &issuer.0, &issuer.1).unwrap();
    std::fs::write(dir.join(format!("{file}.crt")), cert.pem()).unwrap();
    std::fs::write(dir.join(format!("{file}.key")), key.serialize_pem()).unwrap();
}

async fn connects(url: &str) -> Result<(), String> {
    let url = DatabaseUrl::parse(url).map_err(|e| e.to_string())?;
    let database = Database::connect(&url)
        .await
        .map_err(|e| url.scrub(&e.to_string()))?;
    database.close().await;
    Ok(())
}

#[tokio::test]
async fn tls_modes_against_a_server_with_a_certificate_from_a_test_ca() {
    let dir = TempDir::new("postgres-tls");
    let ours = ca("authrs test CA");
    let theirs = ca("another CA");
    // The server's certificate names `localhost` only, not 127.0.0.1.
    issue(dir.path(), "server", &["localhost"], "localhost", &ours);
    std::fs::write(dir.join("root.crt"), ours.0.pem()).unwrap();
    std::fs::write(dir.join("ca.pem"), ours.0.pem()).unwrap();
    std::fs::write(dir.join("other-ca.pem"), theirs.0.pem()).unwrap();
    // A client certificate for the role `certuser`, which may only sign in with one.
    issue(dir.path(), "client", &[], "certuser", &ours);
    let hba = "hostssl all certuser 127.0.0.1/32 cert\n\
               host all postgres 127.0.0.1/32 trust\n\
               local all all trust";
    let server = OwnServer::start_tls(dir.path(), Some(hba));
    let ca = dir.join("ca.pem").display().to_string();
    let other = dir.join("other-ca.pem").display().to_string();
    let client = format!(
        "sslcert={}&sslkey={}",
        dir.join("client.crt").display(),
        dir.join("client.key").display()
    );

    // The role that needs a client certificate.
    let admin: sqlx::postgres::PgConnectOptions = server
        .url("postgres", "127.0.0.1", "sslmode=require")
        .parse()
        .unwrap();
    let mut conn = sqlx::ConnectOptions::connect(&admin).await.unwrap();
    sqlx::query("CREATE ROLE certuser LOGIN SUPERUSER")
        .execute(&mut conn)
        .await
        .unwrap();

    // (what, role, host, query, connects)
    let cases = [
        (
            "verify-full, our CA, the certificate's name",
            "postgres",
            "localhost",
            format!("sslmode=verify-full&sslrootcert={ca}"),
            true,
        ),
        (
            "verify-full, another CA",
            "postgres",
            "localhost",
            format!("sslmode=verify-full&sslrootcert={other}"),
            false,
        ),
        (
            "verify-full, a name the certificate lacks",
            "postgres",
            "127.0.0.1",
            format!("sslmode=verify-full&sslrootcert={ca}"),
            false,
        ),
        (
            "verify-ca, our CA",
            "postgres",
            "localhost",
            format!("sslmode=verify-ca&sslrootcert={ca}"),
            true,
        ),
        (
            // As libpq: verify-ca checks the chain, not the name (sqlx 0.8 refused this,
            // launchbadge/sqlx#3793).
            "verify-ca, our CA, a name the certificate lacks",
            "postgres",
            "127.0.0.1",
            format!("sslmode=verify-ca&sslrootcert={ca}"),
            true,
        ),
        (
            "verify-ca, another CA, a name the certificate lacks",
            "postgres",
            "127.0.0.1",
            format!("sslmode=verify-ca&sslrootcert={other}"),
            false,
        ),
        (
            "verify-ca, another CA",
            "postgres",
            "localhost",
            format!("sslmode=verify-ca&sslrootcert={other}"),
            false,
        ),
        (
            "require: encrypted, not verified",
            "postgres",
            "127.0.0.1",
            "sslmode=require".to_owned(),
            true,
        ),
        (
            "the platform's roots, which lack the test CA",
            "postgres",
            "localhost",
            "sslmode=verify-full&sslrootcert=system".to_owned(),
            false,
        ),
        (
            "a role that needs a client certificate, without one",
            "certuser",
            "localhost",
            format!("sslmode=verify-full&sslrootcert={ca}"),
            false,
        ),
        (
            "a role that needs a client certificate, with it",
            "certuser",
            "localhost",
            format!("sslmode=verify-full&sslrootcert={ca}&{client}"),
            true,
        ),
    ];
    for (what, role, host, query, expected) in cases {
        let result = connects(&server.url(role, host, &query)).await;
        assert_eq!(result.is_ok(), expected, "{what}: {result:?}");
    }
}
