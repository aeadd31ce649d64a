// The `matrix` form of the core's `analyze` (schema/analysis-matrix-v1.schema.json) stores each
// distinct path line and each distinct project cell once; an account with the same access in 1,600
// projects is one cell and 1,600 indices. `accountAccess` answers in that form (a tenth of the
// bytes of the expanded form on the size L site): the handler narrows the stored matrix to one
// account here, and the admin page expands it here. One module for both sides of the form, so it
// lives outside src/forge and static/: the Forge bundle and the Vite build each take it in. No
// imports, so it runs in a handler, in a page and in the JS tests alike.

// The one account of `matrix` in the `analyze` contract's form (an entry of `accounts`), or null.
export function expandAccount(matrix) {
  const [row] = matrix?.accounts ?? [];
  if (!row) return null;
  const path = (index) => matrix.paths[index];
  const cells = row.access.flatMap(({ set, projects }) => projects.map((project) => [project, set])).sort((a, b) => a[0] - b[0]);
  const projects = cells.map(([p, s]) => {
    const project = matrix.projects[p];
    const set = matrix.sets[s];
    const access = {
      key: project.key,
      name: project.name,
      teamManaged: project.teamManaged,
      coverage: set.coverage,
      permissions: Object.fromEntries(Object.entries(set.permissions).map(([key, ids]) => [key, ids.map(path)])),
    };
    if (set.unresolved?.length) access.unresolved = set.unresolved;
    if (set.securityLevels?.length) access.securityLevels = set.securityLevels.map((level) => ({ ...level, paths: level.paths.map(path) }));
    if (set.transitions?.length) access.transitions = set.transitions;
    return access;
  });
  const { access: _cells, ...account } = row;
  return { ...account, projects };
}

// `matrix` narrowed to one account: its row, and only the projects, access sets and path lines it
// refers to, renumbered in their order (so the expanded answer is the same). Null when the matrix
// does not hold the account.
export function narrowToAccount(matrix, accountId) {
  const row = matrix.accounts.find((a) => a.accountId === accountId);
  if (!row) return null;
  const renumber = (ids) => {
    const used = [...new Set(ids)].sort((a, b) => a - b);
    return [used, new Map(used.map((id, index) => [id, index]))];
  };
  const [projects, projectAt] = renumber(row.access.flatMap((cell) => cell.projects));
  const [sets, setAt] = renumber(row.access.map((cell) => cell.set));
  const [paths, pathAt] = renumber(sets.flatMap((s) => [
    ...Object.values(matrix.sets[s].permissions).flat(),
    ...(matrix.sets[s].securityLevels ?? []).flatMap((level) => level.paths),
  ]));
  const set = (s) => {
    const { permissions, securityLevels, ...rest } = matrix.sets[s];
    return {
      ...rest,
      permissions: Object.fromEntries(Object.entries(permissions).map(([key, ids]) => [key, ids.map((id) => pathAt.get(id))])),
      ...(securityLevels ? { securityLevels: securityLevels.map((level) => ({ ...level, paths: level.paths.map((id) => pathAt.get(id)) })) } : {}),
    };
  };
  return {
    ...matrix,
    paths: paths.map((id) => matrix.paths[id]),
    sets: sets.map(set),
    projects: projects.map((p) => matrix.projects[p]),
    accounts: [{ ...row, access: row.access.map((cell) => ({ set: setAt.get(cell.set), projects: cell.projects.map((p) => projectAt.get(p)) })) }],
  };
}
