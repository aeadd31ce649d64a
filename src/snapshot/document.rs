//! Decoding the document: the parts as read, the large ones decoded page by page and element by
//! element as the text passes, the small ones kept raw for the builder.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::jira::{self, decode_each_from, decode_one, page_items_ended, page_values_ended};
use crate::warning::{Warning, WarningCode};

/// The document as read. The large per-entity parts (projects, role actors, users, group members)
/// are decoded page by page while the reader passes them, so neither the text nor an untyped copy
/// of them has to be whole in memory at once (see [`SnapshotReader`]); the small parts stay raw bodies
/// for the builder. Warnings from the early decoding are kept with their part and reported in the
/// order the builder would have found them.
#[derive(Debug, Default)]
pub struct SnapshotDoc {
    pub snapshot_version: u32,
    pub meta: Meta,
    /// `GET /rest/api/3/permissions`.
    pub permissions: Option<Box<RawValue>>,
    /// `GET /rest/api/3/permissionscheme?expand=permissions,user,group,projectRole,field`.
    pub permission_schemes: Option<Box<RawValue>>,
    /// Pages of `GET /rest/api/3/project/search?expand=lead`.
    pub projects: Decoded<jira::Project>,
    /// Project key → `GET /rest/api/3/project/{key}/permissionscheme`.
    pub project_permission_schemes: BTreeMap<String, Box<RawValue>>,
    /// `GET /rest/api/3/role`.
    pub roles: Option<Box<RawValue>>,
    /// Project key → role id → `GET /rest/api/3/project/{key}/role/{id}`.
    pub project_roles: BTreeMap<String, BTreeMap<String, Result<RoleBody, Warning>>>,
    /// Pages of `GET /rest/api/3/users/search` (bare arrays).
    pub users: Decoded<jira::User>,
    /// Account id → `GET /rest/api/3/user?accountId=…&expand=groups,applicationRoles`.
    pub user_details: BTreeMap<String, Result<jira::User, Warning>>,
    /// Pages of `GET /rest/api/3/group/bulk`.
    pub groups: Vec<Box<RawValue>>,
    /// Group id → pages of `GET /rest/api/3/group/member?groupId=…&includeInactiveUsers=true`.
    pub group_members: BTreeMap<String, Decoded<jira::User>>,
    /// `GET /rest/api/3/applicationrole`.
    pub application_roles: Option<Box<RawValue>>,
    /// `GET /rest/api/3/issuesecurityschemes`.
    pub issue_security_schemes: Option<Box<RawValue>>,
    /// Pages of `GET /rest/api/3/issuesecurityschemes/project`.
    pub issue_security_projects: Option<Vec<Box<RawValue>>>,
    /// Scheme id → pages of `GET /rest/api/3/issuesecurityschemes/level?schemeId={id}`: the
    /// levels with their names, which `GET /issuesecurityschemes` leaves out.
    pub issue_security_levels: BTreeMap<String, Vec<Box<RawValue>>>,
    /// Scheme id → pages of `GET /rest/api/3/issuesecurityschemes/{id}/members?expand=all`.
    pub issue_security_members: BTreeMap<String, Vec<Box<RawValue>>>,
    /// Pages of `GET /rest/api/3/workflows/search?expand=values.transitions`.
    pub workflows: Vec<Box<RawValue>>,
    /// Bodies of `GET /rest/api/3/workflowscheme/project?projectId=…`.
    pub workflow_scheme_projects: Vec<Box<RawValue>>,
    /// Account id → `POST /rest/api/3/permissions/check` exchanges (request and response).
    pub permission_checks: BTreeMap<String, Vec<CheckExchange>>,
    /// Names of parts a newer format may add; reported, not fatal.
    pub unknown: Vec<String>,
}

/// The elements of a paged part, decoded one page at a time, with what could not be read.
#[derive(Debug)]
pub struct Decoded<T> {
    pub items: Vec<T>,
    pub warnings: Vec<Warning>,
    /// Whether every element was read: none was unreadable, and the last page does not say more
    /// pages follow it (the snapshot stopped short of them).
    pub complete: bool,
    /// The last page read says more follow it.
    pub(super) more: bool,
    pub(super) position: usize,
    pub(super) index: usize,
    /// The snapshot has the part, if with no page at all.
    pub(super) present: bool,
}

