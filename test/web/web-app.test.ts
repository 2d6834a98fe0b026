import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { createApiClient, unwrap } from '../../client/index.js';
import { buildAppOn, buildTestApp } from '../helpers/app.js';
import { createTestDatabase, describeEachDatabase } from '../helpers/databases.js';
import { listen } from '../helpers/sockets.js';

const CHROMIUM = '/usr/bin/chromium';
const WAIT_MS = 10_000;
/** Debian's Chromium, headless, as root, without reaching for the network beyond the page's own origin. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Without Chromium the browser tests are skipped, saying why; under CI they must run. */
function browserMissing(): string | false {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
  return `${CHROMIUM} is missing (apt-get install -y chromium)`;
}

async function launch(t: TestContext): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  return browser;
}

/** Waits until `locator` matches at least one visible element. */
async function visible(locator: Locator, timeout = WAIT_MS): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout });
}

const passwordOf = (username: string) => `a good passphrase for ${username}`;

/** A new page of its own (a browser context: its own cookies), registered and signed in as `username`. */
async function registeredPage(browser: Browser, baseUrl: string, username: string, viewport = { width: 1200, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(baseUrl);
  await page.getByRole('button', { name: 'Create one' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.com`);
  await page.getByLabel('Password').fill(passwordOf(username));
  await page.getByRole('button', { name: 'Register' }).click();
  await visible(page.getByRole('button', { name: 'Log out' }));
  return page;
}

/** Finds `peer` with the user search and opens the conversation with them. */
async function openConversation(page: Page, search: string, peer: string): Promise<void> {
  await page.getByLabel('Search users').fill(search);
  await page.getByRole('list', { name: 'Users found' }).getByRole('button', { name: peer }).click();
}

/** Types `text` in the message box and sends it with Enter. */
async function sendMessage(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByLabel('Message', { exact: true }).press('Enter');
}

const skip = browserMissing();

describeEachDatabase('the web app in Chromium', (kind) => {
  test('two people chat: live messages, unread badges, typing, edits and deletes', { skip }, async (t) => {
    const { app } = await buildTestApp(t, kind);
    const baseUrl = await listen(app);
    const browser = await launch(t);
    const alice = await registeredPage(browser, baseUrl, 'alice');
    const bob = await registeredPage(browser, baseUrl, 'bob');

    // Alice finds Bob and writes to him.
    await openConversation(alice, 'bo', 'bob');
    await sendMessage(alice, 'Hello, Bob!');
    await visible(alice.getByRole('list', { name: 'Messages' }).getByText('Hello, Bob!'));

    // Bob sees it arrive, with the unread badge, without reloading; opening it clears the badge.
    const bobsConversations = bob.getByRole('list', { name: 'Conversations' });
    await visible(bobsConversations.getByRole('button', { name: /alice.*Hello, Bob!.*1 unread/ }));
    await bobsConversations.getByRole('button', { name: /alice/ }).click();
    await visible(bob.getByRole('list', { name: 'Messages' }).getByText('Hello, Bob!'));
    await bobsConversations.getByText('1 unread').waitFor({ state: 'detached', timeout: WAIT_MS });

    // Bob types; Alice sees it.
    await bob.getByLabel('Message', { exact: true }).pressSequentially('Hi');
    await visible(alice.getByText('bob is typing…'));

    // Shift+Enter adds a line rather than sending.
    await bob.getByLabel('Message', { exact: true }).press('Shift+Enter');
    await bob.getByLabel('Message', { exact: true }).pressSequentially('there');
    assert.equal(await bob.getByLabel('Message', { exact: true }).inputValue(), 'Hi\nthere');
    await bob.getByRole('button', { name: 'Send' }).click();
    await visible(alice.getByRole('list', { name: 'Messages' }).getByText(/Hi\s+there/));

    // Alice edits and then deletes her message; Bob sees both live.
    const alicesMessages = alice.getByRole('list', { name: 'Messages' });
    await alicesMessages.getByRole('button', { name: 'Edit message' }).first().click();
    await alice.getByLabel('Edit message').fill('Hello again, Bob!');
    await alice.getByRole('button', { name: 'Save' }).click();
    await visible(bob.getByRole('list', { name: 'Messages' }).getByText('Hello again, Bob!'));
    await alicesMessages.getByRole('button', { name: 'Delete message' }).first().click();
    await visible(bob.getByRole('list', { name: 'Messages' }).getByText('Message deleted'));
  });

  test('errors show in the API\'s words next to what caused them, and the keyboard reaches everything', { skip }, async (t) => {
    const { app } = await buildTestApp(t, kind);
    const baseUrl = await listen(app);
    const browser = await launch(t);
    const page = await (await browser.newContext()).newPage();
    await page.goto(baseUrl);
    await page.getByLabel('Username or email').fill('nobody');
    await page.getByLabel('Password').fill('not a password');
    await page.getByLabel('Password').press('Enter');
    await visible(page.getByRole('alert').getByText('Invalid username or password.'));

    await page.getByRole('button', { name: 'Create one' }).click();
    await page.getByLabel('Username').fill('carol');
    await page.getByLabel('Email').fill('carol@example.com');
    await page.getByLabel('Password').fill('short');
    // From the last field, Tab reaches the Register button, and Enter presses it.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Register');
    await page.keyboard.press('Enter');
    await visible(page.getByRole('alert').getByText('This password is too short. It must contain at least 8 characters.'));
  });

  test('a blocked recipient\'s refusal shows by the message box, and the page works at phone width', { skip }, async (t) => {
    const { app } = await buildTestApp(t, kind);
    const baseUrl = await listen(app);
    const browser = await launch(t);
    const phone = { width: 375, height: 740 };
    const alice = await registeredPage(browser, baseUrl, 'alice', phone);
    const bob = await registeredPage(browser, baseUrl, 'bob');
    await openConversation(alice, 'bob', 'bob');
    // At phone width the conversation takes the screen; Back returns to the list.
    assert.equal(await alice.getByLabel('Search users').isVisible(), false);
    await sendMessage(alice, 'first');
    await visible(alice.getByRole('list', { name: 'Messages' }).getByText('first'));

    await bob.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /alice/ }).click();
    await bob.getByRole('button', { name: 'Block' }).click();
    await visible(bob.getByRole('button', { name: 'Unblock' }));

    await sendMessage(alice, 'second');
    await visible(alice.getByRole('alert').getByText('You cannot message this user.'));

    await alice.getByRole('button', { name: 'Back' }).click();
    await visible(alice.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /bob/ }));
    await alice.getByRole('button', { name: 'Log out' }).click();
    await visible(alice.getByRole('button', { name: 'Log in' }));
  });

  test('the server restarts: both pages say so, reconnect, and show what was sent meanwhile', { skip }, async (t) => {
    const testDatabase = await createTestDatabase(kind);
    const apps: FastifyInstance[] = [];
    t.after(async () => {
      for (const app of apps) await app.close();
      await testDatabase.drop();
    });
    const start = async () => {
      const { app } = await buildAppOn(kind, testDatabase);
      apps.push(app);
      return app;
    };
    const first = await start();
    const baseUrl = await listen(first);
    const browser = await launch(t);
    const alice = await registeredPage(browser, baseUrl, 'alice');
    const bob = await registeredPage(browser, baseUrl, 'bob');
    await openConversation(alice, 'bob', 'bob');
    await sendMessage(alice, 'before the restart');
    await bob.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /alice/ }).click();
    await visible(bob.getByRole('list', { name: 'Messages' }).getByText('before the restart'));

    await first.close();
    await visible(alice.getByText('Connection lost. Reconnecting…'));
    await visible(bob.getByText('Connection lost. Reconnecting…'));
    // Meanwhile Alice writes again through another instance on the same database.
    const other = await start();
    const aliceElsewhere = createApiClient({ baseUrl: await listen(other) });
    await aliceElsewhere.login('alice', passwordOf('alice'));
    unwrap(await aliceElsewhere.api.POST('/messages/', { body: { recipient: 'bob', content: 'sent during the outage' } }));

    const restarted = await start();
    await restarted.listen({ port: Number(new URL(baseUrl).port), host: '127.0.0.1' });
    // The pages retry with a growing wait (at most a few seconds after so short an outage).
    await visible(bob.getByRole('list', { name: 'Messages' }).getByText('sent during the outage'), 3 * WAIT_MS);
    await visible(alice.getByRole('list', { name: 'Messages' }).getByText('sent during the outage'));
    await bob.getByText('Connection lost. Reconnecting…').waitFor({ state: 'detached', timeout: WAIT_MS });
  });

  test('the inbox loads more conversations as it is scrolled', { skip }, async (t) => {
    const { app } = await buildTestApp(t, kind);
    const baseUrl = await listen(app);
    const browser = await launch(t);
    const alice = await registeredPage(browser, baseUrl, 'alice');
    const writers = 22;
    for (let i = 0; i < writers; i += 1) {
      const writer = createApiClient({ baseUrl });
      await writer.register(`writer${i}`, `writer${i}@example.com`, passwordOf('writer'));
      await writer.login(`writer${i}`, passwordOf('writer'));
      unwrap(await writer.api.POST('/messages/', { body: { recipient: 'alice', content: `hello from writer ${i}` } }));
    }
    await alice.reload();
    const entries = alice.getByRole('list', { name: 'Conversations' }).getByRole('listitem');
    await visible(entries.nth(19));
    assert.equal(await entries.count(), 20, 'one page of the inbox');
    await alice.getByRole('button', { name: 'More conversations' }).scrollIntoViewIfNeeded();
    await visible(entries.nth(writers - 1));
    assert.equal(await entries.count(), writers);
    await alice.getByRole('button', { name: 'More conversations' }).waitFor({ state: 'detached', timeout: WAIT_MS });
  });
});
