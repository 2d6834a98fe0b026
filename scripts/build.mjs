/**
 * Compiles src/ to dist/ for `npm start`: each TypeScript file to one JavaScript module at the same
 * path, and the plain .mjs files copied beside them, so that paths relative to a module (the hashing
 * worker) hold in both trees. Nothing is bundled: node_modules is resolved at run time as in development.
 */
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = `${root}src`;
const dist = `${root}dist`;

const files = readdirSync(src, { recursive: true, encoding: 'utf8' });

rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints: files.filter((file) => file.endsWith('.ts')).map((file) => `${src}/${file}`),
  outdir: dist,
  outbase: src,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
for (const file of files.filter((name) => name.endsWith('.mjs'))) cpSync(`${src}/${file}`, `${dist}/${file}`);