impl<T> Default for Decoded<T> {
    fn default() -> Self {
        Decoded {
            items: Vec::new(),
            warnings: Vec::new(),
            complete: true,
            more: false,
            position: 0,
            index: 0,
            present: false,
        }
    }
}

impl<T> Decoded<T> {
    /// An empty part the snapshot has: not a missing one.
    pub(crate) fn present() -> Self {
        Decoded { present: true, ..Decoded::default() }
    }
}

impl<T> Decoded<T> {
    /// Whether every element of the part was read ([`Decoded::complete`]).
    pub(super) fn whole(&self) -> bool {
        self.complete && !self.more
    }

    /// Takes a page's [`jira::Ending`]: the last page's says whether more follow; a page without
    /// `values` leaves the part incomplete whichever page it is.
    pub(super) fn end(&mut self, ending: jira::Ending) {
        self.more = ending.more;
        self.complete &= !ending.without_values;
    }
}

impl<T: DeserializeOwned> Decoded<T> {
    /// Adds one page. A well-formed page decodes in one pass; a page with a bad element is decoded
    /// element by element so only that element is skipped.
    pub(super) fn page(&mut self, page: &RawValue, what: &str, item: &str) {
        let index = self.index;
        self.index += 1;
        if let Ok((items, ending)) = page_items_ended::<T>(page) {
            self.end(ending);
            self.position += items.len();
            self.items.extend(items);
            return;
        }
        match page_values_ended(page) {
            Ok((values, ending)) => {
                self.end(ending);
                let (decoded, warnings) = decode_each_from(&values, item, self.position);
                self.position += values.len();
                self.complete &= warnings.is_empty();
                self.items.extend(decoded);
                self.warnings.extend(warnings);
            }
            Err(error) => {
                self.complete = false;
                self.warnings.push(Warning::new(
                    WarningCode::SkippedItem,
                    format!("could not read page {index} of {what}: {error}"),
                ));
            }
        }
    }

    /// Adds one page given as its own bytes (an element of a paged part, as [`SnapshotReader`] cuts
    /// it): straight from the bytes when every element is well formed, else captured so a bad
    /// element is skipped with a warning.
    pub(super) fn page_bytes(&mut self, bytes: &[u8], what: &str, item: &str) -> Result<(), serde_json::Error> {
        match serde_json::from_slice::<DirectPage<T>>(bytes) {
            Ok(page) => self.direct_page(page),
            Err(_) => self.page(&serde_json::from_slice::<Box<RawValue>>(bytes)?, what, item),
        }
        Ok(())
    }

    /// Adds one page whose elements were all read (see [`DirectPage`]).
    pub(super) fn direct_page(&mut self, page: DirectPage<T>) {
        self.index += 1;
        self.end(page.ending);
        self.position += page.items.len();
        self.items.extend(page.items);
    }

    pub(super) fn pages(pages: &[Box<RawValue>], what: &str, item: &str) -> Self {
        let mut decoded = Decoded::default();
        for page in pages {
            decoded.page(page, what, item);
        }
        decoded
    }
}

/// A role body (`GET /project/{p}/role/{id}`) reduced to what the builder reads: its name and actors.
#[derive(Debug)]
pub struct RoleBody {
    pub name: Option<String>,
    pub actors: Vec<RoleActor>,
    /// Whether the body listed its actors at all.
    pub actors_listed: bool,
}

/// A role actor as Jira names it, before groups are resolved against the rest of the snapshot.
#[derive(Debug)]
pub enum RoleActor {
    User(String),
    Group {
        id: Option<String>,
        name: Option<String>,
    },
    /// Names no user or group: the actor's `type`.
    Neither(Option<String>),
}

impl From<jira::ProjectRole> for RoleBody {
    fn from(role: jira::ProjectRole) -> Self {
        let actors_listed = role.actors.is_some();
        let actors = role
            .actors
            .unwrap_or_default()
            .into_iter()
            .map(|actor| match (actor.actor_user.and_then(|u| u.account_id), actor.actor_group) {
                (Some(user), _) => RoleActor::User(user),
                (None, Some(group)) => RoleActor::Group { id: group.group_id, name: group.name },
                (None, None) => RoleActor::Neither(actor.kind.map(|k| k.0.into_owned())),
            })
            .collect();
        RoleBody { name: role.name, actors, actors_listed }
    }
}

