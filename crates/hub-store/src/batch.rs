//! Writes sent to the database together, in as few round trips as the engine allows. On SQLite,
//! every statement goes to its worker thread in one multi-statement query (sqlx binds each
//! statement's parameters in turn); a hand-over to that thread costs about as much as a small
//! statement itself. On PostgreSQL, statements become data-modifying common table expressions
//! of one statement (`WITH w1 AS (…), w2 AS (…) …`), grouped so that each message stays under
//! one TCP segment on loopback (see [`crate::MAX_STATEMENT_PARAMS`] for why that matters).
//!
//! The statements of a batch must not depend on each other's effects: PostgreSQL runs the
//! parts of one statement on one snapshot, in no promised order. Foreign keys are checked when
//! the whole statement ends, so a row may refer to a row inserted by another part.

use sea_orm::sea_query::{Value, Values};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, QueryTrait, Statement,
    StatementBuilder,
};

use crate::StoreError;

/// A PostgreSQL statement's estimated message size, at most, unless one part alone is larger.
const MAX_MESSAGE_BYTES: usize = 48 * 1024;

/// Statements to run in order, in the caller's transaction.
#[derive(Debug)]
pub struct Batch {
    backend: DbBackend,
    statements: Vec<Statement>,
}

impl Batch {
    /// An empty batch for the engine of `db`.
    pub fn new(db: &impl ConnectionTrait) -> Self {
        Self {
            backend: db.get_database_backend(),
            statements: Vec::new(),
        }
    }

    /// Adds a statement.
    pub fn push(&mut self, statement: &impl StatementBuilder) {
        self.statements
            .push(StatementBuilder::build(statement, &self.backend));
    }

    /// Adds `rows` as multi-row INSERTs of at most [`crate::MAX_STATEMENT_PARAMS`] parameters.
    pub fn insert_rows<A>(&mut self, rows: Vec<A>)
    where
        A: ActiveModelTrait,
    {
        let columns = <<A::Entity as EntityTrait>::Column as sea_orm::Iterable>::iter().count();
        let per_statement = (crate::MAX_STATEMENT_PARAMS / columns.max(1)).max(1);
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<A> = rows.by_ref().take(per_statement).collect();
            self.statements
                .push(<A::Entity as EntityTrait>::insert_many(chunk).build(self.backend));
        }
    }

    /// Runs the statements in `db`: one round trip on SQLite, one per message on PostgreSQL.
    pub async fn run(self, db: &impl ConnectionTrait) -> Result<(), StoreError> {
        for statement in combine(self.backend, self.statements) {
            db.execute_raw(statement).await?;
        }
        Ok(())
    }
}

/// The statements as the engine takes them together.
fn combine(backend: DbBackend, statements: Vec<Statement>) -> Vec<Statement> {
    match backend {
        DbBackend::Postgres => {
            let mut combined = Vec::new();
            let mut group: Vec<Statement> = Vec::new();
            let mut bytes = 0;
            for statement in statements {
                let size = estimated_bytes(&statement);
                if !group.is_empty() && bytes + size > MAX_MESSAGE_BYTES {
                    combined.push(with_parts(backend, std::mem::take(&mut group)));
                    bytes = 0;
                }
                bytes += size;
                group.push(statement);
            }
            if !group.is_empty() {
                combined.push(with_parts(backend, group));
            }
            combined
        }
        _ => {
            let mut sql = String::new();
            let mut values = Vec::new();
            for statement in statements {
                sql.push_str(&statement.sql);
                sql.push_str(";\n");
                values.extend(statement.values.map(|v| v.0).unwrap_or_default());
            }
            if sql.is_empty() {
                return vec![];
            }
            vec![Statement::from_sql_and_values(backend, sql, values)]
        }
    }
}

