//! [`SnapshotReader`]: a snapshot decoded from chunks *pushed* to it, one at a time.
//!
//! A Forge function reads a stored snapshot from Forge SQL asynchronously, a few chunks a query,
//! and pushes each as it arrives: the reader keeps only the element it is in, never the whole text.
//!
//! The reader finds the boundaries of the document's parts, and of the elements of the parts that
//! grow with the site (pages, and entries keyed by project, account or group), by following
//! strings and brackets byte by byte; each piece is then read by the same code as
//! [`super::SnapshotDoc`]'s own `Deserialize` (see `MemberSeed`), so both give the same document.

use std::collections::BTreeSet;

use serde::de::DeserializeSeed;

use super::SnapshotError;
use super::document::{
    CheckExchange, Decoded, DirectPages, MemberSeed, SnapshotDoc, direct_role_bodies, member_pages, role_bodies, twice,
    twice_part, user_detail,
};
use crate::jira::User;

/// The parts read element by element rather than whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Projects,
    Users,
    ProjectPermissionSchemes,
    ProjectRoles,
    UserDetails,
    GroupMembers,
    PermissionChecks,
}

impl Part {
    fn of(key: &str) -> Option<Part> {
        Some(match key {
            "projects" => Part::Projects,
            "users" => Part::Users,
            "projectPermissionSchemes" => Part::ProjectPermissionSchemes,
            "projectRoles" => Part::ProjectRoles,
            "userDetails" => Part::UserDetails,
            "groupMembers" => Part::GroupMembers,
            "permissionChecks" => Part::PermissionChecks,
            _ => return None,
        })
    }

    /// Pages are arrays; the rest are objects keyed by project, account or group.
    fn is_pages(self) -> bool {
        matches!(self, Part::Projects | Part::Users)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Before,
    Inside,
    After,
}

/// Decodes a snapshot from chunks of its UTF-8 text given to [`SnapshotReader::push`] in order;
/// [`SnapshotReader::finish`] answers the document. Chunk boundaries may fall anywhere, inside a
/// character too. A malformed document is reported by `finish`; what follows the first error is
/// ignored.
#[derive(Debug)]
pub struct SnapshotReader {
    doc: SnapshotDoc,
    version: Option<u32>,
    /// The bytes of the piece being read: a part's name, a small part's value, or one element (or
    /// entry name) of a part read element by element.
    unit: Vec<u8>,
    depth: usize,
    in_string: bool,
    escaped: bool,
    place: Place,
    /// The name of the part being read, once its colon has been read.
    key: Option<String>,
    /// The parts read so far, and the entry names of the part read element by element: each may
    /// appear once.
    parts: BTreeSet<String>,
    entries: BTreeSet<String>,
    /// Nothing of the part's value has been read yet.
    value_start: bool,
    /// The part being read element by element, and the name of its current entry.
    split: Option<Part>,
    entry: Option<String>,
    /// The part just read element by element is over: only `,` or `}` may follow.
    split_done: bool,
    /// A comma was read: another part or element must follow.
    after_comma: bool,
    /// The current element was read in place (see [`SnapshotReader::read_in_place`]): only `,` or
    /// the part's closing bracket may follow.
    element_read: bool,
    error: Option<SnapshotError>,
}

impl Default for SnapshotReader {
    fn default() -> Self {
        SnapshotReader {
            doc: SnapshotDoc::default(),
            version: None,
            unit: Vec::new(),
            depth: 0,
            in_string: false,
            escaped: false,
            place: Place::Before,
            key: None,
            parts: BTreeSet::new(),
            entries: BTreeSet::new(),
            value_start: false,
            split: None,
            entry: None,
            split_done: false,
            after_comma: false,
            element_read: false,
            error: None,
        }
    }
}

const fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

/// The longest start of `bytes` that is UTF-8: all of them but for a character cut at the end, or
/// what precedes bytes that are not UTF-8 (which the byte-wise reading reports).
fn text_of(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => std::str::from_utf8(bytes.get(..error.valid_up_to()).unwrap_or_default()).unwrap_or_default(),
    }
}

/// What became of reading an element where it lies.
enum Tried {
    /// It was read; it is this many bytes long.
    Read(usize),
    /// It runs past the bytes given.
    Incomplete,
    /// serde_json refuses it (or there is no element to read).
    Refused,
}

/// The length of the JSON object or array `bytes` starts with, where it ends within them and is
/// well formed.
fn whole_value(bytes: &[u8]) -> Option<usize> {
    let mut values = serde_json::Deserializer::from_slice(bytes).into_iter::<&serde_json::value::RawValue>();
    match values.next() {
        Some(Ok(_)) => Some(values.byte_offset()),
        _ => None,
    }
}

