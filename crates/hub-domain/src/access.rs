//! Roles, data classifications and who may see or do what (DESIGN §10b).

use crate::codes::{AgencyCode, CountryCode};

vocabulary!(
    /// The role an access token carries.
    Role, "role" {
        /// Runs the hub: sources, rates, mappings, locks, tokens.
        Admin => "ADMIN",
        /// Reads everything but sensitive values.
        Analyst => "ANALYST",
        /// The regional OMT: task forces, work plans, meetings.
        Romt => "ROMT",
        /// A member of the Regional Collaborative Platform: approves or returns work plans.
        Rcp => "RCP",
        /// A country OMT, bound to one country team.
        Country => "COUNTRY",
    }
);

vocabulary!(
    /// How widely a document or a value may be shown.
    Classification, "classification" {
        Public => "PUBLIC",
        Internal => "INTERNAL",
        Sensitive => "SENSITIVE",
    }
);

/// The holder of a valid access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Database id of the token.
    pub token_id: i64,
    /// Human label given when the token was created.
    pub label: String,
    pub role: Role,
    /// The country team of a `COUNTRY` token.
    pub country: Option<CountryCode>,
    /// The agency the holder speaks for (required for `RCP`).
    pub agency: Option<AgencyCode>,
}

impl Principal {
    /// What this principal may see.
    pub fn viewer(&self) -> Viewer {
        Viewer::token(self.role, self.country.clone())
    }
}

vocabulary!(
    /// What a caller asks the hub to do. Reading data is governed by classifications
    /// ([`Viewer::can_see`]); everything else needs one of the roles of [`allowed`].
    Action, "action" {
        /// Push a kpi-report or BOS for a country team.
        SubmitDocuments => "SUBMIT_DOCUMENTS",
        /// Register, pull and inspect federation sources.
        ManageSources => "MANAGE_SOURCES",
        /// Load exchange rates.
        ManageRates => "MANAGE_RATES",
        /// Map local KPI codes.
        ManageMappings => "MANAGE_MAPPINGS",
        /// Close periods to submissions.
        LockPeriods => "LOCK_PERIODS",
        /// Create, list and revoke access tokens.
        ManageTokens => "MANAGE_TOKENS",
        /// Create and run task forces.
        ManageTaskForces => "MANAGE_TASK_FORCES",
        /// Schedule meetings, record them, follow action items.
        ManageMeetings => "MANAGE_MEETINGS",
        /// Draft, edit, submit and amend work plans.
        DraftWorkPlans => "DRAFT_WORK_PLANS",
        /// Approve or return a submitted work plan.
        DecideWorkPlans => "DECIDE_WORK_PLANS",
        /// Follow work plan changes live.
        FollowWorkPlans => "FOLLOW_WORK_PLANS",
        /// Read the audit log.
        ReadAuditLog => "READ_AUDIT_LOG",
        /// Read governance working material: drafts, histories, names of persons.
        ReadGovernanceRecords => "READ_GOVERNANCE_RECORDS",
        /// Mark outliers for follow-up and set min-max bounds.
        ReviewDataQuality => "REVIEW_DATA_QUALITY",
        /// Add, edit and disable validation rules.
        ManageValidationRules => "MANAGE_VALIDATION_RULES",
    }
);

/// Who may do an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    /// The holder of any token.
    AnyToken,
    /// Holders of these roles only.
    Roles(&'static [Role]),
}

/// The access policy of DESIGN §10b, in one table: who may do each action. No other place in
/// the hub checks a role.
pub const fn allowed(action: Action) -> Allowed {
    use Role::*;
    match action {
        Action::SubmitDocuments => Allowed::Roles(&[Country, Admin]),
        Action::ManageSources
        | Action::ManageRates
        | Action::ManageMappings
        | Action::LockPeriods
        | Action::ManageTokens
        | Action::ManageValidationRules => Allowed::Roles(&[Admin]),
        Action::ManageTaskForces | Action::ManageMeetings | Action::DraftWorkPlans => {
            Allowed::Roles(&[Romt, Admin])
        }
        Action::DecideWorkPlans => Allowed::Roles(&[Rcp]),
        Action::FollowWorkPlans => Allowed::Roles(&[Romt, Rcp, Admin]),
        Action::ReviewDataQuality => Allowed::Roles(&[Romt, Admin]),
        Action::ReadAuditLog => Allowed::Roles(&[Admin, Rcp]),
        Action::ReadGovernanceRecords => Allowed::AnyToken,
    }
}

