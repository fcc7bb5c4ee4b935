//! Who am I: the caller's token as the hub sees it.

use async_graphql::{Context, Object, SimpleObject};
use hub_domain::access::Role;

use super::context;
use crate::error::GqlResult;

/// The holder of the access token used for the request.
#[derive(SimpleObject, Debug)]
#[graphql(name = "Principal")]
pub struct PrincipalView {
    /// The label given when the token was created.
    pub label: String,
    pub role: Role,
    /// The country team of a `COUNTRY` token.
    pub country: Option<String>,
    /// The agency the holder speaks for.
    pub agency: Option<String>,
}

#[derive(Default, Debug)]
pub struct AccessQuery;

#[Object]
impl AccessQuery {
    /// The caller's token, or null for an anonymous caller.
    async fn me(&self, ctx: &Context<'_>) -> GqlResult<Option<PrincipalView>> {
        let (_, caller) = context(ctx)?;
        Ok(caller.principal().map(|p| PrincipalView {
            label: p.label.clone(),
            role: p.role,
            country: p.country.as_ref().map(ToString::to_string),
            agency: p.agency.as_ref().map(ToString::to_string),
        }))
    }
}