fn parse<'a, T: serde::Deserialize<'a>>(bytes: &'a [u8], what: &str) -> Result<T, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("{what}: {e}"))
}

impl SnapshotReader {
    pub fn new() -> Self {
        SnapshotReader::default()
    }

    /// Reads the next chunk of the text.
    pub fn push(&mut self, chunk: &[u8]) {
        if self.error.is_some() {
            return;
        }
        self.scan(chunk);
    }

    /// Reads `chunk` from where the reader stands.
    fn scan(&mut self, chunk: &[u8]) {
        // Checked as UTF-8 once: elements are then read as text, whose strings serde_json does not
        // check again (from bytes it checks every string it keeps, half the reading).
        let text = text_of(chunk);
        let mut rest = chunk;
        while let Some((&b, tail)) = rest.split_first() {
            // An element that lies whole in this chunk is read where it lies, in one pass, as
            // `end_element` reads a well-formed one; one with a bad part inside is found by
            // serde_json's own scan of a value and read carefully. One that runs past the chunk,
            // or that serde_json refuses, is read byte-wise, which reports what is wrong with it.
            if self.element_starts(b) {
                // Elements start at `{` or `[`, so where `rest` starts is a character boundary.
                let here = text.get(chunk.len() - rest.len()..).unwrap_or_default();
                match self.read_in_place(here) {
                    Tried::Read(end) => {
                        rest = rest.get(end..).unwrap_or_default();
                        continue;
                    }
                    // It runs past this chunk: read byte-wise, through the chunks it spans.
                    Tried::Incomplete => {
                        self.scan_slowly(rest);
                        return;
                    }
                    Tried::Refused => {}
                }
                if let Some(end) = whole_value(rest) {
                    let (value, after) = rest.split_at(end);
                    self.unit.extend_from_slice(value);
                    rest = after;
                    continue;
                }
                self.scan_slowly(rest);
                return;
            }
            rest = self.step(rest, b, tail);
            if self.error.is_some() {
                return;
            }
        }
    }

    /// Reads `bytes` a byte (or a run of plain bytes) at a time, never reading an element in place.
    fn scan_slowly(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while let Some((&b, tail)) = rest.split_first() {
            rest = self.step(rest, b, tail);
            if self.error.is_some() {
                return;
            }
        }
    }

    /// One step of the byte-wise reading at `rest` (whose first byte is `b`): what is left.
    fn step<'r>(&mut self, rest: &'r [u8], b: u8, tail: &'r [u8]) -> &'r [u8] {
        // Most of a snapshot is string contents and the insides of elements, where a byte only
        // goes to the unit: copy such runs at once, up to the next byte that means something.
        let plain = if self.in_string && !self.escaped {
            memchr::memchr2(b'"', b'\\', rest)
        } else if !self.in_string && self.place == Place::Inside && self.depth >= 3 {
            rest.iter().position(|&c| matches!(c, b'"' | b'{' | b'}' | b'[' | b']'))
        } else {
            Some(0)
        };
        let plain = plain.unwrap_or(rest.len());
        if plain > 0 {
            let (run, after) = rest.split_at(plain);
            self.unit.extend_from_slice(run);
            return after;
        }
        if let Err(message) = self.byte(b) {
            self.error = Some(SnapshotError::Malformed { message });
            self.unit = Vec::new();
            return &[];
        }
        tail
    }

    /// Whether `b` opens an element of the part read element by element: a page, or an entry's
    /// value once its name and colon are read.
    fn element_starts(&self, b: u8) -> bool {
        matches!(b, b'{' | b'[')
            && !self.in_string
            && self.place == Place::Inside
            && self.depth == 2
            && self.unit.is_empty()
            && !self.element_read
            && self.split.is_some_and(|part| part.is_pages() || self.entry.is_some())
    }

    /// Reads the element `bytes` starts with in one pass, where it ends within them and every
    /// part of it is well formed: what [`Self::end_element`] makes of those bytes. An element
    /// that runs past `bytes` is incomplete; one serde_json refuses is left to the other ways,
    /// which read a malformed one carefully or report it.
    fn read_in_place(&mut self, text: &str) -> Tried {
        match self.read_whole(text) {
            Ok(end) => {
                self.entry = None;
                self.element_read = true;
                self.after_comma = false;
                Tried::Read(end)
            }
            Err(Some(error)) if error.is_eof() => Tried::Incomplete,
            Err(_) => Tried::Refused,
        }
    }

