/**
 * `npm run screenshots`: the web app's main screens as PNG files in docs/screenshots/, taken in Debian's
 * Chromium (/usr/bin/chromium) from the service running here on a temporary SQLite database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'screenshots-'));
const app = await buildApp(loadConfig({ DATABASE_URL: `sqlite:${join(folder, 'db.sqlite3')}`, SECRET_KEY: 'screenshots', RATE_LIMITS: 'off', REDIS_URL: '' }), { logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const baseUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function signUp(username: string, viewport = { width: 1100, height: 700 }): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  await page.goto(baseUrl);
  await page.getByRole('button', { name: 'Create one' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.com`);
  await page.getByLabel('Password').fill(`a good passphrase for ${username}`);
  await page.getByRole('button', { name: 'Register' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  return page;
}

async function say(page: Page, to: string, lines: string[]): Promise<void> {
  await page.getByLabel('Search users').fill(to);
  await page.getByRole('list', { name: 'Users found' }).getByRole('button', { name: to }).click();
  for (const line of lines) {
    await page.getByLabel('Message', { exact: true }).fill(line);
    await page.getByLabel('Message', { exact: true }).press('Enter');
    await page.getByRole('list', { name: 'Messages' }).getByText(line).waitFor();
  }
}

try {
  const signIn = await (await browser.newContext({ viewport: { width: 1100, height: 700 } })).newPage();
  await signIn.goto(baseUrl);
  await signIn.getByRole('button', { name: 'Log in' }).waitFor();
  await signIn.screenshot({ path: `${OUT}sign-in.png` });

  const alice = await signUp('alice');
  const bob = await signUp('bob');
  const carol = await signUp('carol');
  await say(carol, 'alice', ['Lunch on Friday?']);
  await say(bob, 'alice', ['Hi Alice! Did the release go out?', 'The staging build looks good to me.']);
  await say(alice, 'bob', ['It did, an hour ago.', 'Thanks for checking staging!']);
  await bob.getByLabel('Message', { exact: true }).pressSequentially('Great', { delay: 50 });
  await alice.getByText('bob is typing…').waitFor();
  await alice.screenshot({ path: `${OUT}conversation.png` });

  const phone = await signUp('dave', { width: 375, height: 700 });
  await say(phone, 'alice', ['Hello from a phone']);
  await phone.screenshot({ path: `${OUT}phone.png` });
  console.log(`wrote sign-in.png, conversation.png and phone.png in ${OUT}`);
} finally {
  await browser.close();
  await app.close();
  rmSync(folder, { recursive: true, force: true });
}