impl Action {
    /// What the action is, in words, for messages.
    pub const fn describe(self) -> &'static str {
        match self {
            Action::SubmitDocuments => "submitting documents",
            Action::ManageSources => "managing federation sources",
            Action::ManageRates => "loading exchange rates",
            Action::ManageMappings => "changing KPI mappings",
            Action::LockPeriods => "locking periods",
            Action::ManageTokens => "managing access tokens",
            Action::ManageTaskForces => "managing task forces",
            Action::ManageMeetings => "managing meetings",
            Action::DraftWorkPlans => "drafting work plans",
            Action::DecideWorkPlans => "approving or returning work plans",
            Action::FollowWorkPlans => "following work plans",
            Action::ReadAuditLog => "reading the audit log",
            Action::ReadGovernanceRecords => "governance records (drafts, histories, names)",
            Action::ReviewDataQuality => "reviewing data quality (follow-ups, min-max bounds)",
            Action::ManageValidationRules => "managing validation rules",
        }
    }
}

/// What an action applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// The hub as a whole.
    Hub,
    /// One country team's data: a `COUNTRY` token acts for its own only.
    Country(&'a CountryCode),
}

/// Why a caller may not do an action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("{what} needs an access token")]
    Unauthenticated { what: &'static str },
    #[error("{what} is for {allowed} tokens; this token is {role}")]
    Forbidden {
        what: &'static str,
        allowed: String,
        role: Role,
    },
    #[error("this token acts for {own} only, not for {asked}")]
    OtherCountry {
        own: CountryCode,
        asked: CountryCode,
    },
}

/// Checks the policy: may `principal` (none for an anonymous caller) do `action` on `scope`?
pub fn authorize(
    principal: Option<&Principal>,
    action: Action,
    scope: Scope<'_>,
) -> Result<(), AccessError> {
    let what = action.describe();
    let principal = principal.ok_or(AccessError::Unauthenticated { what })?;
    if let Allowed::Roles(roles) = allowed(action)
        && !roles.contains(&principal.role)
    {
        return Err(AccessError::Forbidden {
            what,
            allowed: roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(" or "),
            role: principal.role,
        });
    }
    if let (Scope::Country(asked), Role::Country) = (scope, principal.role) {
        match &principal.country {
            Some(own) if own == asked => {}
            own => {
                return Err(AccessError::OtherCountry {
                    own: own.clone().unwrap_or_else(|| asked.clone()),
                    asked: asked.clone(),
                });
            }
        }
    }
    Ok(())
}

/// Why a token cannot be made with this role, country and agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenScopeError {
    #[error("a COUNTRY token must name its country team (--country CODE)")]
    CountryRequired,
    #[error("only a COUNTRY token is bound to a country team; drop --country for this role")]
    CountryNotAllowed,
    #[error("an RCP token must name the agency its holder speaks for (--agency CODE)")]
    AgencyRequired,
}

/// Checks the shape of a token's scope (DESIGN §10b): a `COUNTRY` token names its country and
/// only it does; an `RCP` token names its agency; other roles may name an agency.
pub fn check_token_scope(
    role: Role,
    country: Option<&CountryCode>,
    agency: Option<&AgencyCode>,
) -> Result<(), TokenScopeError> {
    match (role, country) {
        (Role::Country, None) => return Err(TokenScopeError::CountryRequired),
        (Role::Country, Some(_)) | (_, None) => {}
        (_, Some(_)) => return Err(TokenScopeError::CountryNotAllowed),
    }
    if role == Role::Rcp && agency.is_none() {
        return Err(TokenScopeError::AgencyRequired);
    }
    Ok(())
}

