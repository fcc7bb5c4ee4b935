//! The background pull loop: every tick, claim the due sources this replica can run now (a
//! permit of the shared concurrency bound first, then the lease) and run each in its own task,
//! so one hanging source never delays the others.

use std::sync::Arc;

use chrono::TimeDelta;
use hub_ingest::Ingestor;
use hub_store::audit::Actor;
use hub_store::{Db, sources};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

use crate::settings::FederationSettings;
use crate::sync::{RunBy, Trigger, run};

/// Starts the scheduler; it stops when `shutdown` turns true (running pulls finish first).
pub fn spawn(
    db: Db,
    ingestor: Ingestor,
    client: reqwest::Client,
    settings: FederationSettings,
    mut shutdown: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let permits = Arc::new(Semaphore::new(settings.concurrency.max(1)));
        let ttl = TimeDelta::from_std(settings.lease_ttl()).unwrap_or(TimeDelta::MAX);
        let mut tick = tokio::time::interval(settings.tick);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tracing::info!(replica = %settings.replica_id, "federation scheduler started");
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = shutdown.changed() => break,
            }
            if *shutdown.borrow() {
                break;
            }
            let due = match sources::due(&db, hub_store::now()).await {
                Ok(due) => due,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read due sources");
                    continue;
                }
            };
            for source in due {
                let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
                    break; // every permit busy: the rest waits for the next tick
                };
                match sources::claim(
                    &db,
                    source.id,
                    &settings.replica_id,
                    ttl,
                    hub_store::now(),
                    true,
                )
                .await
                {
                    Ok(true) => {}
                    Ok(false) => continue, // another replica won it
                    Err(e) => {
                        tracing::warn!(source = %source.name, error = %e, "cannot claim source");
                        continue;
                    }
                }
                let (db, ingestor, client, settings) = (
                    db.clone(),
                    ingestor.clone(),
                    client.clone(),
                    settings.clone(),
                );
                tokio::spawn(async move {
                    let name = source.name.clone();
                    if let Err(e) = run(
                        &db,
                        &ingestor,
                        &client,
                        &settings,
                        source,
                        Trigger::Schedule,
                        RunBy {
                            actor: &Actor::System("scheduler".to_owned()),
                            request_id: None,
                        },
                    )
                    .await
                    {
                        tracing::error!(source = %name, error = %e, "sync run could not be recorded");
                    }
                    drop(permit);
                });
            }
        }
        // Let running pulls finish before the process exits.
        let _ = permits
            .acquire_many(u32::try_from(settings.concurrency.max(1)).unwrap_or(1))
            .await;
        tracing::info!("federation scheduler stopped");
    })
}
