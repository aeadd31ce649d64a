//! A deterministic synthetic Jira Cloud site, rendered as a snapshot v1 document.
//!
//! [`Instance::generate`] builds the site (users, groups, roles, permission schemes, projects and
//! their role actors) from a seeded PRNG and nothing else: the same [`Params`] and seed always give
//! the same instance, and [`write_snapshot`] always renders it to the same bytes. There is no
//! floating point in the generation, so the output does not depend on the platform's maths library.
//!
//! The snapshot is what a good collector stores: verbatim REST v3 bodies (with the `self` links and
//! `avatarUrls` Jira sends), and only what the analysis needs:
//! - every user (`GET /users/search`, bare arrays of ≤ 1000), every group, every permission scheme
//!   with its grants, every project with its lead and its scheme;
//! - per project, the actors of only the roles that project's scheme references;
//! - the members of only the groups that grants or role actors reference;
//! - `GET /user?expand=groups,applicationRoles` for the accounts under analysis (service accounts and
//!   other app accounts), which is how a collector learns their product access.
//!
//! Not generated: issue security, workflows, Jira's permission checks (the benchmark analyses with
//! `skipTransitions`). Every project is company-managed.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use serde_json::{Value, json};

/// Bumped whenever the output for a given size and seed changes, so caches can be invalidated.
pub const GENERATOR_VERSION: u32 = 2;
pub const DEFAULT_SEED: u64 = 0x5EED_0057_E3A4_D001;
/// Fixed, so that the output does not depend on the clock.
pub const COLLECTED_AT: &str = "2026-01-05T09:00:00Z";

// ---- sizes ------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Size {
    S,
    M,
    L,
    XL,
}

impl Size {
    pub const ALL: [Size; 4] = [Size::S, Size::M, Size::L, Size::XL];

    pub fn parse(text: &str) -> Option<Size> {
        match text.trim().to_ascii_uppercase().as_str() {
            "S" => Some(Size::S),
            "M" => Some(Size::M),
            "L" => Some(Size::L),
            "XL" => Some(Size::XL),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Size::S => "S",
            Size::M => "M",
            Size::L => "L",
            Size::XL => "XL",
        }
    }

    /// XL is the target site; smaller sizes keep its proportions (per project: 10 users, 0.5 groups,
    /// 0.1 service accounts; one permission scheme per 20 projects), except roles, which a site has
    /// a few dozen of whatever its size.
    pub fn params(self) -> Params {
        let (projects, roles, apps) = match self {
            Size::S => (100, 20, 4),
            Size::M => (500, 30, 8),
            Size::L => (2_000, 40, 15),
            Size::XL => (10_000, 50, 25),
        };
        Params {
            size: self.name(),
            projects,
            schemes: projects / 20,
            grants_per_scheme: 40,
            roles,
            users: projects * 10,
            groups: projects / 2,
            service_accounts: projects / 10,
            apps,
        }
    }
}

/// How big the site is. `users` counts every account: people, service accounts and apps.
#[derive(Debug, Clone)]
pub struct Params {
    pub size: &'static str,
    pub projects: usize,
    pub schemes: usize,
    /// Mean grants per permission scheme (the generator lands within a few of it).
    pub grants_per_scheme: usize,
    pub roles: usize,
    pub users: usize,
    pub groups: usize,
    /// Atlassian service accounts (`accountType: app`, `appType: service`).
    pub service_accounts: usize,
    /// Other app accounts (Connect and Forge apps' users), also analysed by default.
    pub apps: usize,
}

// ---- the PRNG ---------------------------------------------------------------------------------

