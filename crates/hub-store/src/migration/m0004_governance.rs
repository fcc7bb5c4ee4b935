//! Regional governance: task forces (members, chairs, deliverables, progress reports), the ROMT
//! annual work plan (activities, version snapshots, history, approvals), meetings (agenda,
//! action items).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn child(table: &str, parent_col: &str, parent: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table.to_owned(), parent_col.to_owned())
        .to(parent.to_owned(), "id".to_owned())
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("task_force")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("code"))
                    .col(string("name"))
                    .col(text("purpose"))
                    .col(text_null("tor_text"))
                    .col(string_null("tor_approved_on"))
                    .col(string("chair_agency"))
                    .col(string("co_chair_agency"))
                    .col(string("start_date"))
                    .col(string("end_date"))
                    .col(string("status"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("task_force_member")
                    .col(big_pk_auto("id"))
                    .col(big_integer("task_force_id"))
                    .col(string("agency"))
                    .col(string("name"))
                    .col(string("role"))
                    .col(string_null("alternate_name"))
                    .foreign_key(&mut child(
                        "task_force_member",
                        "task_force_id",
                        "task_force",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("task_force_chair")
                    .col(big_pk_auto("id"))
                    .col(big_integer("task_force_id"))
                    .col(string("chair_agency"))
                    .col(string("co_chair_agency"))
                    .col(string("from_date"))
                    .col(string_null("to_date"))
                    .foreign_key(&mut child(
                        "task_force_chair",
                        "task_force_id",
                        "task_force",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("deliverable")
                    .col(big_pk_auto("id"))
                    .col(big_integer("task_force_id"))
                    .col(string("title"))
                    .col(string("due_date"))
                    .col(string("status"))
                    .col(integer("progress"))
                    .col(string_null("activity_code"))
                    .foreign_key(&mut child("deliverable", "task_force_id", "task_force"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("progress_report")
                    .col(big_pk_auto("id"))
                    .col(big_integer("task_force_id"))
                    .col(string("period"))
                    .col(string("rating"))
                    .col(text("summary"))
                    .col(string("reported_by"))
                    .col(timestamp_with_time_zone("reported_at"))
                    .foreign_key(&mut child("progress_report", "task_force_id", "task_force"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("work_plan")
                    .col(big_pk_auto("id"))
                    .col(integer("year"))
                    .col(string("title"))
                    .col(string("status"))
                    .col(integer("version"))
                    .col(big_integer_null("amends"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("work_plan_activity")
                    .col(big_pk_auto("id"))
                    .col(big_integer("work_plan_id"))
                    .col(integer("position"))
                    .col(string("code"))
                    .col(string("title"))
                    .col(string("service_line"))
                    .col(string_null("task_force"))
                    .col(string("lead_agency"))
                    .col(text("participating_agencies"))
                    .col(string("required"))
                    .col(string("available"))
                    .col(string("start_quarter"))
                    .col(string("end_quarter"))
                    .col(text("kpi_targets"))
                    .col(string("status"))
                    .col(integer("progress"))
                    .foreign_key(&mut child(
                        "work_plan_activity",
                        "work_plan_id",
                        "work_plan",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("work_plan_version")
                    .col(big_pk_auto("id"))
                    .col(big_integer("work_plan_id"))
                    .col(integer("version"))
                    .col(string("status"))
                    .col(text("snapshot"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut child("work_plan_version", "work_plan_id", "work_plan"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("work_plan_version_plan_version")
                    .table("work_plan_version")
                    .col("work_plan_id")
                    .col("version")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("work_plan_event")
                    .col(big_pk_auto("id"))
                    .col(big_integer("work_plan_id"))
                    .col(integer("version"))
                    .col(string("action"))
                    .col(string("status"))
                    .col(string("actor"))
                    .col(string_null("role"))
                    .col(string_null("agency"))
                    .col(text_null("comment"))
                    .col(timestamp_with_time_zone("at"))
                    .foreign_key(&mut child("work_plan_event", "work_plan_id", "work_plan"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("work_plan_approval")
                    .col(big_pk_auto("id"))
                    .col(big_integer("work_plan_id"))
                    .col(integer("submission_round"))
                    .col(string("agency"))
                    .col(string("actor"))
                    .col(text_null("comment"))
                    .col(boolean("active"))
                    .col(timestamp_with_time_zone("at"))
                    .foreign_key(&mut child(
                        "work_plan_approval",
                        "work_plan_id",
                        "work_plan",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("meeting")
                    .col(big_pk_auto("id"))
                    .col(string("body"))
                    .col(string("title"))
                    .col(string("date"))
                    .col(text("member_agencies"))
                    .col(text("agenda"))
                    .col(timestamp_with_time_zone_null("agenda_sent_at"))
                    .col(text_null("attendance"))
                    .col(timestamp_with_time_zone_null("minutes_circulated_at"))
                    .col(timestamp_with_time_zone_null("minutes_finalized_at"))
                    .col(text("decisions"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("action_item")
                    .col(big_pk_auto("id"))
                    .col(big_integer("meeting_id"))
                    .col(text("description"))
                    .col(string("responsible_agency"))
                    .col(string("responsible_person"))
                    .col(string("deadline"))
                    .col(string("status"))
                    .col(timestamp_with_time_zone_null("completed_at"))
                    .foreign_key(&mut child("action_item", "meeting_id", "meeting"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "action_item",
            "meeting",
            "work_plan_approval",
            "work_plan_event",
            "work_plan_version",
            "work_plan_activity",
            "work_plan",
            "progress_report",
            "deliverable",
            "task_force_chair",
            "task_force_member",
            "task_force",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
