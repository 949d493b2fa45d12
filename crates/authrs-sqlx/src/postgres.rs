//! [`PostgresAdapter`]: the adapter on a PostgreSQL database.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::Error;
use crate::adapter::{SessionUserRow, fetch_session_and_user};

/// An [`Adapter`](authrs_core::adapter::Adapter) on a PostgreSQL database.
///
/// Built without TLS: connect over a unix socket or loopback (or through a local TLS proxy).
/// For rate limits that several instances share, give the engine a
/// [`PostgresLimitStore`](crate::PostgresLimitStore) on the same database
/// ([`PostgresLimitStore::from_adapter`](crate::PostgresLimitStore::from_adapter)).
///
/// ```no_run
/// # async fn example() -> Result<(), authrs_sqlx::Error> {
/// use std::sync::Arc;
/// use authrs_core::adapter::Adapter;
///
/// let adapter =
///     authrs_sqlx::PostgresAdapter::connect("postgres://authrs@127.0.0.1:5432/authrs").await?;
/// let adapter: Arc<dyn Adapter> = Arc::new(adapter);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct PostgresAdapter {
    pool: PgPool,
}

impl PostgresAdapter {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`; a
    /// unix socket with `?host=/run/postgresql`) with sqlx's default pool settings, and
    /// brings its schema up to date.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        let options = PgConnectOptions::from_str(url).map_err(Error::InvalidUrl)?;
        let pool = PgPoolOptions::new()
            .connect_with(options)
            .await
            .map_err(Error::Connect)?;
        Self::from_pool(pool).await
    }

    /// An adapter on an existing pool; brings the schema up to date.
    pub async fn from_pool(pool: PgPool) -> Result<Self, Error> {
        let adapter = Self { pool };
        adapter.migrate().await?;
        Ok(adapter)
    }

    /// Applies the migrations this database lacks (see [the crate docs](crate) for how
    /// concurrent starts are kept safe). [`Self::connect`] and [`Self::from_pool`] call it.
    pub async fn migrate(&self) -> Result<(), Error> {
        crate::migrate::migrate_postgres(&self.pool).await
    }

    /// The pool, for queries of your own.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// [`Adapter::get_session_and_user`](authrs_core::adapter::Adapter::get_session_and_user)'s
    /// query, on the pool.
    async fn read_session_and_user(
        &self,
        session_token: &str,
    ) -> Result<Option<SessionUserRow>, sqlx::Error> {
        fetch_session_and_user(&self.pool, session_token).await
    }
}

crate::adapter::impl_adapter!(PostgresAdapter);
