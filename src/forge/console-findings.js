// The Findings view's answer from a findings report: the findings kept by a severity floor and a
// project, grouped by rule (most severe first), each group with its accounts, projects and at most
// GROUP_ITEMS items. One function for the scan's job (the unfiltered answer, stored) and the
// resolver (a filtered one, from the whole report).
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];
// Items a findings group carries; the export has them all.
export const GROUP_ITEMS = 200;

// The projects a finding concerns, for the findings view's project filter and each project's page
// alike: the project it names; else those it lists among its `projects` (one finding for several,
// e.g. restricted-security-level) and those its evidence lines start with (`KEY PERMISSION ←
// path`: a finding about an account across projects, e.g. outside-service-role).
export function projectsOf(finding) {
  if (finding.project) return [finding.project];
  const keys = new Set(finding.projects ?? []);
  for (const line of finding.evidence ?? []) {
    const key = /^([A-Z][A-Z0-9_]{0,254}) [A-Z_]+ ← /.exec(line)?.[1];
    if (key) keys.add(key);
  }
  return [...keys];
}

export function groupFindings(findings, { severity = null, project = null } = {}) {
  const least = severity ? SEVERITIES.indexOf(severity) : 0;
  const kept = findings.filter((f) => SEVERITIES.indexOf(f.severity) >= least && (!project || projectsOf(f).includes(project)));
  const groups = new Map();
  for (const f of kept) {
    let group = groups.get(f.rule);
    if (!group) {
      group = { rule: f.rule, title: f.title, severity: f.severity, reason: f.reason, fix: f.fix, count: 0, accounts: new Map(), projects: new Set(), items: [] };
      groups.set(f.rule, group);
    }
    group.count += 1;
    if (SEVERITIES.indexOf(f.severity) > SEVERITIES.indexOf(group.severity)) group.severity = f.severity;
    if (f.accountId) group.accounts.set(f.accountId, f.displayName ?? f.accountId);
    for (const key of projectsOf(f)) group.projects.add(key);
    if (group.items.length < GROUP_ITEMS) group.items.push({ accountId: f.accountId ?? null, displayName: f.displayName ?? null, project: f.project ?? null, severity: f.severity, message: f.message, evidence: f.evidence ?? [] });
  }
  const list = [...groups.values()]
    .map((g) => ({ ...g, accounts: [...g.accounts].map(([accountId, displayName]) => ({ accountId, displayName })), projects: [...g.projects].sort(), more: g.count - g.items.length }))
    .sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) || (a.rule < b.rule ? -1 : 1));
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  for (const f of kept) counts[f.severity] += 1;
  return { counts, total: kept.length, groups: list, filter: { severity, project } };
}
