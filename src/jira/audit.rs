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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests fail loudly")]

    use super::*;

    /// A page as real sites send it: offset paging, and records carrying `authorAccountId`,
    /// `authorKey`, `remoteAddress` and `changedValues`, which the refresh does not need.
    #[test]
    fn a_real_audit_page_reads_with_its_paging_and_author() {
        let page = r#"{"offset":0,"limit":1000,"total":1,"records":[{"id":10243,"summary":"User added to group",
            "remoteAddress":"203.0.113.7","authorKey":"557058:5c1a3b2e-0000-4000-8000-0000000c0ec7",
            "authorAccountId":"557058:5c1a3b2e-0000-4000-8000-0000000c0ec7","created":"2023-04-12T09:21:13.533+0000",
            "category":"group management","eventSource":"",
            "objectItem":{"name":"jira-bots","typeName":"GROUP","parentId":"10000","parentName":"com.atlassian.crowd.directory.IdentityPlatformRemoteDirectory"},
            "changedValues":[],"associatedItems":[{"id":"712020:9f8e7d6c-0000-4000-8000-000000005e71",
            "name":"712020:9f8e7d6c-0000-4000-8000-000000005e71","typeName":"USER","parentId":"10000","parentName":"x"}]}]}"#;
        let page: AuditRecords = serde_json::from_str(page).unwrap();
        assert_eq!((page.offset, page.limit, page.total), (Some(0), Some(1000), Some(1)));
        let record: AuditRecord = serde_json::from_str(page.records[0].get()).unwrap();
        assert_eq!(record.id.as_deref(), Some("10243"));
        assert_eq!(record.object_item.unwrap().name.as_deref(), Some("jira-bots"));
        assert_eq!(record.associated_items[0].id.as_deref(), Some("712020:9f8e7d6c-0000-4000-8000-000000005e71"));
    }
}
