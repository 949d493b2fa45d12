//! [`PostgresAdapter`]: the adapter on a PostgreSQL database.

use std::str::FromStr;
use std::sync::Arc;

use sqlx::postgres::{PgConnectOptions, PgPool};

use crate::Error;
use crate::adapter::{SessionUserRow, fetch_session_and_user};
use crate::pool::{ReadOnlyWatch, watched_pool_options};

/// An [`Adapter`](authrs_core::adapter::Adapter) on a PostgreSQL database.
///
/// It works only with the primary, as libpq's `target_session_attrs=primary`: a connection
/// that opens on a standby is closed and tried again until the pool's acquire timeout. When a
/// statement is refused because the server is read-only (SQLSTATE 25006: a primary demoted in
/// a failover, or fenced read-only), every connection opened before it is closed when next
/// handed out and replaced by a new one, which finds the new primary.
///
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
    read_only: Arc<ReadOnlyWatch>,
}

impl PostgresAdapter {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`; a
    /// unix socket with `?host=/run/postgresql`) with sqlx's default pool settings, and
    /// brings its schema up to date.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        let options = PgConnectOptions::from_str(url).map_err(Error::InvalidUrl)?;
        let watch = Arc::new(ReadOnlyWatch::default());
        let pool = watched_pool_options(0, Arc::clone(&watch))
            .connect_with(options)
            .await
            .map_err(Error::Connect)?;
        Self::from_watched_pool(pool, watch).await
    }

    /// An adapter on an existing pool; brings the schema up to date. The pool's connections
    /// are not replaced after a failover: [`Self::connect`] and
    /// [`Database::connect_with`](crate::Database::connect_with) build pools that are.
    pub async fn from_pool(pool: PgPool) -> Result<Self, Error> {
        Self::from_watched_pool(pool, Arc::default()).await
    }

    pub(crate) async fn from_watched_pool(
        pool: PgPool,
        read_only: Arc<ReadOnlyWatch>,
    ) -> Result<Self, Error> {
        let adapter = Self { pool, read_only };
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

    /// What a statement's failure says about the server (see [`ReadOnlyWatch`]).
    pub(crate) fn saw(&self, error: &sqlx::Error) {
        self.read_only.saw(error);
    }

    /// PostgreSQL's change announcements leave nothing to delete.
    async fn prune_change_log(&self) {}

    pub(crate) fn read_only_watch(&self) -> &Arc<ReadOnlyWatch> {
        &self.read_only
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

crate::adapter::impl_adapter!(PostgresAdapter, sqlx::Postgres);
