//! The floor of ingestion: the rows the hub stored for each document (its submission row, raw
//! document included, and its value rows), inserted again by hand-written SQL, one transaction
//! per document, into the same tables and indexes. Value rows go in multi-row INSERTs of at most
//! `hub_store::MAX_STATEMENT_PARAMS` parameters, as the hub writes them (see `hub_store` for why).

use std::time::{Duration, Instant};

use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, QueryResult, Statement, TransactionTrait,
    Value,
};

const SUBMISSION: [&str; 19] = [
    "document_type",
    "slice_key",
    "country",
    "period",
    "revision",
    "status",
    "schema_version",
    "content_hash",
    "raw_document",
    "classification",
    "currency",
    "source_kind",
    "source_name",
    "received_at",
    "is_current",
    "accepted_values",
    "rejected_values",
    "receipt",
    "prepared_by_agency",
];

const VALUE: [&str; 21] = [
    "country",
    "period",
    "revision",
    "received_at",
    "is_current",
    "pointer",
    "kpi",
    "reported_kpi",
    "common_service",
    "service_line",
    "value",
    "reported_value",
    "currency",
    "fx_rate",
    "fx_month",
    "baseline",
    "target",
    "denominator",
    "classification",
    "flags",
    "follow_up",
];

/// The SQL type family of a column, to read it back and bind it again.
fn kind(column: &str) -> char {
    match column {
        "revision" | "accepted_values" | "rejected_values" => 'i',
        "is_current" | "follow_up" => 'b',
        "received_at" => 't',
        _ => 's',
    }
}

fn read(row: &QueryResult, column: &str) -> Value {
    match kind(column) {
        'i' => Value::from(row.try_get::<i32>("", column).expect("integer column")),
        'b' => Value::from(row.try_get::<bool>("", column).expect("boolean column")),
        't' => Value::from(
            row.try_get::<chrono::DateTime<chrono::Utc>>("", column)
                .expect("timestamp column"),
        ),
        _ => Value::from(
            row.try_get::<Option<String>>("", column)
                .expect("text column"),
        ),
    }
}

fn placeholders(backend: DatabaseBackend, from: usize, count: usize) -> String {
    (from..from + count)
        .map(|i| match backend {
            DatabaseBackend::Postgres => format!("${i}"),
            _ => "?".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One document's rows, read back from what the hub stored.
pub struct Rows {
    submission: Vec<Value>,
    values: Vec<Vec<Value>>,
}

/// Reads the rows the hub stored for each of `submissions`.
pub async fn rows_of(db: &DatabaseConnection, submissions: &[i64]) -> Vec<Rows> {
    let backend = db.get_database_backend();
    let mut out = Vec::new();
    for id in submissions {
        let one = |table: &str, columns: &[&str], key: &str| {
            Statement::from_sql_and_values(
                backend,
                format!(
                    "SELECT {} FROM {table} WHERE {key} = {} ORDER BY id",
                    columns.join(", "),
                    placeholders(backend, 1, 1)
                ),
                [Value::from(*id)],
            )
        };
        let submission = db
            .query_one_raw(one("submission", &SUBMISSION, "id"))
            .await
            .expect("read submission")
            .expect("the submission");
        let values = db
            .query_all_raw(one("kpi_value", &VALUE, "submission_id"))
            .await
            .expect("read values");
        out.push(Rows {
            submission: SUBMISSION.iter().map(|c| read(&submission, c)).collect(),
            values: values
                .iter()
                .map(|row| VALUE.iter().map(|c| read(row, c)).collect())
                .collect(),
        });
    }
    out
}

/// Inserts every document's rows again, each in its own transaction (under a new slice key, as
/// a superseded revision); returns the time taken.
pub async fn raw_inserts(db: &DatabaseConnection, documents: &[Rows], tag: &str) -> Duration {
    let backend = db.get_database_backend();
    let per_statement = hub_store::MAX_STATEMENT_PARAMS / (VALUE.len() + 1);
    let start = Instant::now();
    for (n, doc) in documents.iter().enumerate() {
        let txn = db.begin().await.expect("begin");
        let mut submission = doc.submission.clone();
        submission[1] = Value::from(format!("floor:{tag}:{n}"));
        submission[14] = Value::from(false);
        let inserted = txn
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "INSERT INTO submission ({}) VALUES ({}) RETURNING id",
                    SUBMISSION.join(", "),
                    placeholders(backend, 1, SUBMISSION.len())
                ),
                submission,
            ))
            .await
            .expect("insert submission")
            .expect("its id");
        let id: i64 = inserted.try_get("", "id").expect("id");
        for chunk in doc.values.chunks(per_statement.max(1)) {
            let width = VALUE.len() + 1;
            let rows: Vec<String> = (0..chunk.len())
                .map(|r| format!("({})", placeholders(backend, 1 + r * width, width)))
                .collect();
            let values: Vec<Value> = chunk
                .iter()
                .flat_map(|row| std::iter::once(Value::from(id)).chain(row.iter().cloned()))
                .collect();
            txn.execute_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "INSERT INTO kpi_value (submission_id, {}) VALUES {}",
                    VALUE.join(", "),
                    rows.join(", ")
                ),
                values,
            ))
            .await
            .expect("insert values");
        }
        txn.commit().await.expect("commit");
    }
    start.elapsed()
}
