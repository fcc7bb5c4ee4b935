//! What the HTTP layer provides the pages with. hub-api's shared state implements it; tests may
//! implement it over a bare [`App`].

use std::net::IpAddr;

use hub_app::App;

/// The host of the web application: the application and what only HTTP knows.
pub trait Host: Clone + Send + Sync + 'static {
    /// The application: every operation of the hub.
    fn app(&self) -> &App;

    /// The id of the request being served (for the audit log and error pages).
    fn request_id(&self) -> String;

    /// `Err(seconds to wait)` while `address` is over its failed-authentication limit.
    fn sign_in_allowed(&self, address: Option<IpAddr>) -> Result<(), u64>;

    /// Counts a failed sign-in from `address` against its limit.
    fn sign_in_failed(&self, address: Option<IpAddr>);
}
