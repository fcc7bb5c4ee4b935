//! Regional governance (DESIGN §10), one module per aggregate: [`taskforces`], [`workplans`],
//! [`meetings`] (with their action items), and the [`audit`] log. The rules and the access
//! checks are the application's (`hub_app::governance`); these are the GraphQL views.

pub mod audit;
pub mod meetings;
pub mod taskforces;
pub mod workplans;

use async_graphql::MergedObject;

pub use workplans::WorkPlanEvent;

/// Governance queries.
#[derive(MergedObject, Default, Debug)]
pub struct GovernanceQuery(
    taskforces::TaskForceQuery,
    workplans::WorkPlanQuery,
    meetings::MeetingQuery,
    audit::AuditQuery,
);

/// Governance mutations.
#[derive(MergedObject, Default, Debug)]
pub struct GovernanceMutation(
    taskforces::TaskForceMutation,
    workplans::WorkPlanMutation,
    meetings::MeetingMutation,
);
