//! [`DbTime`]: how a [`Timestamp`] is stored. SQLite keeps INTEGER milliseconds since the Unix
//! epoch; PostgreSQL keeps `timestamptz`, encoded here in PostgreSQL's binary format
//! (microseconds since 2000-01-01 UTC) so whole milliseconds round-trip exactly without a
//! date-time crate.

use authrs_core::adapter::Timestamp;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueFormat, PgValueRef, Postgres};
use sqlx::sqlite::{Sqlite, SqliteArgumentsBuffer, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Type};

/// A [`Timestamp`] as a column value on either back end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DbTime(pub(crate) Timestamp);

impl DbTime {
    /// Milliseconds since the Unix epoch as a signed database integer.
    fn unix_millis(self) -> Result<i64, BoxDynError> {
        i64::try_from(self.0.as_millis()).map_err(|_| "timestamp out of range".into())
    }

    pub(crate) fn from_unix_millis(millis: i64) -> Result<Self, BoxDynError> {
        let millis = u64::try_from(millis).map_err(|_| "timestamp before 1970")?;
        Ok(Self(Timestamp::from_millis(millis)))
    }
}

impl Type<Sqlite> for DbTime {
    fn type_info() -> SqliteTypeInfo {
        <i64 as Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <i64 as Type<Sqlite>>::compatible(ty)
    }
}

impl<'q> Encode<'q, Sqlite> for DbTime {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        <i64 as Encode<'q, Sqlite>>::encode(self.unix_millis()?, buf)
    }
}

impl<'r> Decode<'r, Sqlite> for DbTime {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        Self::from_unix_millis(<i64 as Decode<'r, Sqlite>>::decode(value)?)
    }
}

/// PostgreSQL's `timestamptz` type.
const TIMESTAMPTZ: Oid = Oid(1184);
/// 2000-01-01T00:00:00Z, PostgreSQL's epoch, in Unix milliseconds.
const POSTGRES_EPOCH_UNIX_MILLIS: i64 = 946_684_800_000;

impl Type<Postgres> for DbTime {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(TIMESTAMPTZ)
    }
}

impl Encode<'_, Postgres> for DbTime {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        let micros = self
            .unix_millis()?
            .checked_sub(POSTGRES_EPOCH_UNIX_MILLIS)
            .and_then(|millis| millis.checked_mul(1000))
            .ok_or("timestamp out of range")?;
        buf.extend_from_slice(&micros.to_be_bytes());
        Ok(IsNull::No)
    }

    fn size_hint(&self) -> usize {
        8
    }
}

impl<'r> Decode<'r, Postgres> for DbTime {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        // Prepared statements (all the adapter sends) return binary columns.
        if value.format() != PgValueFormat::Binary {
            return Err("timestamptz in text format".into());
        }
        let bytes: [u8; 8] = value.as_bytes()?.try_into()?;
        // Rows written by authrs hold whole milliseconds; anything finer (a row written by
        // hand with now()) is truncated towards the past.
        let millis = i64::from_be_bytes(bytes)
            .div_euclid(1000)
            .checked_add(POSTGRES_EPOCH_UNIX_MILLIS)
            .ok_or("timestamp out of range")?;
        Self::from_unix_millis(millis)
    }
}