/// Reads a sequence of pages, decoding each as it arrives and dropping its text.
pub(super) struct PagesSeed<'d, T> {
    pub(super) out: &'d mut Decoded<T>,
    pub(super) what: &'d str,
    pub(super) item: &'d str,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for PagesSeed<'_, T> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for PagesSeed<'_, T> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while let Some(page) = seq.next_element::<Box<RawValue>>()? {
            self.out.page(&page, self.what, self.item);
        }
        Ok(())
    }
}

/// The pages of a paged part decoded straight from the text, without capturing each page first:
/// one pass instead of two. Fails on the first bad element, where [`PagesSeed`] would skip just that
/// element with a warning; only for a caller that can start over carefully (see [`decode_str`]).
pub(super) struct DirectPages<T>(pub(super) Decoded<T>);

impl<'de, T: DeserializeOwned> Deserialize<'de> for DirectPages<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pages<T>(std::marker::PhantomData<T>);
        impl<'de, T: DeserializeOwned> Visitor<'de> for Pages<T> {
            type Value = Decoded<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence of pages")
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Decoded<T>, S::Error> {
                let mut out = Decoded::present();
                while let Some(page) = seq.next_element::<DirectPage<T>>()? {
                    out.direct_page(page);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_seq(Pages(std::marker::PhantomData)).map(DirectPages)
    }
}

/// Marks a paging field of a page as seen; whether it was already.
pub(super) fn seen_before(seen: &mut u8, key: &str) -> bool {
    let bit = match key {
        "isLast" => 1,
        "nextPage" => 2,
        "startAt" => 4,
        _ => 8,
    };
    let already = *seen & bit != 0;
    *seen |= bit;
    already
}

/// One page read as [`jira::page_items_ended`] reads it: a bare array of elements, or a page object
/// whose `values` are the elements (absent: none), and whether it says more pages follow; anything
/// else fails.
pub(super) struct DirectPage<T> {
    pub(super) items: Vec<T>,
    pub(super) ending: jira::Ending,
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for DirectPage<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Page<T>(std::marker::PhantomData<T>);
        impl<'de, T: DeserializeOwned> Visitor<'de> for Page<T> {
            type Value = DirectPage<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a page: an array, or an object with `values`")
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<DirectPage<T>, S::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(item) = seq.next_element::<T>()? {
                    items.push(item);
                }
                Ok(DirectPage { items, ending: jira::Ending::default() })
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<DirectPage<T>, M::Error> {
                let mut values: Option<Vec<T>> = None;
                let (mut is_last, mut next_page) = (None, false);
                let mut counts = jira::Counts::default();
                let mut seen = 0u8;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match key.as_ref() {
                        "values" => {
                            if values.is_some() {
                                return Err(serde::de::Error::duplicate_field("values"));
                            }
                            values = Some(map.next_value()?);
                        }
                        // Given twice, as the derived page decoders refuse too: the careful path
                        // then reads the page, so both paths agree.
                        "isLast" | "nextPage" | "startAt" | "total" if seen_before(&mut seen, key.as_ref()) => {
                            return Err(serde::de::Error::custom(format_args!("duplicate field `{key}`")));
                        }
                        "isLast" => is_last = map.next_value::<Option<bool>>()?,
                        "nextPage" => next_page = map.next_value::<Option<serde::de::IgnoredAny>>()?.is_some(),
                        "startAt" => counts.start_at = map.next_value::<jira::LenientId>()?.0,
                        "total" => counts.total = map.next_value::<jira::LenientId>()?.0,
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                let len = values.as_ref().map_or(0, Vec::len);
                let ending = jira::Ending {
                    more: jira::says_more_of(is_last, next_page, counts, len),
                    without_values: values.is_none(),
                };
                Ok(DirectPage { items: values.unwrap_or_default(), ending })
            }
        }
        deserializer.deserialize_any(Page(std::marker::PhantomData))
    }
}

/// Reads a map of id → `R` (one entry's raw text at a time), keeping `decode(id, raw)` instead.
pub(super) struct MapSeed<R, F>(F, std::marker::PhantomData<R>);

impl<R, V, F: FnMut(&str, R) -> V> MapSeed<R, F> {
    pub(super) fn new(decode: F) -> Self {
        MapSeed(decode, std::marker::PhantomData)
    }
}

impl<'de, R: DeserializeOwned, V, F: FnMut(&str, R) -> V> DeserializeSeed<'de> for MapSeed<R, F> {
    type Value = BTreeMap<String, V>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, R: DeserializeOwned, V, F: FnMut(&str, R) -> V> Visitor<'de> for MapSeed<R, F> {
    type Value = BTreeMap<String, V>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }
    fn visit_map<M: MapAccess<'de>>(mut self, mut map: M) -> Result<Self::Value, M::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(twice(&key)));
            }
            let raw: R = map.next_value()?;
            let value = (self.0)(&key, raw);
            out.insert(key, value);
        }
        Ok(out)
    }
}

