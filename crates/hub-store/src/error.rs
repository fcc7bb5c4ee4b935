use sea_orm::DbErr;

/// What can go wrong in the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed or is unreachable; details are for logs, not for callers.
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    /// The thing asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The change clashes with what is stored (a duplicate label, a stale version ...).
    #[error("{0}")]
    Conflict(String),
    /// The input is not acceptable; the message says why.
    #[error("{0}")]
    Invalid(String),
    /// Stored data could not be read back (a value written by a broken client, say).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Whether the database could not be reached (as opposed to refusing a statement).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Database(DbErr::Conn(_) | DbErr::ConnectionAcquire(_))
        )
    }

    /// Stored data that does not parse back.
    pub fn corrupt(what: impl std::fmt::Display) -> Self {
        StoreError::Corrupt(what.to_string())
    }
}