    /// [`Self::read_in_place`]'s reading: the element's length, or serde_json's error (`None`
    /// where there is no element to read).
    fn read_whole(&mut self, bytes: &str) -> Result<usize, Option<serde_json::Error>> {
        fn one<'a, T: serde::Deserialize<'a>>(text: &'a str) -> Result<(T, usize), Option<serde_json::Error>> {
            let mut values = serde_json::Deserializer::from_str(text).into_iter::<T>();
            let value = values.next().ok_or(None)?.map_err(Some)?;
            Ok((value, values.byte_offset()))
        }
        let doc = &mut self.doc;
        let end = match self.split.ok_or(None)? {
            Part::Projects => {
                let (page, end) = one(bytes)?;
                doc.projects.direct_page(page);
                end
            }
            Part::Users => {
                let (page, end) = one(bytes)?;
                doc.users.direct_page(page);
                end
            }
            part => {
                let entry = self.entry.clone().ok_or(None)?;
                match part {
                    Part::ProjectPermissionSchemes => {
                        let (body, end) = one(bytes)?;
                        doc.project_permission_schemes.insert(entry, body);
                        end
                    }
                    Part::ProjectRoles => {
                        let (roles, end) = one(bytes)?;
                        let bodies = direct_role_bodies(&entry, roles);
                        doc.project_roles.insert(entry, bodies);
                        end
                    }
                    Part::UserDetails => {
                        let (user, end) = one(bytes)?;
                        doc.user_details.insert(entry, Ok(user));
                        end
                    }
                    Part::GroupMembers => {
                        let (DirectPages(members), end) = one(bytes)?;
                        doc.group_members.insert(entry, members);
                        end
                    }
                    _ => {
                        let (exchanges, end) = one(bytes)?;
                        doc.permission_checks.insert(entry, exchanges);
                        end
                    }
                }
            }
        };
        Ok(end)
    }

