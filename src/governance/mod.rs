//! Governance: the registry of bots, the findings over it, least privilege, reviews
//! and the leaver plan. Pure like the engine: a site, the registry, the settings and `now` in;
//! plans and findings out. Applying a plan to Jira or to storage is the edges' job.

pub mod changes;
pub mod compare;
pub mod least_privilege;
pub mod leaver;
pub mod registry;
pub mod review;
pub mod settings;

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::matrix::Matrix;
use crate::analysis::view::AccountView;
use crate::engine::{AccountSelection, Selection, matrix};
use crate::model::{Account, AccountKind, Site};
use crate::warning::Warning;

use crate::date::Date;
use registry::Registry;
use settings::Settings;

/// Why an account is governed as a bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BotKind {
    /// An Atlassian service account.
    Service,
    /// Another app account (Connect/OAuth app, Rovo agent).
    App,
    /// A human-licensed account an admin confirmed, or registered, as an integration.
    Shadow,
    /// An account of a type Jira did not say that the registry names or an admin confirmed.
    Unknown,
}

impl BotKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BotKind::Service => "service",
            BotKind::App => "app",
            BotKind::Shadow => "shadow",
            BotKind::Unknown => "unknown",
        }
    }
}

/// Everything the governance functions look at, with the effective access of every bot and
/// every suspected shadow bot computed once, as the compact matrix: rules read one account at a
/// time from it ([`Scope::access`]), so nothing grows with accounts × projects.
pub struct Scope<'a> {
    pub site: &'a Site,
    pub registry: &'a Registry,
    pub settings: &'a Settings,
    pub now: Date,
    /// Every governed or suspected account's row, sorted by account id.
    pub matrix: Matrix,
    by_id: BTreeMap<String, usize>,
}

/// Name fragments that suggest a person's account is used by a program.
const SHADOW_WORDS: [&str; 14] = [
    "bot",
    "svc",
    "service",
    "integration",
    "automation",
    "api",
    "jenkins",
    "ci",
    "sync",
    "script",
    "robot",
    "system",
    "noreply",
    "technical",
];

impl<'a> Scope<'a> {
    /// The scope the rules need: workflow transitions are left out (no rule reads them).
    pub fn new(site: &'a Site, registry: &'a Registry, settings: &'a Settings, now: Date) -> Scope<'a> {
        Scope::build(site, registry, settings, now, false)
    }

    /// [`Scope::new`] with each cell's workflow transitions, for the console's account details.
    pub fn with_transitions(site: &'a Site, registry: &'a Registry, settings: &'a Settings, now: Date) -> Scope<'a> {
        Scope::build(site, registry, settings, now, true)
    }

    fn build(
        site: &'a Site,
        registry: &'a Registry,
        settings: &'a Settings,
        now: Date,
        transitions: bool,
    ) -> Scope<'a> {
        // Every non-human account, people registered or confirmed as bots, and suspected shadow
        // bots; never every person (at 100,000 people that would cost more than the rest).
        let suspects = shadow_suspects(site, settings);
        let ids: BTreeSet<String> = site
            .accounts
            .values()
            .filter(|a| {
                a.kind() != AccountKind::Human
                    || confirmed_shadow(registry, settings, &a.account_id)
                    || suspects.contains(&a.account_id)
            })
            .map(|a| a.account_id.clone())
            .collect();
        let selection = Selection {
            accounts: AccountSelection::Some(ids),
            project: None,
            skip_transitions: !transitions,
            exhaustive: false,
        };
        let matrix = matrix(site, &selection);
        let by_id = matrix.accounts.iter().enumerate().map(|(i, a)| (a.account_id.clone(), i)).collect();
        Scope { site, registry, settings, now, matrix, by_id }
    }

    /// One account's access, read in place from the matrix.
    pub fn access(&self, account_id: &str) -> Option<AccountView<'_>> {
        self.by_id.get(account_id).and_then(|&i| self.matrix.accounts.get(i)).map(|row| self.matrix.view(row))
    }

