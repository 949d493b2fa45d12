//! TLS to PostgreSQL with libpq's URL parameters (`sslmode`, `sslrootcert`, `sslcert`,
//! `sslkey`), against a PostgreSQL server of this test's own with `ssl = on` and certificates
//! from a CA the test makes (`authrs_test_support::postgres::TlsServer`).

use std::path::Path;

use authrs_sqlx::{Database, DatabaseUrl};
use authrs_test_support::TempDir;
use authrs_test_support::postgres::TlsServer;
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
    let server = TlsServer::start(dir.path(), Some(hba));
    let ca_file = dir.join("ca.pem");
    let ca_file = ca_file.display();
    let other = dir.join("other-ca.pem");
    let other = other.display();

    // verify-full with our CA, to the name on the certificate: connects.
    let full = server.url(
        "postgres",
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={ca_file}"),
    );
    connects(&full).await.unwrap();
    // Another CA: refused.
    let wrong_ca = server.url(
        "postgres",
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={other}"),
    );
    assert!(connects(&wrong_ca).await.is_err());
    // A name the certificate does not carry: refused under verify-full.
    let mismatch = server.url(
        "postgres",
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={ca_file}"),
    );
    assert!(connects(&mismatch).await.is_err());
    // verify-ca checks the chain: our CA connects, another is refused. (libpq's verify-ca also
    // accepts a name mismatch; sqlx 0.8.6 refuses it, launchbadge/sqlx#3793, fixed in 0.9:
    // stricter than asked, so not tested here until the upgrade.)
    let ca_only = server.url(
        "postgres",
        "localhost",
        &format!("sslmode=verify-ca&sslrootcert={ca_file}"),
    );
    connects(&ca_only).await.unwrap();
    let ca_wrong = server.url(
        "postgres",
        "localhost",
        &format!("sslmode=verify-ca&sslrootcert={other}"),
    );
    assert!(connects(&ca_wrong).await.is_err());
    // require: encrypted, not verified.
    connects(&server.url("postgres", "127.0.0.1", "sslmode=require"))
        .await
        .unwrap();
    // The platform's roots do not hold our test CA: refused.
    let system = server.url(
        "postgres",
        "localhost",
        "sslmode=verify-full&sslrootcert=system",
    );
    assert!(connects(&system).await.is_err());

    // A role that needs a client certificate: refused without one, in with it.
    let admin = server.url("postgres", "127.0.0.1", "sslmode=require");
    let admin: sqlx::postgres::PgConnectOptions = admin.parse().unwrap();
    let mut conn = sqlx::ConnectOptions::connect(&admin).await.unwrap();
    sqlx::query("CREATE ROLE certuser LOGIN SUPERUSER")
        .execute(&mut conn)
        .await
        .unwrap();
    let without = server.url(
        "certuser",
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={ca_file}"),
    );
    assert!(connects(&without).await.is_err());
    let with = server.url(
        "certuser",
        "localhost",
        &format!(
            "sslmode=verify-full&sslrootcert={ca_file}&sslcert={}&sslkey={}",
            dir.join("client.crt").display(),
            dir.join("client.key").display()
        ),
    );
    connects(&with).await.unwrap();
}