    /// The document, once every chunk has been pushed.
    pub fn finish(self) -> Result<SnapshotDoc, SnapshotError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if self.place != Place::After {
            return Err(SnapshotError::Malformed { message: "the text ends before the snapshot object does".into() });
        }
        let mut doc = self.doc;
        doc.snapshot_version = self
            .version
            .ok_or_else(|| SnapshotError::Malformed { message: "missing field `snapshotVersion`".into() })?;
        Ok(doc)
    }

    fn byte(&mut self, b: u8) -> Result<(), String> {
        if self.in_string {
            self.unit.push(b);
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            return Ok(());
        }
        match self.place {
            Place::Before if is_space(b) => return Ok(()),
            Place::Before if b == b'{' => {
                self.place = Place::Inside;
                self.depth = 1;
                return Ok(());
            }
            Place::Before => return Err("a snapshot is a json object".into()),
            Place::After if is_space(b) => return Ok(()),
            Place::After => return Err("trailing characters after the snapshot object".into()),
            Place::Inside => {}
        }
        let top = self.depth == 1;
        let split = if self.depth == 2 { self.split } else { None };
        match b {
            b'{' | b'[' => {
                if top && self.value_start {
                    self.value_start = false;
                    let part = self.key.as_deref().and_then(Part::of);
                    if let Some(part) = part.filter(|p| (b == b'[') == p.is_pages()) {
                        self.start_split(part);
                        return Ok(());
                    }
                }
                self.depth += 1;
                self.unit.push(b);
            }
            b'}' | b']' if top => {
                if b != b'}' {
                    return Err("`]` closes the snapshot object".into());
                }
                self.end_member(true)?;
                self.depth = 0;
                self.place = Place::After;
            }
            b'}' | b']' if split.is_some() => {
                let pages = split.is_some_and(Part::is_pages);
                if (b == b']') != pages {
                    return Err(format!("`{}` closes part `{}`", b as char, self.key.as_deref().unwrap_or("")));
                }
                self.end_element(true)?;
                self.split = None;
                self.split_done = true;
                self.depth = 1;
            }
            b'}' | b']' => {
                self.depth = self.depth.saturating_sub(1);
                self.unit.push(b);
            }
            b':' if top => {
                if self.key.is_some() || self.split_done {
                    return Err("a part has two colons".into());
                }
                let key = parse::<String>(&self.unit, "a part's name")?;
                if !self.parts.insert(key.clone()) {
                    return Err(twice_part(&key));
                }
                self.key = Some(key);
                self.unit.clear();
                self.value_start = true;
                self.after_comma = false;
            }
            b':' if split.is_some_and(|p| !p.is_pages()) => {
                if self.entry.is_some() {
                    return Err(format!("an entry of part `{}` has two colons", self.key.as_deref().unwrap_or("")));
                }
                let entry = parse::<String>(&self.unit, "an entry's name")?;
                if !self.entries.insert(entry.clone()) {
                    return Err(format!("part `{}`: {}", self.key.as_deref().unwrap_or(""), twice(&entry)));
                }
                self.entry = Some(entry);
                self.unit.clear();
            }
            b',' if top => {
                self.end_member(false)?;
                self.after_comma = true;
            }
            b',' if split.is_some() => {
                self.end_element(false)?;
                self.after_comma = true;
            }
            _ if is_space(b) && (top || split.is_some()) && self.unit.is_empty() => {}
            _ => {
                if top {
                    self.value_start = false;
                }
                if b == b'"' {
                    self.in_string = true;
                }
                self.unit.push(b);
            }
        }
        Ok(())
    }

    /// Starts reading a part element by element; like the whole part read again, it replaces what
    /// an earlier part of the same name left.
    fn start_split(&mut self, part: Part) {
        let doc = &mut self.doc;
        match part {
            Part::Projects => doc.projects = Decoded::present(),
            Part::Users => doc.users = Decoded::present(),
            Part::ProjectPermissionSchemes => doc.project_permission_schemes.clear(),
            Part::ProjectRoles => doc.project_roles.clear(),
            Part::UserDetails => doc.user_details.clear(),
            Part::GroupMembers => doc.group_members.clear(),
            Part::PermissionChecks => doc.permission_checks.clear(),
        }
        self.split = Some(part);
        self.entry = None;
        self.entries.clear();
        self.after_comma = false;
        self.depth = 2;
    }

    /// A part ends (at `,` or the closing `}`): a small part is read whole now.
    fn end_member(&mut self, closing: bool) -> Result<(), String> {
        let unit = std::mem::take(&mut self.unit);
        match self.key.take() {
            None if unit.is_empty() && closing && !self.after_comma => {}
            None => return Err("expected a part's name and a colon".into()),
            Some(key) if self.split_done => {
                if !unit.is_empty() {
                    return Err(format!("unexpected characters after part `{key}`"));
                }
            }
            Some(key) if unit.is_empty() => return Err(format!("part `{key}` has no value")),
            Some(key) => {
                let mut de = serde_json::Deserializer::from_slice(&unit);
                MemberSeed { doc: &mut self.doc, version: &mut self.version, key: &key, direct: false }
                    .deserialize(&mut de)
                    .and_then(|()| de.end())
                    .map_err(|e| format!("part `{key}`: {e}"))?;
            }
        }
        self.split_done = false;
        self.value_start = false;
        self.after_comma = false;
        Ok(())
    }

    /// An element of the part being read element by element ends (at `,` or its closing bracket).
    fn end_element(&mut self, closing: bool) -> Result<(), String> {
        let unit = std::mem::take(&mut self.unit);
        let Some(part) = self.split else { return Ok(()) };
        let name = self.key.clone().unwrap_or_default();
        if std::mem::take(&mut self.element_read) {
            return if unit.is_empty() {
                Ok(())
            } else {
                Err(format!("unexpected characters after an element of part `{name}`"))
            };
        }
        if unit.is_empty() {
            if self.entry.is_some() || self.after_comma || !closing {
                return Err(format!("part `{name}` has an empty element"));
            }
            return Ok(());
        }
        let what = format!("an element of part `{name}`");
        let doc = &mut self.doc;
        if part.is_pages() {
            match part {
                Part::Projects => doc.projects.page_bytes(&unit, "projects", "project"),
                _ => doc.users.page_bytes(&unit, "users", "user"),
            }
            .map_err(|e| format!("{what}: {e}"))?;
        } else {
            let entry = self.entry.take().ok_or_else(|| format!("an entry of part `{name}` has no name"))?;
            match part {
                Part::ProjectPermissionSchemes => {
                    doc.project_permission_schemes.insert(entry, parse(&unit, &what)?);
                }
                Part::ProjectRoles => {
                    let bodies = match serde_json::from_slice(&unit) {
                        Ok(roles) => direct_role_bodies(&entry, roles),
                        Err(_) => role_bodies(&entry, parse(&unit, &what)?),
                    };
                    doc.project_roles.insert(entry, bodies);
                }
                Part::UserDetails => {
                    let detail = match serde_json::from_slice::<User>(&unit) {
                        Ok(user) => Ok(user),
                        Err(_) => user_detail(&entry, parse(&unit, &what)?),
                    };
                    doc.user_details.insert(entry, detail);
                }
                Part::GroupMembers => {
                    let members = match serde_json::from_slice::<DirectPages<User>>(&unit) {
                        Ok(DirectPages(members)) => members,
                        Err(_) => member_pages(&entry, parse(&unit, &what)?),
                    };
                    doc.group_members.insert(entry, members);
                }
                _ => {
                    let exchanges: Vec<CheckExchange> = parse(&unit, &what)?;
                    doc.permission_checks.insert(entry, exchanges);
                }
            }
        }
        self.after_comma = false;
        Ok(())
    }
}
