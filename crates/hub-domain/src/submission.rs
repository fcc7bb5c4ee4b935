//! Submissions: document kinds, outcomes, value flags and the revision rules (DESIGN §6).

use std::fmt;
use std::str::FromStr;

use crate::ParseError;

/// The two documents a country team sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum DocumentType {
    /// `kpi-report`: a quarterly KPI report.
    #[cfg_attr(feature = "graphql", graphql(name = "KPI_REPORT"))]
    KpiReport,
    /// `bos`: a Business Operations Strategy.
    #[cfg_attr(feature = "graphql", graphql(name = "BOS"))]
    Bos,
}

impl DocumentType {
    /// The `documentType` text of documents.
    pub const fn as_str(self) -> &'static str {
        match self {
            DocumentType::KpiReport => "kpi-report",
            DocumentType::Bos => "bos",
        }
    }
}

impl FromStr for DocumentType {
    type Err = ParseError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        match input {
            "kpi-report" => Ok(DocumentType::KpiReport),
            "bos" => Ok(DocumentType::Bos),
            _ => Err(ParseError::new("document type", input, "kpi-report or bos")),
        }
    }
}

impl fmt::Display for DocumentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

vocabulary!(
    /// The outcome of a submission.
    SubmissionStatus, "submission status" {
        /// Stored, every value accepted.
        Accepted => "ACCEPTED",
        /// Stored, with some values rejected or flagged (listed in the receipt).
        AcceptedWithWarnings => "ACCEPTED_WITH_WARNINGS",
        /// Not stored; the receipt lists every problem.
        Rejected => "REJECTED",
        /// The same revision with the same content is already stored: nothing changed.
        Duplicate => "DUPLICATE",
    }
);

vocabulary!(
    /// A mark on a stored value that aggregates and data-quality counts take into account.
    ValueFlag, "value flag" {
        /// Converted with an earlier month's rate: the asked month had none.
        RateStale => "RATE_STALE",
        /// No rate within six months: kept in its currency, left out of USD figures.
        NoRate => "NO_RATE",
        /// The converted amount does not fit an exact decimal: kept in its currency, left out.
        Overflow => "OVERFLOW",
        /// Far from the country's own history of the KPI (DESIGN §16); kept, to be checked.
        Outlier => "OUTLIER",
        /// The report breaks a validation rule at this value; kept, to be checked.
        RuleViolation => "RULE_VIOLATION",
    }
);

vocabulary!(
    /// How a document reached the hub.
    SourceKind, "source kind" {
        /// Pushed by a country team (REST, GraphQL or the CLI).
        Push => "PUSH",
        /// Pulled from a federation source.
        Pull => "PULL",
        /// Loaded from the hub's own demo data set.
        Seed => "SEED",
    }
);

vocabulary!(
    /// The state of a common service in a KPI report.
    CommonServiceStatus, "common service status" {
        Active => "ACTIVE",
        Planned => "PLANNED",
        Suspended => "SUSPENDED",
        Discontinued => "DISCONTINUED",
    }
);

vocabulary!(
    /// Whether a BOS is signed.
    BosStatus, "BOS status" {
        Draft => "DRAFT",
        Signed => "SIGNED",
    }
);

vocabulary!(
    /// Who delivers a common service.
    Modality, "modality" {
        InHouse => "IN_HOUSE",
        Outsourced => "OUTSOURCED",
    }
);

vocabulary!(
    /// What the BOS stock-take decided for a common service.
    StockTakeAction, "stock-take action" {
        Continue => "CONTINUE",
        ScaleUp => "SCALE_UP",
        ScaleDown => "SCALE_DOWN",
        Modify => "MODIFY",
        Discontinue => "DISCONTINUE",
        New => "NEW",
    }
);

/// What to do with an incoming revision of a slice (a country's period, or BOS cycle).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevisionDecision {
    /// Higher than the current one (or the first): store it; it becomes current.
    Supersede,
    /// The current revision with identical content: nothing to do.
    Duplicate,
    /// The current revision number with different content.
    Conflict,
    /// Lower than the current revision.
    Stale,
}

/// The revision rules: the highest accepted revision is current; resending it unchanged is a
/// no-op, changed is a conflict, and an older revision is stale.
pub fn decide_revision(
    current: Option<(i32, &str)>,
    incoming_revision: i32,
    incoming_hash: &str,
) -> RevisionDecision {
    match current {
        None => RevisionDecision::Supersede,
        Some((revision, _)) if incoming_revision > revision => RevisionDecision::Supersede,
        Some((revision, _)) if incoming_revision < revision => RevisionDecision::Stale,
        Some((_, hash)) if hash == incoming_hash => RevisionDecision::Duplicate,
        Some(_) => RevisionDecision::Conflict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_revision_of_a_slice_is_stored() {
        assert_eq!(decide_revision(None, 1, "h"), RevisionDecision::Supersede);
        assert_eq!(decide_revision(None, 7, "h"), RevisionDecision::Supersede);
    }

    #[test]
    fn higher_revision_supersedes_the_current_one() {
        assert_eq!(
            decide_revision(Some((1, "a")), 2, "b"),
            RevisionDecision::Supersede
        );
    }

    #[test]
    fn same_revision_same_content_is_a_duplicate() {
        assert_eq!(
            decide_revision(Some((2, "a")), 2, "a"),
            RevisionDecision::Duplicate
        );
    }

    #[test]
    fn same_revision_other_content_is_a_conflict() {
        assert_eq!(
            decide_revision(Some((2, "a")), 2, "b"),
            RevisionDecision::Conflict
        );
    }

    #[test]
    fn lower_revision_than_current_is_stale() {
        assert_eq!(
            decide_revision(Some((3, "a")), 2, "a"),
            RevisionDecision::Stale
        );
    }

    #[test]
    fn document_type_uses_the_document_spelling() {
        assert_eq!(
            "kpi-report".parse::<DocumentType>().unwrap(),
            DocumentType::KpiReport
        );
        assert_eq!(DocumentType::Bos.to_string(), "bos");
        assert!("KPI_REPORT".parse::<DocumentType>().is_err());
    }
}
