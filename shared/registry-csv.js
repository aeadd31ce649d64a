// The registry as a spreadsheet: one row per bot, the columns below. Shared by the handlers (an
// import is parsed and checked there) and the admin page (an export is written there), so both
// read and write the same columns. Lists (projects, permissions…) are separated by spaces or
// semicolons; the cadence is monthly, quarterly, yearly or a number of days. CSV as RFC 4180
// writes it: fields with a comma, quote or line break are quoted, quotes doubled.

export const COLUMNS = [
  'accountId', 'owner', 'backupOwner', 'requester', 'approver', 'purpose', 'tool', 'credentialLocation',
  'needProjects', 'needPermissions', 'needGlobal', 'needSecurityLevels', 'cadence', 'lastReview', 'nextDue',
  'status', 'requestIssue',
];

const TEXT = ['accountId', 'owner', 'backupOwner', 'requester', 'approver', 'purpose', 'tool', 'credentialLocation', 'requestIssue'];
const LISTS = { needProjects: 'projects', needPermissions: 'permissions', needGlobal: 'global', needSecurityLevels: 'securityLevels' };
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const STATUSES = ['active', 'suspended', 'retired'];
// A spreadsheet of bots is small; an import is written in one statement (all or nothing), which this keeps within Forge SQL's request size.
export const MAX_ROWS = 1000;
const MAX_FIELD = 2000;

// Rows of fields, each with the line it starts on (1-based). Throws on an unterminated quote.
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let i = 0;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    if (!(row.length === 1 && row[0] === '')) rows.push({ line: rowLine, fields: row });
    row = [];
  };
  if (text.charCodeAt(0) === 0xfeff) i = 1; // a spreadsheet's byte-order mark
  for (; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 1;
        } else {
          quoted = false;
        }
      } else {
        if (c === '\n') line += 1;
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      endField();
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      endRow();
      line += 1;
      rowLine = line;
    } else {
      field += c;
    }
  }
  if (quoted) throw new Error(`line ${rowLine}: a quoted field is not closed`);
  if (field !== '' || row.length) endRow();
  return rows;
}

// A cell a spreadsheet would run as a formula (= + - @, a tab or carriage return first) gets a
// leading ', as the audit's CSV does; an import takes that ' off again.
const FORMULA = /^[=+\-@\t\r]/;
const defuse = (value) => (FORMULA.test(value) ? `'${value}` : value);
const undefuse = (value) => (value.startsWith("'") && FORMULA.test(value.slice(1)) ? value.slice(1) : value);
const quote = (value) => (/[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

function cadenceText(cadence) {
  if (cadence == null) return '';
  if (typeof cadence === 'object') return `${cadence.days} days`;
  return String(cadence);
}

// The registry's entries as CSV text, header first, sorted by account id.
export function registryToCsv(entries) {
  const lines = [COLUMNS.join(',')];
  for (const entry of [...entries].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0))) {
    const need = entry.need ?? {};
    const cells = COLUMNS.map((column) => {
      if (column in LISTS) return (need[LISTS[column]] ?? []).join(' ');
      if (column === 'cadence') return cadenceText(entry.cadence);
      return entry[column] == null ? '' : String(entry[column]);
    });
    lines.push(cells.map((cell) => quote(defuse(cell))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

// One row's entry, or the problems found in it, each naming its line and column.
function rowToEntry(header, { line, fields }) {
  const problems = [];
  const problem = (field, message) => problems.push({ line, field, message });
  if (fields.length !== header.length) {
    problem(null, `the row has ${fields.length} fields, the header ${header.length}`);
    return { problems };
  }
  const entry = {};
  const need = {};
  header.forEach((column, i) => {
    const value = undefuse(fields[i].trim());
    if (value.length > MAX_FIELD) return problem(column, `\`${column}\` is longer than ${MAX_FIELD} characters`);
    if (value === '') return undefined;
    if (TEXT.includes(column)) entry[column] = value;
    else if (column in LISTS) need[LISTS[column]] = value.split(/[\s;]+/).filter(Boolean);
    else if (column === 'cadence') {
      const days = value.match(/^(\d{1,5})(\s*days?)?$/);
      if (['monthly', 'quarterly', 'yearly'].includes(value)) entry.cadence = value;
      else if (days) entry.cadence = { days: Number(days[1]) };
      else problem(column, `\`cadence\` must be monthly, quarterly, yearly or a number of days, not \`${value.slice(0, 40)}\``);
    } else if (column === 'lastReview' || column === 'nextDue') {
      if (DATE.test(value) && !Number.isNaN(Date.parse(value))) entry[column] = value;
      else problem(column, `\`${column}\` must be a date like 2026-12-31, not \`${value.slice(0, 40)}\``);
    } else if (column === 'status') {
      if (STATUSES.includes(value)) entry.status = value;
      else problem(column, `\`status\` must be one of ${STATUSES.join(', ')}, not \`${value.slice(0, 40)}\``);
    }
    return undefined;
  });
  if (!entry.accountId) problem('accountId', '`accountId` is required');
  if (Object.keys(need).length) entry.need = { projects: [], permissions: [], global: [], securityLevels: [], ...need };
  return problems.length ? { problems } : { entry };
}

// A CSV text as registry entries: `{entries: [{line, entry}], problems: [{line, field, message}]}`.
// Shape problems only; the core checks the entries against the site.
export function csvToEntries(text) {
  let rows;
  try {
    rows = parseCsv(text);
  } catch (error) {
    return { entries: [], problems: [{ line: null, field: null, message: error.message }] };
  }
  if (!rows.length) return { entries: [], problems: [{ line: 1, field: null, message: 'the file is empty: the first line must name the columns' }] };
  const [head, ...body] = rows;
  const header = head.fields.map((f) => f.trim());
  const unknown = header.filter((c) => !COLUMNS.includes(c));
  if (unknown.length) {
    return { entries: [], problems: [{ line: head.line, field: unknown[0].slice(0, 40), message: `unknown column \`${unknown[0].slice(0, 40)}\`; the columns are ${COLUMNS.join(', ')}` }] };
  }
  const twice = header.find((c, i) => header.indexOf(c) !== i);
  if (twice) return { entries: [], problems: [{ line: head.line, field: twice, message: `column \`${twice}\` is given twice` }] };
  if (!header.includes('accountId')) return { entries: [], problems: [{ line: head.line, field: 'accountId', message: 'the `accountId` column is required' }] };
  if (body.length > MAX_ROWS) return { entries: [], problems: [{ line: null, field: null, message: `at most ${MAX_ROWS} rows can be imported at once, not ${body.length}` }] };
  const entries = [];
  const problems = [];
  for (const row of body) {
    const read = rowToEntry(header, row);
    if (read.problems) problems.push(...read.problems);
    else entries.push({ line: row.line, entry: read.entry });
  }
  return { entries, problems };
}
