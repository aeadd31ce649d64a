// Accounts: every non-human account and shadow-bot suspect in one table, filtered, sorted and
// searched in the page (the whole list comes in one compact answer), drawn virtually so 1,000s of
// rows scroll smoothly.
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import { Box, Collapsed, Inline, KindLozenge, PageHeader, PermissionName, SeverityLozenge, SEVERITIES, Stack, Text, token } from '../../../shared/components.jsx';
import { formatDate, plural } from '../../../shared/format.js';
import { navigate } from '../../../shared/router.js';
import { hasProject, projectIndices } from '../../../../shared/project-sets.js';
import { accountPath, Answer, AsOf } from './common.jsx';

const RANK = Object.fromEntries(SEVERITIES.map((s, i) => [s, SEVERITIES.length - i]));
const STATUS_LOOK = { active: 'success', suspended: 'moved', retired: 'default', unregistered: 'removed', inactive: 'default' };
const KIND_NAMES = { service: 'Service account', agent: 'Agent', app: 'App', unknown: 'Unknown type', shadow: 'Shadow-bot suspect' };

const COLUMNS = [
  { key: 'name', label: 'Account', width: '2fr', sort: (r) => r.displayName.toLowerCase() },
  { key: 'kind', label: 'Kind', width: '1.1fr', sort: (r) => r.kind },
  { key: 'owner', label: 'Owner', width: '1.2fr', sort: (r) => r.ownerName.toLowerCase() },
  { key: 'status', label: 'Status', width: '1fr', sort: (r) => r.status },
  { key: 'finding', label: 'Highest finding', width: '1.4fr', sort: (r) => -(RANK[r.highest?.severity] ?? 0) },
  { key: 'projects', label: 'Projects', width: '1.6fr', sort: (r) => -r.projectCount },
  { key: 'global', label: 'Global permissions', width: '1.8fr', sort: (r) => -r.global.length },
  { key: 'review', label: 'Next review', width: '1fr', sort: (r) => r.nextReview ?? '9999' },
];
const GRID = COLUMNS.map((c) => `minmax(0, ${c.width})`).join(' ');
const ROW_HEIGHT = 56;

const options = (values, label = (v) => v) => values.map((v) => ({ value: v, label: label(v) }));

function Filter({ label, values, value, onChange, render }) {
  return (
    <Box style={{ minWidth: 170 }}>
      <Select inputId={`filter-${label}`} aria-label={label} placeholder={label} isClearable isSearchable
        options={options(values, render)} value={value ? { value, label: render ? render(value) : value } : null}
        onChange={(o) => onChange(o?.value ?? null)} spacing="compact" />
    </Box>
  );
}

