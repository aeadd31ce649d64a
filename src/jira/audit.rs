use serde::Deserialize;
use serde_json::value::RawValue;

use super::lenient;

/// `AuditRecords` (`GET /rest/api/3/auditing/record`): offset paging over `records`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditRecords {
    pub offset: Option<u64>,
    pub limit: Option<u64>,
    pub total: Option<u64>,
    pub records: Vec<Box<RawValue>>,
}

/// `AuditRecordBean`: only the fields that say what changed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AuditRecord {
    #[serde(deserialize_with = "lenient::id")]
    pub id: Option<String>,
    pub summary: Option<String>,
    pub category: Option<String>,
    pub created: Option<String>,
    pub object_item: Option<AuditItem>,
    pub associated_items: Vec<AuditItem>,
}

/// `AssociatedItemBean`: `typeName` is e.g. `PROJECT`, `PROJECT_ROLE`, `USER`, `GROUP`,
/// `SCHEME`; for users `id` and `name` hold the account id.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AuditItem {
    #[serde(deserialize_with = "lenient::id")]
    pub id: Option<String>,
    pub name: Option<String>,
    pub type_name: Option<String>,
    pub parent_id: Option<String>,
    pub parent_name: Option<String>,
}
