// The JavaScript a first visit to the On track page downloads, gzipped (issue 12 budget:
// 200 KB). Read from Vite's manifest: the entry chunk, the On track page's lazy chunk, and
// every chunk they import statically. Prints one JSON line; `--check` fails over budget.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

// MOMENTUM_WEB_DIST: another build's folder, as the local runner reads it (local/webapp.py).
const dist = process.env.MOMENTUM_WEB_DIST ?? resolve(import.meta.dirname, '..', 'dist');
const manifest = JSON.parse(readFileSync(resolve(dist, '.vite', 'manifest.json'), 'utf8'));
const BUDGET = 200 * 1024;

function closure(keys) {
  const seen = new Set();
  const visit = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const dep of manifest[key]?.imports ?? []) visit(dep);
  };
  keys.forEach(visit);
  return seen;
}

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
const page = Object.keys(manifest).find((k) => k.endsWith('pages/OnTrackPage.tsx'));
if (!entry || !page) throw new Error('manifest has no entry or no On track page');
const gz = (file) => gzipSync(readFileSync(resolve(dist, file)), { level: 9 }).length;
const sum = (keys) => [...keys].reduce((total, k) => total + gz(manifest[k].file), 0);

const shell = closure([entry]);
const onTrack = closure([entry, page]);
const allJs = Object.values(manifest).filter((c) => c.file.endsWith('.js'));
const result = {
  shell_js_gzip_kb: +(sum(shell) / 1024).toFixed(1),
  on_track_initial_js_gzip_kb: +(sum(onTrack) / 1024).toFixed(1),
  all_js_gzip_kb: +(allJs.reduce((t, c) => t + gz(c.file), 0) / 1024).toFixed(1),
  chunks: allJs.length,
  budget_kb: BUDGET / 1024,
};
console.log(JSON.stringify(result));
if (process.argv.includes('--check') && sum(onTrack) > BUDGET) {
  console.error(`Over budget: ${result.on_track_initial_js_gzip_kb} KB > ${result.budget_kb} KB`);
  process.exit(1);
}
