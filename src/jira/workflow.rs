use std::collections::BTreeMap;

use serde::Deserialize;

use super::lenient;

/// `JiraWorkflow` (`GET /workflows/search?expand=values.transitions`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Workflow {
    pub id: Option<String>,
    pub name: String,
    pub transitions: Vec<WorkflowTransition>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WorkflowTransition {
    #[serde(deserialize_with = "lenient::id")]
    pub id: Option<String>,
    pub name: String,
    pub conditions: Option<ConditionGroup>,
}

/// `ConditionGroupConfiguration`: `ALL` or `ANY` of rules and nested groups.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ConditionGroup {
    pub operation: Option<String>,
    pub conditions: Vec<Rule>,
    pub condition_groups: Vec<ConditionGroup>,
}

/// `WorkflowRuleConfiguration`: a rule key and its string parameters.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Rule {
    pub id: Option<String>,
    pub rule_key: String,
    pub parameters: BTreeMap<String, serde_json::Value>,
}

/// `ContainerOfWorkflowSchemeAssociations` (`GET /workflowscheme/project`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WorkflowSchemeAssociations {
    pub values: Vec<WorkflowSchemeAssociation>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WorkflowSchemeAssociation {
    #[serde(deserialize_with = "lenient::ids")]
    pub project_ids: Vec<String>,
    pub workflow_scheme: WorkflowSchemeRef,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WorkflowSchemeRef {
    #[serde(deserialize_with = "lenient::id")]
    pub id: Option<String>,
    pub name: Option<String>,
    pub default_workflow: Option<String>,
    pub issue_type_mappings: BTreeMap<String, String>,
}
