// Storing a scan's project pages stays under Forge SQL's 1 MiB a request (the local SQLite adapter
// refuses more, as Forge SQL does), however small and large pages follow each other: a batch of
// small pages followed by a large page's chunk once made a 1.3 MB statement on the L site.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlite } from '../../host/sqlite.mjs';
import { createStore } from '../../src/forge/storage.js';
import { createProjectPages } from '../../src/forge/scans/projects.js';

// A loaded snapshot's `projectPages` as the core answers it: a directory and pages as JSON text.
function loadedWith(pages) {
  return {
    projectPages: () => ({
      count: () => pages.length,
      key: (i) => pages[i].key,
      directory: () => JSON.stringify({ accounts: [] }),
      page: (i) => JSON.stringify({ project: { key: pages[i].key }, filler: 'x'.repeat(pages[i].size) }),
      free() {},
    }),
  };
}

test('small pages then a page near a request long are stored, each readable whole', async () => {
  const db = await openSqlite(null);
  try {
    const pages = [
      ...Array.from({ length: 12 }, (_, i) => ({ key: `S${i}`, size: 40_000 })),
      { key: 'BIG', size: 1_000_000 },
      { key: 'HUGE', size: 2_500_000 },
      { key: 'LAST', size: 10 },
    ];
    const projects = createProjectPages({ sql: db.client, store: createStore(db.client) });
    const stored = await projects.store('scan-1', loadedWith(pages), { findings: { findings: [] } });
    assert.equal(stored.projects, pages.length);
    for (const { key, size } of pages) {
      const rows = await db.client.prepare('SELECT seq, chunk FROM steward_project_pages WHERE scan_id = ? AND project_key = ? ORDER BY seq').bindParams('scan-1', key).execute();
      const page = JSON.parse(rows.rows.map((r) => r.chunk).join(''));
      assert.equal(page.filler.length, size, key);
    }
  } finally {
    db.close();
  }
});

test('a core that cannot compute the findings leaves every page stored, its findings unknown', async () => {
  const db = await openSqlite(null);
  try {
    const logged = [];
    const projects = createProjectPages({ sql: db.client, store: createStore(db.client), log: (line) => logged.push(line) });
    const loaded = { ...loadedWith([{ key: 'ABC', size: 10 }, { key: 'XYZ', size: 10 }]), findings() { throw new Error('unreachable'); } };
    const stored = await projects.store('scan-1', loaded);
    assert.equal(stored.projects, 2);
    assert.equal(stored.findings, false);
    const rows = await db.client.prepare('SELECT chunk FROM steward_project_pages WHERE scan_id = ? AND project_key = ? ORDER BY seq').bindParams('scan-1', 'XYZ').execute();
    const page = JSON.parse(rows.rows.map((r) => r.chunk).join(''));
    assert.equal(page.findingsKnown, false);
    assert.deepEqual(page.findings, []);
    assert.match(logged.join('\n'), /findings could not be computed: unreachable/);
  } finally {
    db.close();
  }
});