/// One PostgreSQL statement running `parts`: all but the last as common table expressions.
fn with_parts(backend: DbBackend, mut parts: Vec<Statement>) -> Statement {
    if parts.len() == 1 {
        return parts.remove(0);
    }
    let mut sql = String::from("WITH ");
    let mut values: Vec<Value> = Vec::new();
    let last = parts.len() - 1;
    for (i, part) in parts.into_iter().enumerate() {
        let renumbered = renumber(&part.sql, values.len());
        if i < last {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("w{i} AS ({renumbered})"));
        } else {
            sql.push(' ');
            sql.push_str(&renumbered);
        }
        values.extend(part.values.map(|v| v.0).unwrap_or_default());
    }
    Statement {
        sql,
        values: Some(Values(values)),
        db_backend: backend,
    }
}

/// `sql` with every placeholder `$n` moved up by `offset` (the statements are built with
/// parameters only, so `$` appears nowhere else).
fn renumber(sql: &str, offset: usize) -> String {
    if offset == 0 {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + sql.len() / 8);
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// About how many bytes a statement takes on the wire.
fn estimated_bytes(statement: &Statement) -> usize {
    let values = statement.values.as_ref().map_or(0, |values| {
        values
            .0
            .iter()
            .map(|value| {
                4 + match value {
                    Value::String(Some(text)) => text.len(),
                    Value::Bytes(Some(bytes)) => bytes.len(),
                    _ => 8,
                }
            })
            .sum()
    });
    statement.sql.len() + values
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
    }

    #[test]
    fn postgres_parts_share_one_statement_with_placeholders_in_sequence() {
        let combined = combine(
            DbBackend::Postgres,
            vec![
                statement(
                    "INSERT INTO a (x, y) VALUES ($1, $2)",
                    vec![1.into(), 2.into()],
                ),
                statement("UPDATE b SET x = $1 WHERE y = $2", vec![3.into(), 4.into()]),
                statement(
                    "INSERT INTO c (x) VALUES ($1), ($2)",
                    vec![5.into(), 6.into()],
                ),
            ],
        );
        assert_eq!(combined.len(), 1);
        assert_eq!(
            combined[0].sql,
            "WITH w0 AS (INSERT INTO a (x, y) VALUES ($1, $2)), \
             w1 AS (UPDATE b SET x = $3 WHERE y = $4) INSERT INTO c (x) VALUES ($5), ($6)"
        );
        let values: Vec<Value> = (1..=6).map(Value::from).collect();
        assert_eq!(combined[0].values.as_ref().map(|v| &v.0), Some(&values));
    }

    #[test]
    fn postgres_messages_stay_under_one_segment() {
        let big = "x".repeat(MAX_MESSAGE_BYTES / 3);
        let part = || statement("INSERT INTO a (x) VALUES ($1)", vec![big.clone().into()]);
        let combined = combine(DbBackend::Postgres, (0..5).map(|_| part()).collect());
        // Two parts fit under the budget, a third does not.
        assert_eq!(combined.len(), 3);
        assert!(
            combined
                .iter()
                .all(|s| estimated_bytes(s) <= MAX_MESSAGE_BYTES)
        );
    }

    #[test]
    fn sqlite_runs_every_statement_in_one_query() {
        let sqlite = |sql: &str, values: Vec<Value>| {
            Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)
        };
        let combined = combine(
            DbBackend::Sqlite,
            vec![
                sqlite("INSERT INTO a (x) VALUES (?)", vec![1.into()]),
                sqlite("UPDATE b SET x = ? WHERE y = ?", vec![2.into(), 3.into()]),
            ],
        );
        assert_eq!(combined.len(), 1);
        assert_eq!(
            combined[0].sql,
            "INSERT INTO a (x) VALUES (?);\nUPDATE b SET x = ? WHERE y = ?;\n"
        );
        assert_eq!(combined[0].values.as_ref().map(|v| v.0.len()), Some(3));
        assert!(combine(DbBackend::Sqlite, vec![]).is_empty());
    }

    #[test]
    fn renumbering_moves_every_placeholder_and_nothing_else() {
        assert_eq!(renumber("a = $1 AND b = $12", 10), "a = $11 AND b = $22");
        assert_eq!(renumber("a = $1", 0), "a = $1");
    }
}
