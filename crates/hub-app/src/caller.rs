//! Who asks: the acting caller every operation takes, checked against the domain's policy and
//! named in the audit entry of every change.

use hub_domain::access::{Action, Principal, Role, Scope, Viewer, authorize};
use hub_store::audit::Actor;

use crate::error::AppError;

/// The kinds of callers.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// No token.
    Anonymous,
    /// The holder of a token.
    Token(Principal),
    /// The hub's operator, through the command line or a job of the hub itself (the
    /// scheduler, seeding); named by the job. The operator has the database, so the policy
    /// does not apply; every change is still audited under that name.
    Operator(String),
}

/// The acting caller of an operation, with the request it came in (for the audit log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    kind: Kind,
    request_id: Option<String>,
}

impl Caller {
    /// A caller without a token.
    pub fn anonymous() -> Self {
        Self {
            kind: Kind::Anonymous,
            request_id: None,
        }
    }

    /// The holder of a token.
    pub fn token(principal: Principal) -> Self {
        Self {
            kind: Kind::Token(principal),
            request_id: None,
        }
    }

    /// The operator, through a named job (`cli:sources-add`, `scheduler` ...).
    pub fn operator(job: impl Into<String>) -> Self {
        Self {
            kind: Kind::Operator(job.into()),
            request_id: None,
        }
    }

    /// The same caller, for the request `id`.
    #[must_use]
    pub fn with_request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(id.into());
        self
    }

    /// The request this call came in, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The token's holder, if the caller has one.
    pub fn principal(&self) -> Option<&Principal> {
        match &self.kind {
            Kind::Token(principal) => Some(principal),
            Kind::Anonymous | Kind::Operator(_) => None,
        }
    }

    /// Whether the caller holds a token (or is the operator).
    pub fn is_known(&self) -> bool {
        !matches!(self.kind, Kind::Anonymous)
    }

    /// What the caller may see: the token's clearance; everything for the operator.
    pub fn viewer(&self) -> Viewer {
        match &self.kind {
            Kind::Anonymous => Viewer::anonymous(),
            Kind::Token(principal) => principal.viewer(),
            Kind::Operator(_) => Viewer::token(Role::Admin, None),
        }
    }

    /// Checks the access policy for `action` on `scope`.
    pub fn authorize(&self, action: Action, scope: Scope<'_>) -> Result<(), AppError> {
        match &self.kind {
            Kind::Operator(_) => Ok(()),
            Kind::Anonymous => Ok(authorize(None, action, scope)?),
            Kind::Token(principal) => Ok(authorize(Some(principal), action, scope)?),
        }
    }

    /// Checks the policy for `action` on the hub as a whole.
    pub fn may(&self, action: Action) -> Result<(), AppError> {
        self.authorize(action, Scope::Hub)
    }

    /// Whether the policy allows `action` (for views that leave parts out instead of refusing).
    pub fn can(&self, action: Action) -> bool {
        self.may(action).is_ok()
    }

    /// Everything the policy and the visibility of values depend on (role, country, agency),
    /// not who the caller is: callers with the same key get the same answers, so answers may be
    /// shared between them (the API's cache of repeated questions).
    pub fn access_key(&self) -> String {
        match &self.kind {
            Kind::Anonymous => "anonymous".to_owned(),
            Kind::Operator(_) => "operator".to_owned(),
            Kind::Token(p) => format!(
                "{}:{}:{}",
                p.role,
                p.country.as_ref().map_or("", |c| c.as_str()),
                p.agency.as_ref().map_or("", |a| a.as_str())
            ),
        }
    }

    /// The actor the audit log names.
    pub fn actor(&self) -> Actor {
        match &self.kind {
            Kind::Token(principal) => Actor::Principal(principal.clone()),
            Kind::Operator(job) => Actor::System(job.clone()),
            Kind::Anonymous => Actor::System("anonymous".to_owned()),
        }
    }

    /// The name history entries give the caller (a token's label, or the job).
    pub fn label(&self) -> String {
        match &self.kind {
            Kind::Token(principal) => principal.label.clone(),
            Kind::Operator(job) => format!("system:{job}"),
            Kind::Anonymous => "anonymous".to_owned(),
        }
    }
}