function Cell({ column, row, data }) {
  switch (column.key) {
    case 'name':
      return (
        <a href={`#${accountPath(row.accountId)}`} onClick={(e) => { e.preventDefault(); navigate(accountPath(row.accountId)); }}
          style={{ display: 'block', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', color: token('color.link') }}>{row.displayName}</a>
      );
    case 'kind': return <KindLozenge kind={row.kind} />;
    case 'owner': return <Text maxLines={1}>{row.ownerName || '—'}</Text>;
    case 'status': return <Lozenge appearance={STATUS_LOOK[row.status] ?? 'default'}>{row.status}</Lozenge>;
    case 'finding': return row.highest ? <Inline space="space.050" alignBlock="center"><SeverityLozenge severity={row.highest.severity} /><Text size="small" maxLines={2}>{data.rules[row.highest.rule]?.title ?? row.highest.rule}</Text></Inline> : <Text color="color.text.subtlest">none</Text>;
    case 'projects': {
      const keys = projectIndices(data.projectSets[row.projectSet], 5).map((i) => data.projects[i]);
      return keys.length ? <Text maxLines={2}>{row.projectCount.toLocaleString('en')}: {keys.slice(0, 4).join(', ')}{row.projectCount > 4 ? '…' : ''}</Text> : <Text color="color.text.subtlest">none</Text>;
    }
    case 'global': return row.global.length ? <Collapsed items={row.global} limit={2} render={(g) => <Lozenge key={g}><PermissionName permission={g} names={data.permissionNames} /></Lozenge>} /> : <Text color="color.text.subtlest">none</Text>;
    case 'review': return <Text>{formatDate(row.nextReview)}</Text>;
    default: return null;
  }
}

function Table({ data, rows, sort, setSort }) {
  const scroller = useRef(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const line = { display: 'grid', gridTemplateColumns: GRID, gap: token('space.100'), alignItems: 'center', paddingInline: token('space.100') };
  return (
    <div role="table" aria-label="Non-human accounts" aria-rowcount={rows.length + 1}>
      <div role="rowgroup">
        <div role="row" style={{ ...line, borderBottom: `2px solid ${token('color.border')}`, paddingBlock: token('space.050') }}>
          {COLUMNS.map((c) => (
            <div role="columnheader" key={c.key} aria-sort={sort.key === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
              <Button appearance="subtle" spacing="compact" onClick={() => setSort({ key: c.key, descending: sort.key === c.key ? !sort.descending : false })}>
                {c.label}{sort.key === c.key ? (sort.descending ? ' ↓' : ' ↑') : ''}
              </Button>
            </div>
          ))}
        </div>
      </div>
      <div ref={scroller} role="rowgroup" style={{ height: Math.min(640, Math.max(ROW_HEIGHT, rows.length * ROW_HEIGHT)), overflow: 'auto' }} tabIndex={0} aria-label="Accounts, scrollable">
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => {
            const row = rows[item.index];
            return (
              <div role="row" key={row.accountId} aria-rowindex={item.index + 2} data-account={row.accountId}
                style={{ ...line, position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)`, borderBottom: `1px solid ${token('color.border')}` }}>
                {COLUMNS.map((c) => <div role="cell" key={c.key} style={{ minWidth: 0, overflow: 'hidden' }}><Cell column={c} row={row} data={data} /></div>)}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function AccountsTable({ data }) {
  const [search, setSearch] = useState('');
  const [filters, setFilters] = useState({});
  const [sort, setSort] = useState({ key: 'finding', descending: false });
  const query = useDeferredValue(search.trim().toLowerCase());
  const rows = useMemo(() => data.rows.map((r) => ({
    ...r,
    displayName: r.displayName || r.accountId,
    ownerName: r.owner ? data.owners[r.owner] ?? r.owner : '',
    searchText: `${r.displayName} ${r.accountId} ${r.owner ? data.owners[r.owner] ?? '' : ''}`.toLowerCase(),
  })), [data]);
  const projectIndex = filters.project ? data.projects.indexOf(filters.project) : -1;
  const shown = useMemo(() => {
    const column = COLUMNS.find((c) => c.key === sort.key) ?? COLUMNS[0];
    const kept = rows.filter((r) => (!query || r.searchText.includes(query))
      && (!filters.kind || r.kind === filters.kind)
      && (!filters.owner || r.ownerName === filters.owner)
      && (!filters.status || r.status === filters.status)
      && (!filters.rule || r.rules.includes(filters.rule))
      && (!filters.severity || r.highest?.severity === filters.severity)
      && (!filters.project || hasProject(data.projectSets[r.projectSet], projectIndex)));
    const key = column.sort;
    return kept.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const order = x < y ? -1 : x > y ? 1 : a.displayName.localeCompare(b.displayName);
      return sort.descending ? -order : order;
    });
  }, [rows, query, filters, sort, data, projectIndex]);
  const set = (name) => (value) => setFilters((f) => ({ ...f, [name]: value }));
  const distinct = (f) => [...new Set(rows.map(f).filter(Boolean))].sort();
  return (
    <Stack space="space.200">
      <Inline space="space.100" shouldWrap alignBlock="end">
        <Box style={{ minWidth: 260 }}>
          <Textfield aria-label="Search accounts" placeholder="Search by name, id or owner" value={search} onChange={(e) => setSearch(e.target.value)} isCompact />
        </Box>
        <Filter label="Kind" values={distinct((r) => r.kind)} value={filters.kind} onChange={set('kind')} render={(k) => KIND_NAMES[k] ?? k} />
        <Filter label="Owner" values={distinct((r) => r.ownerName)} value={filters.owner} onChange={set('owner')} />
        <Filter label="Status" values={distinct((r) => r.status)} value={filters.status} onChange={set('status')} />
        <Filter label="Rule" values={Object.keys(data.rules).sort()} value={filters.rule} onChange={set('rule')} render={(r) => data.rules[r]?.title ?? r} />
        <Filter label="Severity" values={SEVERITIES} value={filters.severity} onChange={set('severity')} />
        <Filter label="Project" values={[...data.projects].sort()} value={filters.project} onChange={set('project')} />
      </Inline>
      <Box role="status" testId="row-count"><Text color="color.text.subtle">{shown.length === rows.length ? plural(rows.length, 'account') : `${shown.length.toLocaleString('en')} of ${plural(rows.length, 'account')}`}</Text></Box>
      <Table data={data} rows={shown} sort={sort} setSort={setSort} />
    </Stack>
  );
}

export function Accounts() {
  return (
    <Answer functionKey="consoleAccounts" loading="Loading the accounts…">
      {(data) => (
        <Stack space="space.200">
          <PageHeader title="Accounts" description="Every account that is not a person's, and people's accounts suspected of being bots. Open one to see exactly how it got its access." />
          <AsOf scan={data.scan} products={data.products} />
          <Box data-ready="accounts" />
          <AccountsTable data={data} />
        </Stack>
      )}
    </Answer>
  );
}
