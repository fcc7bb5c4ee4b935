//! The web application (crate `hub-web`) hosted by the HTTP layer: it gets the application,
//! the request id, and the failed-authentication limit its sign-in form counts against.

use std::net::IpAddr;
use std::time::Instant;

use hub_app::App;

use crate::request_id::current_id;
use crate::state::AppState;

impl hub_web::Host for AppState {
    fn app(&self) -> &App {
        AppState::app(self)
    }

    fn request_id(&self) -> String {
        current_id()
    }

    fn sign_in_allowed(&self, address: Option<IpAddr>) -> Result<(), u64> {
        match self.auth_failures().zip(address) {
            Some((limiter, address)) => match limiter.blocked(address, Instant::now()) {
                Some(wait) => {
                    self.metrics()
                        .count("hub_rate_limited_total", "authentication");
                    Err(wait.as_secs().max(1))
                }
                None => Ok(()),
            },
            None => Ok(()),
        }
    }

    fn sign_in_failed(&self, address: Option<IpAddr>) {
        self.metrics().count("hub_auth_failures_total", "sign-in");
        if let Some((limiter, address)) = self.auth_failures().zip(address) {
            limiter.failed(address, Instant::now());
        }
    }
}