/// A map whose keys must differ: a repeated key would silently replace what the first one said.
pub(crate) struct UniqueMap<V>(BTreeMap<String, V>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for UniqueMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Entries<V> {
            type Value = BTreeMap<String, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut out = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    if out.contains_key(&key) {
                        return Err(serde::de::Error::custom(twice(&key)));
                    }
                    let value = map.next_value()?;
                    out.insert(key, value);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(Entries(std::marker::PhantomData)).map(UniqueMap)
    }
}

/// The error for a key given twice in a map-shaped part (the reader's too).
pub(super) fn twice(key: &str) -> String {
    format!("entry `{key}` appears twice")
}

/// The error for a part given twice (the reader's too).
pub(super) fn twice_part(key: &str) -> String {
    format!("part `{key}` appears twice")
}

/// Hand-written because serde's `flatten` cannot carry raw values: unknown parts are skipped
/// without being buffered, and their names kept for the warning; the large parts are decoded as
/// they are read. Every page's text is captured first, so a bad element costs a warning, not the
/// part (see [`decode_str`] for the one-pass reading of a text).
impl<'de> Deserialize<'de> for SnapshotDoc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(DocVisitor { direct: false })
    }
}

pub(super) struct DocVisitor {
    /// Decode the large parts straight from the text ([`DirectPages`]).
    pub(super) direct: bool,
}

impl<'de> Visitor<'de> for DocVisitor {
    type Value = SnapshotDoc;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a snapshot object")
    }
    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<SnapshotDoc, M::Error> {
        let mut doc = SnapshotDoc::default();
        let mut version = None;
        let mut seen = std::collections::BTreeSet::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom(twice_part(&key)));
            }
            let seed = MemberSeed { doc: &mut doc, version: &mut version, key: key.as_ref(), direct: self.direct };
            map.next_value_seed(seed)?;
        }
        doc.snapshot_version = version.ok_or_else(|| serde::de::Error::missing_field("snapshotVersion"))?;
        Ok(doc)
    }
}

/// Decodes a snapshot text. A well-formed snapshot (nearly every one) is read in one pass, its large
/// parts straight from the text; if anything in it fails, it is read again the careful way (every
/// page captured first, a bad element skipped with a warning), so the answer is the same either way.
pub fn decode_str(text: &str) -> Result<SnapshotDoc, serde_json::Error> {
    decode_direct(serde_json::Deserializer::from_str(text)).or_else(|_| serde_json::from_str(text))
}

pub(super) fn decode_direct<'de, R: serde_json::de::Read<'de>>(
    mut direct: serde_json::Deserializer<R>,
) -> Result<SnapshotDoc, serde_json::Error> {
    direct.deserialize_map(DocVisitor { direct: true }).and_then(|doc| direct.end().map(|()| doc))
}

/// One part of the document, by its name: shared by the serde visitor and [`SnapshotReader`], so
/// both read every part the same way.
pub(super) struct MemberSeed<'a> {
    pub(super) doc: &'a mut SnapshotDoc,
    pub(super) version: &'a mut Option<u32>,
    pub(super) key: &'a str,
    /// Read the large parts with [`DirectPages`] and friends: one pass, failing on a bad element.
    pub(super) direct: bool,
}

