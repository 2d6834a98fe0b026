import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { httpRequest } from '../helpers/child-server.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('npm start\'s build gives a dist/server.js that node runs alone: it migrates, registers (the hashing worker) and logs in', async (t) => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_ROOT });
  const folder = mkdtempSync(join(tmpdir(), 'compiled-start-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = {
    ...process.env, DATABASE_URL: `sqlite:${join(folder, 'db.sqlite3')}`, REDIS_URL: '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info',
  };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['dist/server.js'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => { child.kill('SIGKILL'); });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (listening) resolve(listening[1]);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });

  const password = 'a long compiled passphrase';
  const registered = await httpRequest(url, 'POST', '/register/', { body: { username: 'compiled', email: 'compiled@example.com', password } });
  assert.equal(registered.status, 201, registered.body);
  const login = await httpRequest(url, 'POST', '/login/', { body: { username: 'compiled', password } });
  assert.equal(login.status, 200, login.body);
  assert.equal((await httpRequest(url, 'GET', '/api/schema/')).status, 200);
  // No TypeScript loader in the process: the server is the compiled JavaScript alone.
  assert.doesNotMatch(execFileSync('ps', ['-o', 'args=', '-p', String(child.pid)]).toString(), /tsx/);
});
