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

    /// Whether the caller may submit documents for `country`.
    pub fn can_submit_for(&self, country: &CountryCode) -> bool {
        match self.role {
            Some(Role::Admin) => true,
            Some(Role::Country) => self.country.as_ref() == Some(country),
            _ => false,
        }
    }

    /// Whether the caller holds one of `roles`.
    pub fn has_role(&self, roles: &[Role]) -> bool {
        self.role.is_some_and(|role| roles.contains(&role))
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
        let colombia = Viewer::token(Role::Country, Some(col()));
        assert!(colombia.can_submit_for(&col()));
        assert!(!colombia.can_submit_for(&per()));
        assert!(Viewer::token(Role::Admin, None).can_submit_for(&per()));
        for role in [Role::Analyst, Role::Romt, Role::Rcp] {
            assert!(!Viewer::token(role, None).can_submit_for(&col()));
        }
        assert!(!Viewer::anonymous().can_submit_for(&col()));
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
