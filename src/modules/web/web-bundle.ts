import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The web app's files, as the service serves them. */
export interface WebBundle {
  readonly html: string;
  readonly script: string;
  readonly styles: string;
}

const WEB_FOLDER = fileURLToPath(new URL('../../../web/', import.meta.url));

let bundled: Promise<WebBundle> | null = null;

/**
 * The web app (web/), bundled by esbuild in memory once and kept for the life of the process; nothing is
 * fetched from outside. The server starts the build as soon as it listens; an app built without it (the
 * tests) builds on the first request for the page, and never when nothing asks for it.
 */
export function webBundle(): Promise<WebBundle> {
  bundled ??= buildWebBundle().catch((error: unknown) => {
    bundled = null;
    throw error;
  });
  return bundled;
}

async function buildWebBundle(): Promise<WebBundle> {
  const [html, result] = await Promise.all([
    readFile(`${WEB_FOLDER}index.html`, 'utf8'),
    build({
      entryPoints: { app: `${WEB_FOLDER}main.tsx`, styles: `${WEB_FOLDER}styles.css` },
      bundle: true,
      write: false,
      outdir: '/',
      format: 'esm',
      target: 'es2022',
      minify: true,
      jsx: 'automatic',
      jsxImportSource: 'preact',
      logLevel: 'silent',
    }),
  ]);
  const output = (suffix: string) => result.outputFiles.find((file) => file.path.endsWith(suffix))!.text;
  return { html, script: output('app.js'), styles: output('styles.css') };
}