/// Whose `SENSITIVE` values a viewer may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensitiveScope<'a> {
    /// Every country's.
    All,
    /// Its own country team's only.
    Country(&'a CountryCode),
    /// None.
    None,
}

/// Who is asking: anonymous, or the holder of a token with a role and, for a country team, its
/// country.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Viewer {
    role: Option<Role>,
    country: Option<CountryCode>,
}

impl Viewer {
    /// A caller without a token.
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// The holder of a token.
    pub fn token(role: Role, country: Option<CountryCode>) -> Self {
        Self {
            role: Some(role),
            country,
        }
    }

    /// The caller's role, if any.
    pub fn role(&self) -> Option<Role> {
        self.role
    }

    /// The caller's country team, for a `COUNTRY` token.
    pub fn country(&self) -> Option<&CountryCode> {
        self.country.as_ref()
    }

    /// Whether the caller may see a value of `classification` reported by `country`.
    pub fn can_see(&self, classification: Classification, country: &CountryCode) -> bool {
        match classification {
            Classification::Public => true,
            Classification::Internal => self.role.is_some(),
            Classification::Sensitive => match self.sensitive_scope() {
                SensitiveScope::All => true,
                SensitiveScope::Country(own) => own == country,
                SensitiveScope::None => false,
            },
        }
    }

