//! Lists are stored one way: as JSON arrays. Before this, agency and country lists were
//! `;`-separated and value flags `,`-separated, next to JSON agendas and targets; every reader
//! had to know which column used which. The `LIKE '[%'` guard keeps the migration idempotent.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, column, separator) of every list that was not JSON.
const LISTS: &[(&str, &str, &str)] = &[
    ("work_plan_activity", "participating_agencies", ";"),
    ("meeting", "member_agencies", ";"),
    ("meeting", "attendance", ";"),
    ("common_service", "client_agencies", ";"),
    ("federation_source", "countries", ";"),
    ("kpi_value", "flags", ","),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // The codes in these lists are letters, digits and '_': nothing to escape in JSON.
        for (table, column, separator) in LISTS {
            db.execute_unprepared(&format!(
                "UPDATE {table} SET {column} = CASE WHEN {column} = '' THEN '[]' \
                 ELSE '[\"' || REPLACE({column}, '{separator}', '\",\"') || '\"]' END \
                 WHERE {column} IS NOT NULL AND {column} NOT LIKE '[%'"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (table, column, separator) in LISTS {
            db.execute_unprepared(&format!(
                "UPDATE {table} SET {column} = REPLACE(REPLACE(REPLACE(REPLACE({column}, '[]', ''), \
                 '[\"', ''), '\"]', ''), '\",\"', '{separator}') WHERE {column} LIKE '[%'"
            ))
            .await?;
        }
        Ok(())
    }
}
