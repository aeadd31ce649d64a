// Replaces one `## ` section of BENCHMARKS.md (the one starting with `heading`) with `section`,
// or appends it: how the benches run on their own (`--write`) update their part of the file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function writeSection(heading, section, file = join(root, 'BENCHMARKS.md')) {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = text.indexOf(heading);
  let out;
  if (start < 0) {
    out = `${text.trimEnd()}\n\n${section}`;
  } else {
    const next = text.indexOf('\n## ', start + 3);
    out = `${text.slice(0, start)}${section}${next < 0 ? '' : `\n${text.slice(next + 1)}`}`;
  }
  writeFileSync(file, out.endsWith('\n') ? out : `${out}\n`);
}