    /// Whose `SENSITIVE` values the caller may see.
    pub fn sensitive_scope(&self) -> SensitiveScope<'_> {
        match (self.role, &self.country) {
            (Some(Role::Admin | Role::Romt | Role::Rcp), _) => SensitiveScope::All,
            (Some(Role::Country), Some(country)) => SensitiveScope::Country(country),
            _ => SensitiveScope::None,
        }
    }

    /// A key that is equal for two viewers exactly when they see the same data, for caches.
    pub fn clearance_key(&self) -> String {
        match (self.role, &self.country) {
            (None, _) => "public".to_owned(),
            (Some(Role::Admin | Role::Romt | Role::Rcp), _) => "sensitive".to_owned(),
            (Some(Role::Country), Some(country)) => format!("internal+{country}"),
            (Some(_), _) => "internal".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col() -> CountryCode {
        CountryCode::parse("COL").unwrap()
    }

    fn per() -> CountryCode {
        CountryCode::parse("PER").unwrap()
    }

    fn principal(role: Role, country: Option<CountryCode>) -> Principal {
        Principal {
            token_id: 1,
            label: "t".into(),
            role,
            country,
            agency: None,
        }
    }

    #[test]
    fn the_policy_table_is_design_10b() {
        use Role::*;
        let cases: &[(Action, &[Role])] = &[
            (Action::SubmitDocuments, &[Country, Admin]),
            (Action::ManageSources, &[Admin]),
            (Action::ManageRates, &[Admin]),
            (Action::ManageMappings, &[Admin]),
            (Action::LockPeriods, &[Admin]),
            (Action::ManageTokens, &[Admin]),
            (Action::ManageTaskForces, &[Romt, Admin]),
            (Action::ManageMeetings, &[Romt, Admin]),
            (Action::DraftWorkPlans, &[Romt, Admin]),
            (Action::DecideWorkPlans, &[Rcp]),
            (Action::FollowWorkPlans, &[Romt, Rcp, Admin]),
            (Action::ReadAuditLog, &[Admin, Rcp]),
            (Action::ReadGovernanceRecords, Role::ALL),
            // DESIGN §16: follow-ups by ROMT and ADMIN; the rules are configuration.
            (Action::ReviewDataQuality, &[Romt, Admin]),
            (Action::ManageValidationRules, &[Admin]),
        ];
        assert_eq!(
            cases.len(),
            Action::ALL.len(),
            "every action is in the table"
        );
        for (action, roles) in cases {
            let country = col();
            for role in Role::ALL {
                let p = principal(*role, (*role == Country).then(|| country.clone()));
                let outcome = authorize(Some(&p), *action, Scope::Country(&country));
                assert_eq!(outcome.is_ok(), roles.contains(role), "{action} by {role}");
            }
            assert!(matches!(
                authorize(None, *action, Scope::Hub),
                Err(AccessError::Unauthenticated { .. })
            ));
        }
    }

    #[test]
    fn a_country_token_submits_for_its_own_country_only() {
        let colombia = principal(Role::Country, Some(col()));
        assert!(
            authorize(
                Some(&colombia),
                Action::SubmitDocuments,
                Scope::Country(&col())
            )
            .is_ok()
        );
        assert!(matches!(
            authorize(
                Some(&colombia),
                Action::SubmitDocuments,
                Scope::Country(&per())
            ),
            Err(AccessError::OtherCountry { .. })
        ));
        let admin = principal(Role::Admin, None);
        assert!(
            authorize(
                Some(&admin),
                Action::SubmitDocuments,
                Scope::Country(&per())
            )
            .is_ok()
        );
    }

    #[test]
    fn country_token_needs_a_country_and_only_it_may_have_one() {
        assert_eq!(
            check_token_scope(Role::Country, None, None),
            Err(TokenScopeError::CountryRequired)
        );
        assert!(check_token_scope(Role::Country, Some(&col()), None).is_ok());
        for role in [Role::Admin, Role::Analyst, Role::Romt] {
            assert_eq!(
                check_token_scope(role, Some(&col()), None),
                Err(TokenScopeError::CountryNotAllowed)
            );
            assert!(check_token_scope(role, None, None).is_ok());
        }
    }

    #[test]
    fn rcp_token_needs_an_agency() {
        let undp = AgencyCode::parse("UNDP").unwrap();
        assert_eq!(
            check_token_scope(Role::Rcp, None, None),
            Err(TokenScopeError::AgencyRequired)
        );
        assert!(check_token_scope(Role::Rcp, None, Some(&undp)).is_ok());
        assert!(check_token_scope(Role::Romt, None, Some(&undp)).is_ok());
    }

    #[test]
    fn anonymous_sees_public_only() {
        let v = Viewer::anonymous();
        assert!(v.can_see(Classification::Public, &col()));
        assert!(!v.can_see(Classification::Internal, &col()));
        assert!(!v.can_see(Classification::Sensitive, &col()));
    }

    #[test]
    fn any_token_sees_internal_but_analyst_not_sensitive() {
        let v = Viewer::token(Role::Analyst, None);
        assert!(v.can_see(Classification::Internal, &col()));
        assert!(!v.can_see(Classification::Sensitive, &col()));
    }

    #[test]
    fn sensitive_is_for_admin_romt_rcp_and_the_own_country() {
        for role in [Role::Admin, Role::Romt, Role::Rcp] {
            assert!(Viewer::token(role, None).can_see(Classification::Sensitive, &col()));
        }
        let colombia = Viewer::token(Role::Country, Some(col()));
        assert!(colombia.can_see(Classification::Sensitive, &col()));
        assert!(!colombia.can_see(Classification::Sensitive, &per()));
    }

    #[test]
    fn only_admin_and_the_own_country_submit() {
        let submit = |p: Option<&Principal>, country: &CountryCode| {
            authorize(p, Action::SubmitDocuments, Scope::Country(country)).is_ok()
        };
        let colombia = principal(Role::Country, Some(col()));
        assert!(submit(Some(&colombia), &col()));
        assert!(!submit(Some(&colombia), &per()));
        assert!(submit(Some(&principal(Role::Admin, None)), &per()));
        for role in [Role::Analyst, Role::Romt, Role::Rcp] {
            assert!(!submit(Some(&principal(role, None)), &col()));
        }
        assert!(!submit(None, &col()));
    }

    #[test]
    fn clearance_key_separates_viewers_that_see_different_data() {
        let keys = [
            Viewer::anonymous().clearance_key(),
            Viewer::token(Role::Analyst, None).clearance_key(),
            Viewer::token(Role::Admin, None).clearance_key(),
            Viewer::token(Role::Country, Some(col())).clearance_key(),
            Viewer::token(Role::Country, Some(per())).clearance_key(),
        ];
        let unique: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(unique.len(), keys.len());
        assert_eq!(
            Viewer::token(Role::Romt, None).clearance_key(),
            Viewer::token(Role::Rcp, None).clearance_key()
        );
    }
}