/// xoshiro256** seeded through SplitMix64: small, fast, and the same everywhere.
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut state = seed;
        Rng { s: [splitmix(&mut state), splitmix(&mut state), splitmix(&mut state), splitmix(&mut state)] }
    }

    /// An independent stream for one part of the site, so that changing how one part is generated
    /// does not reshuffle the others.
    pub fn stream(seed: u64, label: &str) -> Rng {
        let mut h: u64 = 0xCBF2_9CE4_8422_2325;
        for b in label.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
        }
        Rng::new(seed ^ h)
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (`n > 0`), by multiply-shift.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p`/100.
    pub fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn hex(&mut self, digits: usize) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        (0..digits).map(|_| HEX[self.below(16)] as char).collect()
    }

    pub fn uuid(&mut self) -> String {
        format!(
            "{}-{}-4{}-{}{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            ["8", "9", "a", "b"][self.below(4)],
            self.hex(3),
            self.hex(12)
        )
    }

    /// `k` distinct indices of `0..n`, in increasing order (Floyd's algorithm).
    pub fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let k = k.min(n);
        let mut chosen = BTreeSet::new();
        for j in n - k..n {
            let t = self.below(j + 1);
            if !chosen.insert(t) {
                chosen.insert(j);
            }
        }
        chosen.into_iter().collect()
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

// ---- the site ---------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    Human,
    Service,
    App,
}

#[derive(Debug, Clone)]
pub struct User {
    pub account_id: String,
    pub display_name: String,
    pub kind: AccountKind,
    pub active: bool,
    pub email: Option<String>,
    pub time_zone: &'static str,
    pub locale: &'static str,
    /// Hex seed of the avatar URLs.
    pub avatar: String,
    /// Product access: application role keys.
    pub products: Vec<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKind {
    /// The group behind an application role (product access).
    Product,
    Admins,
    AllStaff,
    Department,
    Team,
    Bots,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub kind: GroupKind,
    /// User indices, increasing.
    pub members: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleKind {
    Administrators,
    Developers,
    Users,
    ServiceAccounts,
    Addons,
    Custom,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub id: u64,
    pub name: String,
    pub description: String,
    pub kind: RoleKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    ProjectRole(usize),
    Group(usize),
    User(usize),
    /// Product access; `None` is "any logged-in user".
    ApplicationRole(Option<&'static str>),
    Anyone,
    Reporter,
    Assignee,
    ProjectLead,
}

#[derive(Debug, Clone)]
pub struct Grant {
    pub id: u64,
    pub permission: &'static str,
    pub holder: Holder,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Reading and basic writing open to product users (application role grants).
    Open,
    /// The usual: project roles, some groups.
    Team,
    /// Roles only, direct grants to a few bots.
    Restricted,
    /// Browsable by anyone, including anonymous users.
    Public,
}

#[derive(Debug, Clone)]
pub struct Scheme {
    pub id: u64,
    pub name: String,
    pub description: String,
    pub profile: Profile,
    pub grants: Vec<Grant>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Actor {
    User(usize),
    Group(usize),
}

#[derive(Debug, Clone)]
pub struct RoleActors {
    pub role: usize,
    /// (RoleActor id, actor).
    pub actors: Vec<(u64, Actor)>,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub id: u64,
    pub key: String,
    pub name: String,
    pub type_key: &'static str,
    pub avatar: u64,
    pub lead: usize,
    pub scheme: usize,
    /// Actors of every role the project's scheme references, by role id.
    pub roles: Vec<RoleActors>,
}

#[derive(Debug, Clone)]
pub struct AppRoleDef {
    pub key: &'static str,
    pub name: &'static str,
    pub groups: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Instance {
    pub params: Params,
    pub seed: u64,
    pub site: String,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub roles: Vec<Role>,
    pub schemes: Vec<Scheme>,
    pub projects: Vec<Project>,
    pub app_roles: Vec<AppRoleDef>,
}

// ---- vocabulary -------------------------------------------------------------------------------

const JSW: &str = "jira-software";
const JSM: &str = "jira-servicedesk";

/// Project permissions of Jira Cloud, with the kind of holder they usually go to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cat {
    Admin,
    Read,
    Write,
}

const PROJECT_PERMISSIONS: &[(&str, &str, Cat)] = &[
    ("ADD_COMMENTS", "Add Comments", Cat::Write),
    ("ADMINISTER_PROJECTS", "Administer Projects", Cat::Admin),
    ("ARCHIVE_ISSUES", "Archive issues", Cat::Admin),
    ("ASSIGNABLE_USER", "Assignable User", Cat::Write),
    ("ASSIGN_ISSUES", "Assign Issues", Cat::Write),
    ("BROWSE_PROJECTS", "Browse Projects", Cat::Read),
    ("CLOSE_ISSUES", "Close Issues", Cat::Write),
    ("CREATE_ATTACHMENTS", "Create Attachments", Cat::Write),
    ("CREATE_ISSUES", "Create Issues", Cat::Write),
    ("DELETE_ALL_ATTACHMENTS", "Delete All Attachments", Cat::Admin),
    ("DELETE_ALL_COMMENTS", "Delete All Comments", Cat::Admin),
    ("DELETE_ALL_WORKLOGS", "Delete All Worklogs", Cat::Admin),
    ("DELETE_ISSUES", "Delete Issues", Cat::Admin),
    ("DELETE_OWN_ATTACHMENTS", "Delete Own Attachments", Cat::Write),
    ("DELETE_OWN_COMMENTS", "Delete Own Comments", Cat::Write),
    ("DELETE_OWN_WORKLOGS", "Delete Own Worklogs", Cat::Write),
    ("EDIT_ALL_COMMENTS", "Edit All Comments", Cat::Admin),
    ("EDIT_ALL_WORKLOGS", "Edit All Worklogs", Cat::Admin),
    ("EDIT_ISSUES", "Edit Issues", Cat::Write),
    ("EDIT_ISSUE_LAYOUT", "Edit issue layout", Cat::Admin),
    ("EDIT_OWN_COMMENTS", "Edit Own Comments", Cat::Write),
    ("EDIT_OWN_WORKLOGS", "Edit Own Worklogs", Cat::Write),
    ("LINK_ISSUES", "Link Issues", Cat::Write),
    ("MANAGE_SPRINTS_PERMISSION", "Manage sprints", Cat::Admin),
    ("MANAGE_WATCHERS", "Manage Watchers", Cat::Write),
    ("MODIFY_REPORTER", "Modify Reporter", Cat::Admin),
    ("MOVE_ISSUES", "Move Issues", Cat::Write),
    ("RESOLVE_ISSUES", "Resolve Issues", Cat::Write),
    ("SCHEDULE_ISSUES", "Schedule Issues", Cat::Write),
    ("SERVICEDESK_AGENT", "Service Project Agent", Cat::Write),
    ("SET_ISSUE_SECURITY", "Set Issue Security", Cat::Admin),
    ("TRANSITION_ISSUES", "Transition Issues", Cat::Write),
    ("UNARCHIVE_ISSUES", "Unarchive issues", Cat::Admin),
    ("VIEW_AGGREGATED_DATA", "View aggregated data", Cat::Read),
    ("VIEW_DEV_TOOLS", "View Development Tools", Cat::Read),
    ("VIEW_READONLY_WORKFLOW", "View Read-Only Workflow", Cat::Read),
    ("VIEW_VOTERS_AND_WATCHERS", "View Voters and Watchers", Cat::Read),
    ("WORK_ON_ISSUES", "Work On Issues", Cat::Write),
];

const GLOBAL_PERMISSIONS: &[(&str, &str)] = &[
    ("ADMINISTER", "Administer Jira"),
    ("BULK_CHANGE", "Make bulk changes"),
    ("CREATE_SHARED_OBJECTS", "Share dashboards and filters"),
    ("MANAGE_GROUP_FILTER_SUBSCRIPTIONS", "Manage group filter subscriptions"),
    ("SYSTEM_ADMIN", "Jira System Administrator"),
    ("USER_PICKER", "Browse users and groups"),
];

/// What product users may do in an open scheme.
const OPEN_WRITE: &[&str] = &[
    "CREATE_ISSUES",
    "ADD_COMMENTS",
    "CREATE_ATTACHMENTS",
    "EDIT_OWN_COMMENTS",
    "DELETE_OWN_COMMENTS",
    "DELETE_OWN_ATTACHMENTS",
];

/// Issue-dependent grants a scheme may add.
const CONDITIONAL: &[(&str, Holder)] = &[
    ("EDIT_ISSUES", Holder::Reporter),
    ("CLOSE_ISSUES", Holder::Assignee),
    ("RESOLVE_ISSUES", Holder::Assignee),
    ("TRANSITION_ISSUES", Holder::Assignee),
    ("BROWSE_PROJECTS", Holder::Reporter),
    ("ADD_COMMENTS", Holder::Reporter),
    ("DELETE_OWN_ATTACHMENTS", Holder::Reporter),
];

/// What a bot is granted directly.
const BOT_PERMISSIONS: &[&str] =
    &["BROWSE_PROJECTS", "CREATE_ISSUES", "EDIT_ISSUES", "ADD_COMMENTS", "TRANSITION_ISSUES"];

const STANDARD_ROLES: &[(&str, &str, RoleKind)] = &[
    ("Administrators", "A project role that represents administrators in a project", RoleKind::Administrators),
    ("Developers", "A project role that represents developers in a project", RoleKind::Developers),
    ("Users", "A project role that represents users in a project", RoleKind::Users),
    ("Service accounts", "Service accounts and integrations that work in the project", RoleKind::ServiceAccounts),
    (
        "atlassian-addons-project-access",
        "A project role that represents Connect add-ons declaring a scope that requires more than read issue permissions",
        RoleKind::Addons,
    ),
];

const CUSTOM_ROLES: &[&str] = &[
    "Member",
    "Viewer",
    "Tempo Project Managers",
    "QA",
    "Release managers",
    "Product owners",
    "Scrum masters",
    "Stakeholders",
    "Support agents",
    "Support leads",
    "Security reviewers",
    "Contractors",
    "Auditors",
    "Designers",
    "Data team",
    "Ops on-call",
    "Change approvers",
    "Triage",
    "Documentation",
    "Architects",
    "Legal reviewers",
    "Finance approvers",
    "Customer success",
    "Partners",
    "Vendors",
    "Interns",
    "Team leads",
    "Engineering managers",
    "Incident commanders",
    "Compliance",
    "Localization",
    "Marketing",
    "Sales engineers",
    "Field engineers",
    "Build engineers",
    "Testers",
    "Observers",
    "Reporters",
    "Escalation",
    "Approvers",
    "Project-admin",
    "Read-only",
    "External collaborators",
    "Automation owners",
    "Budget owners",
];

const FIRST: &[&str] = &[
    "Ada", "Alan", "Amara", "Ana", "Arjun", "Aziz", "Bea", "Bjorn", "Carla", "Chen", "Chloe", "Dario", "Dev", "Diego",
    "Elena", "Emeka", "Emma", "Farah", "Felix", "Fatima", "Gita", "Grace", "Hana", "Hugo", "Ines", "Ivan", "Jamal",
    "Jana", "Jonas", "Kai", "Kemal", "Kenji", "Lars", "Lea", "Leila", "Lucas", "Mai", "Marco", "Maria", "Mateo", "Mei",
    "Mia", "Nadia", "Nia", "Noah", "Olga", "Omar", "Pat", "Priya", "Quinn", "Rafael", "Rosa", "Sami", "Sara", "Sven",
    "Tara", "Theo", "Uma", "Vic", "Wen", "Yara", "Yusuf", "Zoe",
];

const LAST: &[&str] = &[
    "Abara", "Almeida", "Andersen", "Bauer", "Becker", "Bianchi", "Chen", "Costa", "Dubois", "Duarte", "Eriksen",
    "Fischer", "Garcia", "Gupta", "Haddad", "Hansen", "Ibrahim", "Ito", "Jensen", "Kim", "Kowalski", "Kumar", "Larsen",
    "Lopez", "Martin", "Meyer", "Moreau", "Murphy", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen", "Park", "Patel",
    "Petrov", "Quinn", "Rossi", "Santos", "Schmidt", "Silva", "Singh", "Smith", "Suzuki", "Tanaka", "Torres", "Ueda",
    "Vargas", "Weber", "Wilson", "Xu", "Yamada", "Zhang", "Zimmer",
];

const TIME_ZONES: &[&str] = &[
    "Europe/Berlin",
    "Europe/London",
    "Europe/Paris",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Etc/UTC",
];

const LOCALES: &[&str] = &["en_US", "en_GB", "de_DE", "fr_FR", "ja_JP", "pt_BR", "es_ES"];

const BOT_PREFIX: &[&str] = &[
    "ci",
    "deploy",
    "sync",
    "backup",
    "report",
    "release",
    "triage",
    "import",
    "export",
    "audit",
    "metrics",
    "alert",
    "jenkins",
    "github",
    "gitlab",
    "terraform",
    "sonar",
    "pagerduty",
    "datadog",
    "snyk",
    "argo",
    "bamboo",
    "octopus",
    "zapier",
    "workato",
    "salesforce",
    "servicenow",
    "okta",
    "tableau",
    "backstage",
];

const BOT_SUFFIX: &[&str] = &["bot", "sync", "agent", "svc", "integration", "automation", "worker"];

const APPS: &[&str] = &[
    "Automation for Jira",
    "Slack",
    "Jira Service Management Widget",
    "Tempo Timesheets",
    "Zephyr Scale",
    "GitHub for Jira",
    "Microsoft Teams for Jira Cloud",
    "Opsgenie",
    "Confluence",
    "ScriptRunner for Jira Cloud",
    "Xray",
    "Structure",
    "Miro",
    "draw.io",
    "Jira Misc Workflow Extensions",
    "BigPicture",
    "eazyBI",
    "Figma for Jira",
    "Zendesk Support",
    "Salesforce Connector",
    "Deep Clone",
    "Elements Copy & Sync",
    "Email This Issue",
    "Checklist for Jira",
    "Power Scripts",
    "Smart Checklist",
    "Issue Templates",
    "Time in Status",
    "Assets Discovery",
    "Statuspage",
];

const WORDS: &[&str] = &[
    "Atlas",
    "Beacon",
    "Cobalt",
    "Delta",
    "Ember",
    "Falcon",
    "Garnet",
    "Harbor",
    "Indigo",
    "Juniper",
    "Keystone",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Onyx",
    "Pioneer",
    "Quartz",
    "Radius",
    "Summit",
    "Tundra",
    "Umbra",
    "Vertex",
    "Willow",
    "Xenon",
    "Yonder",
    "Zephyr",
    "Payments",
    "Billing",
    "Checkout",
    "Search",
    "Identity",
    "Mobile",
    "Web",
    "Data",
    "Platform",
    "Infra",
    "Security",
    "Growth",
    "Support",
    "Finance",
    "Legal",
    "People",
    "Marketing",
    "Sales",
    "Analytics",
    "Logistics",
    "Warehouse",
    "Catalog",
    "Pricing",
    "Ledger",
    "Gateway",
    "Portal",
    "Insights",
    "Compliance",
    "Onboarding",
    "Messaging",
    "Notifications",
    "Reporting",
    "Storage",
    "Network",
];

const PROJECT_KINDS: &[&str] = &[
    "Service",
    "App",
    "Platform",
    "Ops",
    "Program",
    "Migration",
    "Backlog",
    "Desk",
    "Roadmap",
    "Requests",
    "Core",
    "Labs",
];

const DEPARTMENTS: &[&str] = &[
    "engineering",
    "product",
    "design",
    "support",
    "sales",
    "marketing",
    "finance",
    "legal",
    "people",
    "operations",
    "security",
    "data",
    "it",
    "research",
    "customer-success",
    "facilities",
];

const SCHEME_KINDS: &[&str] =
    &["software", "service desk", "business", "restricted", "open", "partner", "confidential", "internal"];

// ---- generation -------------------------------------------------------------------------------

impl Instance {
    pub fn for_size(size: Size) -> Instance {
        Instance::generate(&size.params(), DEFAULT_SEED)
    }

    pub fn generate(params: &Params, seed: u64) -> Instance {
        let site = format!("https://synth-{}.atlassian.net", params.size.to_ascii_lowercase());
        let mut inst = Instance {
            params: params.clone(),
            seed,
            site,
            users: Vec::new(),
            groups: Vec::new(),
            roles: Vec::new(),
            schemes: Vec::new(),
            projects: Vec::new(),
            app_roles: Vec::new(),
        };
        inst.gen_users();
        inst.gen_groups();
        inst.gen_roles();
        inst.gen_schemes();
        inst.gen_projects();
        inst
    }

    pub fn indices_of(&self, kind: AccountKind) -> Vec<usize> {
        (0..self.users.len()).filter(|&i| self.users[i].kind == kind).collect()
    }

    fn groups_of_kind(&self, kind: GroupKind) -> Vec<usize> {
        (0..self.groups.len()).filter(|&i| self.groups[i].kind == kind).collect()
    }

    fn group_named(&self, name: &str) -> usize {
        self.groups.iter().position(|g| g.name == name).unwrap_or_default()
    }

    fn role_of_kind(&self, kind: RoleKind) -> usize {
        self.roles.iter().position(|r| r.kind == kind).unwrap_or_default()
    }

    fn gen_users(&mut self) {
        let p = &self.params;
        let mut rng = Rng::stream(self.seed, "users");
        let humans = p.users - p.service_accounts - p.apps;
        let mut users = Vec::with_capacity(p.users);
        for i in 0..humans {
            let first = *rng.pick(FIRST);
            let last = *rng.pick(LAST);
            let account_id =
                if rng.percent(60) { format!("5{}", rng.hex(23)) } else { format!("712020:{}", rng.uuid()) };
            let email = rng
                .percent(60)
                .then(|| format!("{}.{}{}@example-corp.com", first.to_ascii_lowercase(), last.to_ascii_lowercase(), i));
            let mut products = Vec::new();
            if rng.percent(92) {
                products.push(JSW);
            }
            if rng.percent(15) {
                products.push(JSM);
            }
            users.push(User {
                account_id,
                display_name: format!("{first} {last}"),
                kind: AccountKind::Human,
                active: rng.percent(93),
                email,
                time_zone: TIME_ZONES[rng.below(TIME_ZONES.len())],
                locale: LOCALES[rng.below(LOCALES.len())],
                avatar: rng.hex(32),
                products,
            });
        }
        for i in 0..p.service_accounts {
            let name = format!("{}-{}-{}", rng.pick(BOT_PREFIX), rng.pick(BOT_SUFFIX), i + 1);
            let mut products = Vec::new();
            if rng.percent(85) {
                products.push(JSW);
            }
            if rng.percent(10) {
                products.push(JSM);
            }
            users.push(User {
                account_id: format!("712020:{}", rng.uuid()),
                email: Some(format!("{name}@serviceaccount.atlassian.com")),
                display_name: name,
                kind: AccountKind::Service,
                active: rng.percent(95),
                time_zone: "Etc/UTC",
                locale: "en_US",
                avatar: rng.hex(32),
                products,
            });
        }
        for i in 0..p.apps {
            let name = match APPS.get(i) {
                Some(name) => (*name).to_owned(),
                None => format!("App {}", i + 1),
            };
            users.push(User {
                account_id: format!("557058:{}", rng.uuid()),
                display_name: name,
                kind: AccountKind::App,
                active: true,
                email: None,
                time_zone: "Etc/UTC",
                locale: "en_US",
                avatar: rng.hex(32),
                products: Vec::new(),
            });
        }
        // Jira lists accounts in no particular order: scatter the bots over the pages.
        rng.shuffle(&mut users);
        self.users = users;
    }

    fn gen_groups(&mut self) {
        let p = self.params.clone();
        let mut rng = Rng::stream(self.seed, "groups");
        let humans = self.indices_of(AccountKind::Human);
        let services = self.indices_of(AccountKind::Service);
        let apps = self.indices_of(AccountKind::App);
        let mut used_names = BTreeSet::new();
        let mut groups: Vec<Group> = Vec::with_capacity(p.groups);
        let mut add = |rng: &mut Rng, name: String, kind: GroupKind, members: Vec<usize>| {
            let mut name = name;
            let mut n = 2;
            while !used_names.insert(name.clone()) {
                name = format!("{}-{n}", name.trim_end_matches(char::is_numeric).trim_end_matches('-'));
                n += 1;
            }
            let mut members = members;
            members.sort_unstable();
            members.dedup();
            groups.push(Group { id: rng.uuid(), name, kind, members });
        };

        // Product access groups, and the administrators.
        let with = |product: &str| -> Vec<usize> {
            (0..self.users.len()).filter(|&i| self.users[i].products.contains(&product)).collect()
        };
        let admins: Vec<usize> =
            rng.sample(humans.len(), (humans.len() / 500).max(3)).into_iter().map(|i| humans[i]).collect();
        let mut jsw = with(JSW);
        jsw.extend(&admins);
        add(&mut rng, "jira-software-users".into(), GroupKind::Product, jsw);
        add(&mut rng, "jira-servicemanagement-users".into(), GroupKind::Product, with(JSM));
        add(&mut rng, "jira-admins".into(), GroupKind::Admins, admins.clone());
        let site_admins = admins[..admins.len().div_ceil(3)].to_vec();
        add(&mut rng, "site-admins".into(), GroupKind::Admins, site_admins);
        add(&mut rng, "atlassian-addons-admin".into(), GroupKind::Admins, apps.clone());

        // Everyone.
        let all_staff: Vec<usize> = humans.iter().copied().filter(|_| rng.percent(85)).collect();
        add(&mut rng, "all-staff".into(), GroupKind::AllStaff, all_staff);

        // Departments: a few hundred to a few thousand people each.
        let departments = (p.groups / 50).clamp(2, DEPARTMENTS.len());
        for d in 0..departments {
            let share = rng.range(1, 5);
            let k = (humans.len() * share / 100).max(5);
            let members = rng.sample(humans.len(), k).into_iter().map(|i| humans[i]).collect();
            let name = format!("dept-{}", DEPARTMENTS[d % DEPARTMENTS.len()]);
            add(&mut rng, name, GroupKind::Department, members);
        }

        // Bot groups: service accounts only.
        let bot_groups = (p.service_accounts / 20).clamp(2, p.groups / 10);
        let mut bot_members: Vec<Vec<usize>> = vec![Vec::new(); bot_groups];
        for &sa in &services {
            let joins = match rng.below(100) {
                0..55 => 1,
                55..70 => 2,
                _ => 0,
            };
            for _ in 0..joins {
                let g = rng.below(bot_groups);
                bot_members[g].push(sa);
            }
        }
        for (b, members) in bot_members.into_iter().enumerate() {
            let name = if b == 0 { "integrations".to_owned() } else { format!("bots-{}", rng.pick(BOT_PREFIX)) };
            add(&mut rng, name, GroupKind::Bots, members);
        }

        // Teams: the rest, mostly small.
        let taken = 6 + departments + bot_groups;
        for _ in taken..p.groups {
            let size = match rng.below(100) {
                0..60 => rng.range(3, 10),
                60..90 => rng.range(10, 25),
                90..99 => rng.range(25, 80),
                _ => rng.range(80, 300),
            };
            let mut members: Vec<usize> = rng.sample(humans.len(), size).into_iter().map(|i| humans[i]).collect();
            if rng.percent(4) && !services.is_empty() {
                for _ in 0..rng.range(1, 2) {
                    members.push(*rng.pick(&services));
                }
            }
            let name = format!(
                "team-{}-{}",
                rng.pick(WORDS).to_ascii_lowercase(),
                rng.pick(PROJECT_KINDS).to_ascii_lowercase()
            );
            add(&mut rng, name, GroupKind::Team, members);
        }
        self.groups = groups;

        let admins_group = self.group_named("jira-admins");
        self.app_roles = vec![
            AppRoleDef { key: JSW, name: "Jira", groups: vec![self.group_named("jira-software-users"), admins_group] },
            AppRoleDef {
                key: JSM,
                name: "Jira Service Management",
                groups: vec![self.group_named("jira-servicemanagement-users")],
            },
        ];
    }

    fn gen_roles(&mut self) {
        let mut roles = Vec::with_capacity(self.params.roles);
        for (i, (name, description, kind)) in STANDARD_ROLES.iter().enumerate() {
            if i < self.params.roles {
                roles.push(Role {
                    id: 10002 + i as u64,
                    name: (*name).to_owned(),
                    description: (*description).to_owned(),
                    kind: *kind,
                });
            }
        }
        for i in roles.len()..self.params.roles {
            let name = match CUSTOM_ROLES.get(i - STANDARD_ROLES.len()) {
                Some(name) => (*name).to_owned(),
                None => format!("Custom role {i}"),
            };
            roles.push(Role {
                id: 10002 + i as u64,
                description: format!("{name} of the project"),
                name,
                kind: RoleKind::Custom,
            });
        }
        self.roles = roles;
    }

    fn gen_schemes(&mut self) {
        let p = self.params.clone();
        let mut rng = Rng::stream(self.seed, "schemes");
        let services = self.indices_of(AccountKind::Service);
        let teams = self.groups_of_kind(GroupKind::Team);
        let bots = self.groups_of_kind(GroupKind::Bots);
        let admins_group = self.group_named("jira-admins");
        let admin = self.role_of_kind(RoleKind::Administrators);
        let dev = self.role_of_kind(RoleKind::Developers);
        let users_role = self.role_of_kind(RoleKind::Users);
        let sa_role = self.role_of_kind(RoleKind::ServiceAccounts);
        let addons = self.role_of_kind(RoleKind::Addons);
        let custom: Vec<usize> = (0..self.roles.len()).filter(|&r| self.roles[r].kind == RoleKind::Custom).collect();
        let public = (p.schemes / 100).max(1);
        let mut next_grant = 10_000u64;
        let mut names = BTreeSet::new();
        let mut schemes = Vec::with_capacity(p.schemes);
        for s in 0..p.schemes {
            let profile = if s == 0 {
                Profile::Open
            } else if s >= p.schemes - public {
                Profile::Public
            } else {
                match rng.below(100) {
                    0..30 => Profile::Open,
                    30..80 => Profile::Team,
                    _ => Profile::Restricted,
                }
            };
            let mut name = if s == 0 {
                "Default software scheme".to_owned()
            } else {
                format!("{} {} scheme", rng.pick(WORDS), rng.pick(SCHEME_KINDS))
            };
            if !names.insert(name.clone()) {
                name = format!("{name} ({s})");
                names.insert(name.clone());
            }
            let description = if rng.percent(40) {
                String::new()
            } else {
                format!("Permission scheme for {} projects.", name.to_lowercase())
            };

            let has_sa_role = rng.percent(if profile == Profile::Restricted { 90 } else { 60 });
            let has_addons = rng.percent(80);
            let how_many = rng.range(0, 4);
            let my_custom: Vec<usize> = rng.sample(custom.len(), how_many).into_iter().map(|i| custom[i]).collect();
            let pick_custom = |rng: &mut Rng, fallback: usize| -> usize {
                if my_custom.is_empty() { fallback } else { *rng.pick(&my_custom) }
            };
            let group = |rng: &mut Rng| -> Holder {
                if rng.percent(30) && !bots.is_empty() {
                    Holder::Group(*rng.pick(&bots))
                } else {
                    Holder::Group(*rng.pick(&teams))
                }
            };
            let app_role = |rng: &mut Rng| -> Holder {
                if rng.percent(70) { Holder::ApplicationRole(Some(JSW)) } else { Holder::ApplicationRole(None) }
            };

            let mut holders: Vec<(&'static str, Holder)> = Vec::new();
            for &(permission, _, cat) in PROJECT_PERMISSIONS {
                let essential = matches!(permission, "BROWSE_PROJECTS" | "ADMINISTER_PROJECTS");
                if !essential && rng.percent(12) {
                    continue;
                }
                let primary = match cat {
                    Cat::Admin => match rng.below(100) {
                        0..80 => Holder::ProjectRole(admin),
                        80..88 => Holder::ProjectLead,
                        88..95 => Holder::Group(admins_group),
                        _ => Holder::ProjectRole(pick_custom(&mut rng, admin)),
                    },
                    Cat::Read => match profile {
                        Profile::Public if permission == "BROWSE_PROJECTS" => Holder::Anyone,
                        Profile::Open | Profile::Public => app_role(&mut rng),
                        _ => match rng.below(100) {
                            0..60 => Holder::ProjectRole(users_role),
                            60..90 => Holder::ProjectRole(dev),
                            90..95 => Holder::ProjectRole(pick_custom(&mut rng, users_role)),
                            _ => group(&mut rng),
                        },
                    },
                    Cat::Write => {
                        if matches!(profile, Profile::Open | Profile::Public) && OPEN_WRITE.contains(&permission) {
                            app_role(&mut rng)
                        } else {
                            match rng.below(100) {
                                0..70 => Holder::ProjectRole(dev),
                                70..85 => Holder::ProjectRole(pick_custom(&mut rng, dev)),
                                85..95 => group(&mut rng),
                                _ if has_sa_role => Holder::ProjectRole(sa_role),
                                _ => Holder::ProjectRole(dev),
                            }
                        }
                    }
                };
                holders.push((permission, primary));
                // Browsing is usually given to more than one holder.
                let second = if permission == "BROWSE_PROJECTS" { 60 } else { 8 };
                if rng.percent(second) {
                    let extra = match rng.below(3) {
                        0 => Holder::ProjectRole(dev),
                        1 if has_sa_role => Holder::ProjectRole(sa_role),
                        _ => Holder::ProjectRole(pick_custom(&mut rng, admin)),
                    };
                    if extra != primary {
                        holders.push((permission, extra));
                    }
                }
                if has_addons && rng.percent(15) {
                    holders.push((permission, Holder::ProjectRole(addons)));
                }
                if has_sa_role && cat == Cat::Write && rng.percent(10) {
                    holders.push((permission, Holder::ProjectRole(sa_role)));
                }
            }
            let conditional = if profile == Profile::Restricted { 60 } else { 35 };
            if rng.percent(conditional) {
                for _ in 0..rng.range(1, 3) {
                    let (permission, holder) = *rng.pick(CONDITIONAL);
                    holders.push((permission, holder));
                }
            }
            let direct = match profile {
                Profile::Restricted => rng.range(1, 3),
                _ if rng.percent(5) => 1,
                _ => 0,
            };
            for _ in 0..direct {
                if !services.is_empty() {
                    holders.push((*rng.pick(BOT_PERMISSIONS), Holder::User(*rng.pick(&services))));
                }
            }
            let mut seen = BTreeSet::new();
            let mut grants = Vec::with_capacity(holders.len());
            for (permission, holder) in holders {
                if seen.insert((permission, format!("{holder:?}"))) {
                    grants.push(Grant { id: next_grant, permission, holder });
                    next_grant += 1;
                }
            }
            schemes.push(Scheme { id: 10_000 + s as u64, name, description, profile, grants });
        }
        self.schemes = schemes;
    }

    fn gen_projects(&mut self) {
        let p = self.params.clone();
        let mut rng = Rng::stream(self.seed, "projects");
        let humans = self.indices_of(AccountKind::Human);
        let active_humans: Vec<usize> = humans.iter().copied().filter(|&i| self.users[i].active).collect();
        let services = self.indices_of(AccountKind::Service);
        let apps = self.indices_of(AccountKind::App);
        let teams = self.groups_of_kind(GroupKind::Team);
        let departments = self.groups_of_kind(GroupKind::Department);
        let bots = self.groups_of_kind(GroupKind::Bots);
        let all_staff = self.group_named("all-staff");
        let admins_group = self.group_named("jira-admins");
        let leads: Vec<usize> = rng
            .sample(active_humans.len(), (active_humans.len() / 20).max(5))
            .into_iter()
            .map(|i| active_humans[i])
            .collect();

        // A few schemes serve most projects: weight 1/(rank+1).
        let weights: Vec<u64> = (0..p.schemes).map(|s| 1_000_000 / (s as u64 + 1)).collect();
        let total: u64 = weights.iter().sum();
        let mut cumulative = Vec::with_capacity(weights.len());
        let mut acc = 0;
        for w in &weights {
            acc += w;
            cumulative.push(acc);
        }

        // Where each service account works: most in a handful of projects, a few platform bots in
        // a large share of them.
        let mut bots_in: Vec<Vec<usize>> = vec![Vec::new(); p.projects];
        for &sa in &services {
            let reach = match rng.below(100) {
                0..50 => rng.range(1, 5),
                50..80 => rng.range(5, 30),
                80..98 => rng.range(30, (p.projects / 20).max(30)),
                _ => rng.range(p.projects / 20, p.projects / 5),
            };
            for project in rng.sample(p.projects, reach) {
                bots_in[project].push(sa);
            }
        }

        let mut keys = BTreeSet::new();
        let mut actor_id = 10_000u64;
        let mut projects = Vec::with_capacity(p.projects);
        for (i, sas) in bots_in.into_iter().enumerate() {
            let words = [*rng.pick(WORDS), *rng.pick(WORDS), *rng.pick(PROJECT_KINDS)];
            let name = if words[0] == words[1] {
                format!("{} {}", words[0], words[2])
            } else {
                format!("{} {} {}", words[0], words[1], words[2])
            };
            let stem: String =
                name.split(' ').filter_map(|w| w.chars().next()).collect::<String>().to_ascii_uppercase();
            let mut key = stem.clone();
            let mut n = 2;
            while !keys.insert(key.clone()) {
                key = format!("{stem}{n}");
                n += 1;
            }
            let type_key = match rng.below(100) {
                0..80 => "software",
                80..92 => "service_desk",
                _ => "business",
            };
            let pick = rng.below(total as usize) as u64;
            let scheme = cumulative.partition_point(|&c| c <= pick);
            let lead = *rng.pick(&leads);

            let mut referenced: Vec<usize> = self.schemes[scheme]
                .grants
                .iter()
                .filter_map(|g| match g.holder {
                    Holder::ProjectRole(r) => Some(r),
                    _ => None,
                })
                .collect();
            referenced.sort_unstable();
            referenced.dedup();
            let has_sa_role = referenced.iter().any(|&r| self.roles[r].kind == RoleKind::ServiceAccounts);

            let mut roles = Vec::with_capacity(referenced.len());
            for role in referenced {
                let mut actors: Vec<Actor> = Vec::new();
                let some_humans = |rng: &mut Rng, actors: &mut Vec<Actor>, max: usize| {
                    for _ in 0..rng.range(0, max) {
                        actors.push(Actor::User(*rng.pick(&active_humans)));
                    }
                };
                match self.roles[role].kind {
                    RoleKind::Administrators => {
                        actors.push(Actor::User(lead));
                        for _ in 0..rng.range(0, 2) {
                            actors.push(Actor::User(*rng.pick(&leads)));
                        }
                        if rng.percent(25) {
                            actors.push(Actor::Group(admins_group));
                        }
                    }
                    RoleKind::Developers => {
                        for _ in 0..rng.range(1, 2) {
                            actors.push(Actor::Group(*rng.pick(&teams)));
                        }
                        some_humans(&mut rng, &mut actors, 4);
                        if rng.percent(12) {
                            actors.push(Actor::Group(*rng.pick(&bots)));
                        }
                        if !has_sa_role {
                            actors.extend(sas.iter().map(|&sa| Actor::User(sa)));
                        }
                    }
                    RoleKind::Users => {
                        match rng.below(100) {
                            0..35 => actors.push(Actor::Group(all_staff)),
                            35..60 => actors.push(Actor::Group(*rng.pick(&departments))),
                            _ => actors.push(Actor::Group(*rng.pick(&teams))),
                        }
                        some_humans(&mut rng, &mut actors, 2);
                    }
                    RoleKind::ServiceAccounts => {
                        actors.extend(sas.iter().map(|&sa| Actor::User(sa)));
                        if rng.percent(25) {
                            actors.push(Actor::Group(*rng.pick(&bots)));
                        }
                    }
                    RoleKind::Addons => {
                        actors.extend(apps.iter().map(|&a| Actor::User(a)));
                    }
                    RoleKind::Custom => {
                        for _ in 0..rng.range(0, 2) {
                            if rng.percent(80) {
                                actors.push(Actor::Group(*rng.pick(&teams)));
                            } else {
                                actors.push(Actor::Group(*rng.pick(&departments)));
                            }
                        }
                        some_humans(&mut rng, &mut actors, 3);
                        if rng.percent(4) && !services.is_empty() {
                            actors.push(Actor::User(*rng.pick(&services)));
                        }
                    }
                }
                let mut seen = BTreeSet::new();
                actors.retain(|a| seen.insert(*a));
                let actors = actors
                    .into_iter()
                    .map(|a| {
                        actor_id += 1;
                        (actor_id, a)
                    })
                    .collect();
                roles.push(RoleActors { role, actors });
            }
            projects.push(Project {
                id: 10_000 + i as u64,
                key,
                name,
                type_key,
                avatar: 10_400 + rng.below(30) as u64,
                lead,
                scheme,
                roles,
            });
        }
        self.projects = projects;
    }

    /// Groups named by a grant or a role actor: the ones a lean collector fetches members of.
    pub fn referenced_groups(&self) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        for scheme in &self.schemes {
            for grant in &scheme.grants {
                if let Holder::Group(g) = grant.holder {
                    out.insert(g);
                }
            }
        }
        for project in &self.projects {
            for role in &project.roles {
                for (_, actor) in &role.actors {
                    if let Actor::Group(g) = actor {
                        out.insert(*g);
                    }
                }
            }
        }
        out
    }

    /// The accounts Steward analyses by default: service accounts and other app accounts.
    pub fn analysed_accounts(&self) -> Vec<usize> {
        (0..self.users.len()).filter(|&i| self.users[i].kind != AccountKind::Human).collect()
    }
}

// ---- rendering --------------------------------------------------------------------------------

/// The forms in which Jira returns a user.
#[derive(Clone, Copy, PartialEq, Eq)]
enum UserForm {
    /// `GET /users/search`.
    Search,
    /// `GET /group/member` (`UserDetails`).
    Member,
    /// Nested in another body (a project's lead, a grant's user).
    Nested,
    /// `GET /user?expand=groups,applicationRoles`.
    Details,
}

struct Render<'a> {
    inst: &'a Instance,
    /// For the accounts under analysis: the groups they are in.
    groups_of: BTreeMap<usize, Vec<usize>>,
}

impl<'a> Render<'a> {
    fn new(inst: &'a Instance) -> Render<'a> {
        let analysed: BTreeSet<usize> = inst.analysed_accounts().into_iter().collect();
        let mut groups_of: BTreeMap<usize, Vec<usize>> = analysed.iter().map(|&u| (u, Vec::new())).collect();
        for (g, group) in inst.groups.iter().enumerate() {
            for m in &group.members {
                if let Some(list) = groups_of.get_mut(m) {
                    list.push(g);
                }
            }
        }
        Render { inst, groups_of }
    }

    fn site(&self) -> &str {
        &self.inst.site
    }

    fn avatar_urls(&self, u: &User) -> Value {
        match u.kind {
            AccountKind::Human => {
                let initials: String = u.display_name.split(' ').filter_map(|w| w.chars().next()).collect();
                let url = format!(
                    "https://secure.gravatar.com/avatar/{}?d=https%3A%2F%2Favatar-management--avatars.us-west-2.prod.public.atl-paas.net%2Finitials%2F{}-{}.png",
                    u.avatar,
                    initials,
                    u.avatar.len() % 7
                );
                json!({"48x48": url, "24x24": url, "16x16": url, "32x32": url})
            }
            _ => {
                let base = format!(
                    "https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/{}/{}",
                    u.account_id.replace(':', "%3A"),
                    u.avatar
                );
                json!({
                    "48x48": format!("{base}/48"),
                    "24x24": format!("{base}/24"),
                    "16x16": format!("{base}/16"),
                    "32x32": format!("{base}/32"),
                })
            }
        }
    }

    fn account_type(u: &User) -> &'static str {
        match u.kind {
            AccountKind::Human => "atlassian",
            _ => "app",
        }
    }

    fn user(&self, index: usize, form: UserForm) -> Value {
        let u = &self.inst.users[index];
        let mut body = serde_json::Map::new();
        body.insert("self".into(), json!(format!("{}/rest/api/3/user?accountId={}", self.site(), u.account_id)));
        body.insert("accountId".into(), json!(u.account_id));
        body.insert("accountType".into(), json!(Self::account_type(u)));
        if u.kind == AccountKind::Service && form != UserForm::Member {
            body.insert("appType".into(), json!("service"));
        }
        if let Some(email) = &u.email {
            if form != UserForm::Nested {
                body.insert("emailAddress".into(), json!(email));
            }
        }
        body.insert("avatarUrls".into(), self.avatar_urls(u));
        body.insert("displayName".into(), json!(u.display_name));
        body.insert("active".into(), json!(u.active));
        if form != UserForm::Search {
            body.insert("timeZone".into(), json!(u.time_zone));
        }
        if matches!(form, UserForm::Search | UserForm::Details) {
            body.insert("locale".into(), json!(u.locale));
        }
        if form == UserForm::Details {
            let groups: Vec<Value> = self
                .groups_of
                .get(&index)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|&g| self.group_name(g))
                .collect();
            body.insert("groups".into(), json!({"size": groups.len(), "items": groups}));
            let roles: Vec<Value> = u
                .products
                .iter()
                .filter_map(|k| self.inst.app_roles.iter().find(|r| r.key == *k))
                .map(|r| json!({"key": r.key, "name": r.name, "defined": false, "platform": false}))
                .collect();
            body.insert("applicationRoles".into(), json!({"size": roles.len(), "items": roles}));
            body.insert("expand".into(), json!("groups,applicationRoles"));
        }
        Value::Object(body)
    }

    fn group_name(&self, g: usize) -> Value {
        let group = &self.inst.groups[g];
        json!({
            "name": group.name,
            "groupId": group.id,
            "self": format!("{}/rest/api/3/group?groupId={}", self.site(), group.id),
        })
    }

    fn role_ref(&self, project: Option<&Project>, r: usize) -> Value {
        let role = &self.inst.roles[r];
        let url = match project {
            Some(p) => format!("{}/rest/api/3/project/{}/role/{}", self.site(), p.id, role.id),
            None => format!("{}/rest/api/3/role/{}", self.site(), role.id),
        };
        json!({"self": url, "name": role.name, "id": role.id, "description": role.description})
    }

    /// `PermissionHolder`: the spec allows `type`, `parameter`, `value` and `expand` only, so the
    /// sub-objects Jira adds with `expand=user,group,projectRole` are left out.
    fn holder(&self, holder: Holder) -> Value {
        match holder {
            Holder::ProjectRole(r) => {
                let id = self.inst.roles[r].id.to_string();
                json!({"type": "projectRole", "parameter": id, "value": id})
            }
            Holder::Group(g) => {
                let group = &self.inst.groups[g];
                json!({"type": "group", "parameter": group.name, "value": group.id})
            }
            Holder::User(u) => {
                let id = &self.inst.users[u].account_id;
                json!({"type": "user", "parameter": id, "value": id})
            }
            Holder::ApplicationRole(Some(key)) => {
                json!({"type": "applicationRole", "parameter": key, "value": key})
            }
            Holder::ApplicationRole(None) => json!({"type": "applicationRole"}),
            Holder::Anyone => json!({"type": "anyone"}),
            Holder::Reporter => json!({"type": "reporter"}),
            Holder::Assignee => json!({"type": "assignee"}),
            Holder::ProjectLead => json!({"type": "projectLead"}),
        }
    }

    fn scheme_ref(&self, s: &Scheme) -> Value {
        json!({
            "expand": "permissions,user,group,projectRole,field,all",
            "id": s.id,
            "self": format!("{}/rest/api/3/permissionscheme/{}", self.site(), s.id),
            "name": s.name,
            "description": s.description,
        })
    }

    fn scheme(&self, s: &Scheme) -> Value {
        let mut body = self.scheme_ref(s);
        let grants: Vec<Value> = s
            .grants
            .iter()
            .map(|g| {
                json!({
                    "id": g.id,
                    "self": format!("{}/rest/api/3/permissionscheme/{}/permission/{}", self.site(), s.id, g.id),
                    "holder": self.holder(g.holder),
                    "permission": g.permission,
                })
            })
            .collect();
        if let Value::Object(map) = &mut body {
            map.insert("permissions".into(), Value::Array(grants));
        }
        body
    }

    fn project(&self, p: &Project) -> Value {
        let avatar = |size: &str| {
            let query = if size.is_empty() { String::new() } else { format!("?size={size}") };
            format!("{}/rest/api/3/universal_avatar/view/type/project/avatar/{}{query}", self.site(), p.avatar)
        };
        json!({
            "expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
            "self": format!("{}/rest/api/3/project/{}", self.site(), p.id),
            "id": p.id.to_string(),
            "key": p.key,
            "name": p.name,
            "avatarUrls": {
                "48x48": avatar(""), "24x24": avatar("small"),
                "16x16": avatar("xsmall"), "32x32": avatar("medium"),
            },
            "projectTypeKey": p.type_key,
            "simplified": false,
            "style": "classic",
            "isPrivate": false,
            "properties": {},
            "lead": self.user(p.lead, UserForm::Nested),
        })
    }

    fn project_role(&self, p: &Project, ra: &RoleActors) -> Value {
        let role = &self.inst.roles[ra.role];
        let actors: Vec<Value> = ra
            .actors
            .iter()
            .map(|(id, actor)| match *actor {
                Actor::User(u) => {
                    let user = &self.inst.users[u];
                    json!({
                        "id": id,
                        "displayName": user.display_name,
                        "type": "atlassian-user-role-actor",
                        "actorUser": {"accountId": user.account_id},
                    })
                }
                Actor::Group(g) => {
                    let group = &self.inst.groups[g];
                    json!({
                        "id": id,
                        "displayName": group.name,
                        "type": "atlassian-group-role-actor",
                        "name": group.name,
                        "actorGroup": {"name": group.name, "displayName": group.name, "groupId": group.id},
                    })
                }
            })
            .collect();
        let mut body = self.role_ref(Some(p), ra.role);
        if let Value::Object(map) = &mut body {
            map.insert("actors".into(), Value::Array(actors));
            map.insert("translatedName".into(), json!(role.name));
            map.insert("admin".into(), json!(false));
            map.insert("default".into(), json!(false));
            map.insert("roleConfigurable".into(), json!(true));
        }
        body
    }

    fn application_role(&self, r: &AppRoleDef) -> Value {
        let names: Vec<&str> = r.groups.iter().map(|&g| self.inst.groups[g].name.as_str()).collect();
        let details: Vec<Value> = r
            .groups
            .iter()
            .map(|&g| json!({"name": self.inst.groups[g].name, "groupId": self.inst.groups[g].id}))
            .collect();
        let users = self.inst.groups[r.groups[0]].members.len();
        json!({
            "key": r.key,
            "groups": names,
            "groupDetails": details,
            "name": r.name,
            "defaultGroups": [names[0]],
            "defaultGroupsDetails": [details[0]],
            "selectedByDefault": false,
            "defined": true,
            "numberOfSeats": users + 100,
            "remainingSeats": 100,
            "userCount": users,
            "userCountDescription": "users",
            "hasUnlimitedSeats": false,
            "platform": false,
        })
    }
}

/// A `PageBean*` page.
fn page(self_url: &str, start: usize, size: usize, total: usize, values: Vec<Value>) -> Value {
    let is_last = start + values.len() >= total;
    let mut body = serde_json::Map::new();
    body.insert("self".into(), json!(format!("{self_url}startAt={start}&maxResults={size}")));
    if !is_last {
        body.insert("nextPage".into(), json!(format!("{self_url}startAt={}&maxResults={size}", start + size)));
    }
    body.insert("maxResults".into(), json!(size));
    body.insert("startAt".into(), json!(start));
    body.insert("total".into(), json!(total));
    body.insert("isLast".into(), json!(is_last));
    body.insert("values".into(), Value::Array(values));
    Value::Object(body)
}

/// Counts the bytes written through it, so that parts can be measured.
struct Counted<'w, W: Write> {
    inner: &'w mut W,
    bytes: u64,
}

impl<W: Write> Write for Counted<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Bytes of each part of a rendered snapshot, in document order.
pub type PartSizes = Vec<(&'static str, u64)>;

fn put<W: Write>(w: &mut W, value: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *w, value).map_err(io::Error::other)
}

/// Renders the instance as a snapshot v1 document; returns the size of each part.
pub fn write_snapshot<W: Write>(inst: &Instance, out: &mut W) -> io::Result<PartSizes> {
    let mut counted = Counted { inner: out, bytes: 0 };
    let w = &mut counted;
    let mut parts: PartSizes = Vec::new();
    let mut mark = 0u64;
    let mut part = |name: &'static str, w: &Counted<'_, W>| {
        parts.push((name, w.bytes - mark));
        mark = w.bytes;
    };
    let r = Render::new(inst);
    let site = inst.site.as_str();
    let p = &inst.params;
    writeln!(w, "{{\"snapshotVersion\":1,")?;
    w.write_all(b"\"meta\":")?;
    put(
        w,
        &json!({
            "site": site,
            "collectedAt": COLLECTED_AT,
            "collector": format!("steward-synth {GENERATOR_VERSION} (size {}, seed {:#x})", p.size, inst.seed),
            "gaps": [],
        }),
    )?;
    part("meta", w);

    // GET /permissions
    let mut permissions = serde_json::Map::new();
    for (key, name, _) in PROJECT_PERMISSIONS {
        permissions.insert(
            (*key).into(),
            json!({"key": key, "name": name, "type": "PROJECT", "description": format!("Ability to {}.", name.to_lowercase())}),
        );
    }
    for (key, name) in GLOBAL_PERMISSIONS {
        permissions.insert(
            (*key).into(),
            json!({"key": key, "name": name, "type": "GLOBAL", "description": format!("Ability to {}.", name.to_lowercase())}),
        );
    }
    w.write_all(b",\n\"permissions\":")?;
    put(w, &json!({ "permissions": permissions }))?;
    part("permissions", w);

    // GET /permissionscheme?expand=…
    w.write_all(b",\n\"permissionSchemes\":{\"permissionSchemes\":[")?;
    for (i, s) in inst.schemes.iter().enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        put(w, &r.scheme(s))?;
    }
    w.write_all(b"]}")?;
    part("permissionSchemes", w);

    // Pages of GET /project/search?expand=lead
    w.write_all(b",\n\"projects\":[")?;
    let url = format!("{site}/rest/api/3/project/search?expand=lead&");
    for (i, chunk) in inst.projects.chunks(50).enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        let values = chunk.iter().map(|p| r.project(p)).collect();
        put(w, &page(&url, i * 50, 50, inst.projects.len(), values))?;
    }
    w.write_all(b"]")?;
    part("projects", w);

    // Key order, as a collector keyed by project key would write them.
    let mut by_key: Vec<&Project> = inst.projects.iter().collect();
    by_key.sort_by(|a, b| a.key.cmp(&b.key));

    w.write_all(b",\n\"projectPermissionSchemes\":{")?;
    for (i, project) in by_key.iter().enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        put(w, &project.key)?;
        w.write_all(b":")?;
        put(w, &r.scheme_ref(&inst.schemes[project.scheme]))?;
    }
    w.write_all(b"}")?;
    part("projectPermissionSchemes", w);

    // GET /role
    w.write_all(b",\n\"roles\":")?;
    let roles: Vec<Value> = (0..inst.roles.len()).map(|i| r.role_ref(None, i)).collect();
    put(w, &roles)?;
    part("roles", w);

    w.write_all(b",\n\"projectRoles\":{")?;
    for (i, project) in by_key.iter().enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        put(w, &project.key)?;
        w.write_all(b":{")?;
        for (j, ra) in project.roles.iter().enumerate() {
            if j > 0 {
                w.write_all(b",")?;
            }
            put(w, &inst.roles[ra.role].id.to_string())?;
            w.write_all(b":")?;
            put(w, &r.project_role(project, ra))?;
        }
        w.write_all(b"}")?;
    }
    w.write_all(b"}")?;
    part("projectRoles", w);

    // GET /users/search: bare arrays of at most 1000.
    w.write_all(b",\n\"users\":[")?;
    let all: Vec<usize> = (0..inst.users.len()).collect();
    for (i, chunk) in all.chunks(1000).enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        let values: Vec<Value> = chunk.iter().map(|&u| r.user(u, UserForm::Search)).collect();
        put(w, &values)?;
    }
    w.write_all(b"]")?;
    part("users", w);

    // GET /user?expand=groups,applicationRoles for the accounts under analysis.
    w.write_all(b",\n\"userDetails\":{")?;
    let mut analysed = inst.analysed_accounts();
    analysed.sort_by(|&a, &b| inst.users[a].account_id.cmp(&inst.users[b].account_id));
    for (i, &u) in analysed.iter().enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        put(w, &inst.users[u].account_id)?;
        w.write_all(b":")?;
        put(w, &r.user(u, UserForm::Details))?;
    }
    w.write_all(b"}")?;
    part("userDetails", w);

    // Pages of GET /group/bulk
    w.write_all(b",\n\"groups\":[")?;
    let url = format!("{site}/rest/api/3/group/bulk?");
    for (i, chunk) in inst.groups.chunks(50).enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        let values = chunk.iter().map(|g| json!({"name": g.name, "groupId": g.id})).collect();
        put(w, &page(&url, i * 50, 50, inst.groups.len(), values))?;
    }
    w.write_all(b"]")?;
    part("groups", w);

    // Pages of GET /group/member for the groups grants and role actors name.
    w.write_all(b",\n\"groupMembers\":{")?;
    let mut referenced: Vec<usize> = inst.referenced_groups().into_iter().collect();
    referenced.sort_by(|&a, &b| inst.groups[a].id.cmp(&inst.groups[b].id));
    for (i, &g) in referenced.iter().enumerate() {
        let group = &inst.groups[g];
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        put(w, &group.id)?;
        w.write_all(b":[")?;
        let url = format!("{site}/rest/api/3/group/member?groupId={}&includeInactiveUsers=true&", group.id);
        let total = group.members.len();
        if total == 0 {
            put(w, &page(&url, 0, 50, 0, Vec::new()))?;
        }
        for (j, chunk) in group.members.chunks(50).enumerate() {
            if j > 0 {
                w.write_all(b",")?;
            }
            let values = chunk.iter().map(|&u| r.user(u, UserForm::Member)).collect();
            put(w, &page(&url, j * 50, 50, total, values))?;
        }
        w.write_all(b"]")?;
    }
    w.write_all(b"}")?;
    part("groupMembers", w);

    // GET /applicationrole
    w.write_all(b",\n\"applicationRoles\":")?;
    let app_roles: Vec<Value> = inst.app_roles.iter().map(|a| r.application_role(a)).collect();
    put(w, &app_roles)?;
    w.write_all(b"\n}\n")?;
    part("applicationRoles", w);
    Ok(parts)
}

/// The snapshot of `size` (default seed) as one string.
pub fn snapshot_string(size: Size) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_snapshot(&Instance::for_size(size), &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Counts that describe an instance, for reports.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub grants: usize,
    pub grants_by_holder: BTreeMap<&'static str, usize>,
    pub role_bodies: usize,
    pub role_actors: usize,
    pub referenced_groups: usize,
    pub group_member_entries: usize,
    pub service_accounts: usize,
    pub analysed_accounts: usize,
}

impl Instance {
    pub fn stats(&self) -> Stats {
        let mut s = Stats::default();
        for scheme in &self.schemes {
            for g in &scheme.grants {
                s.grants += 1;
                let kind = match g.holder {
                    Holder::ProjectRole(_) => "projectRole",
                    Holder::Group(_) => "group",
                    Holder::User(_) => "user",
                    Holder::ApplicationRole(_) => "applicationRole",
                    Holder::Anyone => "anyone",
                    Holder::Reporter => "reporter",
                    Holder::Assignee => "assignee",
                    Holder::ProjectLead => "projectLead",
                };
                *s.grants_by_holder.entry(kind).or_default() += 1;
            }
        }
        for p in &self.projects {
            s.role_bodies += p.roles.len();
            s.role_actors += p.roles.iter().map(|r| r.actors.len()).sum::<usize>();
        }
        let referenced = self.referenced_groups();
        s.referenced_groups = referenced.len();
        s.group_member_entries = referenced.iter().map(|&g| self.groups[g].members.len()).sum();
        s.service_accounts = self.indices_of(AccountKind::Service).len();
        s.analysed_accounts = self.analysed_accounts().len();
        s
    }
}