    /// Whether and why `account` is governed as a bot.
    pub fn bot_kind(&self, account: &Account) -> Option<BotKind> {
        match account.kind() {
            AccountKind::Service => Some(BotKind::Service),
            AccountKind::App => Some(BotKind::App),
            AccountKind::Human if self.confirmed_shadow(&account.account_id) => Some(BotKind::Shadow),
            AccountKind::Human => None,
            AccountKind::Unknown if self.confirmed_shadow(&account.account_id) => Some(BotKind::Unknown),
            AccountKind::Unknown => None,
        }
    }

    pub fn confirmed_shadow(&self, account_id: &str) -> bool {
        confirmed_shadow(self.registry, self.settings, account_id)
    }

    /// Every governed bot, sorted by account id.
    pub fn bots(&self) -> Vec<(&'a Account, BotKind)> {
        self.site.accounts.values().filter_map(|a| self.bot_kind(a).map(|k| (a, k))).collect()
    }

    /// The matrix, for what outlives the scope (the console's account details).
    pub fn into_matrix(self) -> Matrix {
        self.matrix
    }

    pub fn warnings(&self) -> Vec<Warning> {
        self.matrix.warnings.clone()
    }
}

/// Whether `account` may be a shadow bot at all: an active person's account not dismissed.
fn shadow_candidate(settings: &Settings, account: &Account) -> bool {
    account.kind() == AccountKind::Human
        && !account.is_customer()
        && account.active
        && !settings.shadow_bots.dismissed.contains(&account.account_id)
}

/// The word of `account`'s name that sounds like an integration (`jenkins`, `…bot`), if any.
fn shadow_word(account: &Account) -> Option<String> {
    let name = account.display_name.to_lowercase();
    let words: Vec<&str> = name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.into_iter().find(|w| SHADOW_WORDS.contains(w) || (w.len() > 3 && w.ends_with("bot"))).map(str::to_owned)
}

/// The ids of the roles the settings' `serviceAccountRole` names (by name or id).
fn service_role_ids<'a>(site: &'a Site, settings: &Settings) -> Vec<&'a String> {
    let role = &settings.service_account_role;
    site.roles.values().filter(|r| r.name == *role || r.id == *role).map(|r| &r.id).collect()
}

/// Why a person's account looks like an integration; empty when it does not.
pub fn shadow_signals(site: &Site, settings: &Settings, account: &Account) -> Vec<String> {
    if !shadow_candidate(settings, account) {
        return Vec::new();
    }
    let mut signals = Vec::new();
    if let Some(word) = shadow_word(account) {
        signals.push(format!("its name \"{}\" contains \"{word}\"", account.display_name));
    }
    let role = &settings.service_account_role;
    let service_roles = service_role_ids(site, settings);
    let in_service_role = site.role_actors.iter().any(|(_, roles)| {
        roles.iter().any(|(id, actors)| {
            service_roles.contains(&id)
                && actors.iter().any(|a| matches!(a, crate::model::Actor::User(u) if *u == account.account_id))
        })
    });
    if in_service_role {
        signals.push(format!("it is an actor of the \"{role}\" role"));
    }
    signals
}

/// Whether a person's account is governed as a bot: registered, or confirmed as a shadow bot.
fn confirmed_shadow(registry: &Registry, settings: &Settings, account_id: &str) -> bool {
    registry.entry(account_id).is_some() || settings.shadow_bots.confirmed.iter().any(|c| c == account_id)
}

/// Every account [`shadow_signals`] has a signal for, in one pass over the roles' actors: asking
/// it of each account reads every role of every project once per person (at 10,000 projects and
/// 100,000 people, minutes).
pub fn shadow_suspects(site: &Site, settings: &Settings) -> BTreeSet<String> {
    let service_roles = service_role_ids(site, settings);
    let mut in_role = BTreeSet::new();
    for roles in site.role_actors.values() {
        for (id, actors) in roles {
            if !service_roles.contains(&id) {
                continue;
            }
            for actor in actors {
                if let crate::model::Actor::User(user) = actor {
                    in_role.insert(user.as_str());
                }
            }
        }
    }
    site.accounts
        .values()
        .filter(|a| shadow_candidate(settings, a))
        .filter(|a| in_role.contains(a.account_id.as_str()) || shadow_word(a).is_some())
        .map(|a| a.account_id.clone())
        .collect()
}