impl<'de> DeserializeSeed<'de> for MemberSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let doc = self.doc;
        match self.key {
            "snapshotVersion" => *self.version = Some(u32::deserialize(d)?),
            "meta" => doc.meta = Meta::deserialize(d)?,
            "permissions" => doc.permissions = Option::deserialize(d)?,
            "permissionSchemes" => doc.permission_schemes = Option::deserialize(d)?,
            "projects" if self.direct => doc.projects = DirectPages::deserialize(d)?.0,
            "projects" => {
                let mut out = Decoded::present();
                PagesSeed { out: &mut out, what: "projects", item: "project" }.deserialize(d)?;
                doc.projects = out;
            }
            "projectPermissionSchemes" => doc.project_permission_schemes = UniqueMap::deserialize(d)?.0,
            "roles" => doc.roles = Option::deserialize(d)?,
            "projectRoles" if self.direct => doc.project_roles = MapSeed::new(direct_role_bodies).deserialize(d)?,
            "projectRoles" => doc.project_roles = MapSeed::new(role_bodies).deserialize(d)?,
            "users" if self.direct => doc.users = DirectPages::deserialize(d)?.0,
            "users" => {
                let mut out = Decoded::present();
                PagesSeed { out: &mut out, what: "users", item: "user" }.deserialize(d)?;
                doc.users = out;
            }
            "userDetails" if self.direct => {
                doc.user_details = MapSeed::new(|_: &str, user: jira::User| Ok(user)).deserialize(d)?;
            }
            "userDetails" => doc.user_details = MapSeed::new(user_detail).deserialize(d)?,
            "groups" => doc.groups = Vec::deserialize(d)?,
            "groupMembers" if self.direct => {
                doc.group_members = MapSeed::new(|_: &str, pages: DirectPages<jira::User>| pages.0).deserialize(d)?;
            }
            "groupMembers" => doc.group_members = MapSeed::new(member_pages).deserialize(d)?,
            "applicationRoles" => doc.application_roles = Option::deserialize(d)?,
            "issueSecuritySchemes" => doc.issue_security_schemes = Option::deserialize(d)?,
            "issueSecurityProjects" => doc.issue_security_projects = Option::deserialize(d)?,
            "issueSecurityLevels" => doc.issue_security_levels = UniqueMap::deserialize(d)?.0,
            "issueSecurityMembers" => doc.issue_security_members = UniqueMap::deserialize(d)?.0,
            "workflows" => doc.workflows = Vec::deserialize(d)?,
            "workflowSchemeProjects" => doc.workflow_scheme_projects = Vec::deserialize(d)?,
            "permissionChecks" => doc.permission_checks = UniqueMap::deserialize(d)?.0,
            other => {
                doc.unknown.push(other.to_owned());
                serde::de::IgnoredAny::deserialize(d)?;
            }
        }
        Ok(())
    }
}

/// The role bodies of one project, reduced as they are read.
pub(super) fn role_bodies(
    project: &str,
    roles: UniqueMap<Box<RawValue>>,
) -> BTreeMap<String, Result<RoleBody, Warning>> {
    roles
        .0
        .into_iter()
        .map(|(role_id, raw)| {
            let what = format!("actors of role `{role_id}` in project `{project}`");
            let body = decode_one::<jira::ProjectRole>(&raw, &what).map(RoleBody::from);
            (role_id, body)
        })
        .collect()
}

/// The role bodies of one project, all well formed, read straight from the text (see [`DirectPages`]).
pub(super) fn direct_role_bodies(
    _project: &str,
    roles: UniqueMap<jira::ProjectRole>,
) -> BTreeMap<String, Result<RoleBody, Warning>> {
    roles.0.into_iter().map(|(id, role)| (id, Ok(RoleBody::from(role)))).collect()
}

pub(super) fn user_detail(account_id: &str, raw: Box<RawValue>) -> Result<jira::User, Warning> {
    decode_one::<jira::User>(&raw, &format!("details of user `{account_id}`"))
}

pub(super) fn member_pages(group_id: &str, pages: Vec<Box<RawValue>>) -> Decoded<jira::User> {
    Decoded::pages(&pages, &format!("members of group `{group_id}`"), &format!("member of group `{group_id}`"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Meta {
    pub site: Option<String>,
    pub collected_at: Option<String>,
    pub collector: Option<String>,
    /// What could not be collected, and why.
    pub gaps: Vec<Gap>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Gap {
    pub part: String,
    pub key: Option<String>,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
pub struct CheckExchange {
    pub request: Box<RawValue>,
    pub response: Box<RawValue>,
}
