// Live features in real browsers: two readers in one chat room see each other's messages; a
// story published from the newsroom raises the Newsfeed counter in an open tab without a
// reload, slides into the open Newsfeed, and opens in the overlay (Back closes it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serverAndBrowser, outputDir, herald as cli } from './server.mjs';

const env = serverAndBrowser(before, after);
const shots = outputDir();

async function reader(name) {
  const ctx = await env.browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await ctx.newPage();
  const email = `${name.toLowerCase()}-${Date.now()}@example.org`;
  const link = cli(env.server, 'user', 'create', '--email', email, '--role', 'reader', '--name', name)
    .match(/http:\/\/\S+\/account\/link\/login\/\S+/)[0];
  await page.goto(link);
  await page.click('button[type=submit]');
  return { ctx, page };
}

async function publish(token, headline, breaking = false) {
  const h = { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' };
  const cat = await (await fetch(env.server.base + '/api/v1/newsroom/catalog', { headers: h })).json();
  const en = cat.editions.find((e) => e.code === 'en');
  const sec = cat.sections.find((s) => s.edition_id === en.id);
  const story = await (await fetch(env.server.base + '/api/v1/newsroom/stories', { method: 'POST', headers: h,
    body: JSON.stringify({ headline, section_id: sec.id, breaking, summary: 'Just now.',
                           body: [{ type: 'paragraph', text: 'It happened a moment ago.' }] }) })).json();
  const r = await fetch(env.server.base + `/api/v1/newsroom/stories/${story.id}/publish`, { method: 'POST', headers: h });
  assert.equal(r.status, 200);
  return (await r.json()).url;
}

test('two readers in one chat room see each other', async () => {
  const a = await reader('Anna');
  const b = await reader('Boris');
  await a.page.goto(env.server.base + '/en/chats/en');
  await b.page.goto(env.server.base + '/en/chats/en');
  await a.page.waitForSelector('[data-presence]:not(:empty)');
  await a.page.fill('[data-chat-form] textarea', 'Hello from Anna, see https://example.org/report');
  await a.page.press('[data-chat-form] textarea', 'Enter');
  // Her own line shows at once and is confirmed by the server.
  await a.page.waitForSelector('[data-messages] li[data-confirmed="1"]');
  const line = b.page.locator('[data-messages] li', { hasText: 'Hello from Anna' });
  await line.waitFor();
  assert.equal((await line.locator('.who').textContent()).trim(), 'Anna');
  assert.equal(await line.locator('a').getAttribute('rel'), 'nofollow ugc noopener');
  await b.page.fill('[data-chat-form] textarea', 'Hi Anna, Boris here');
  await b.page.click('[data-chat-form] button');
  await a.page.locator('[data-messages] li', { hasText: 'Boris here' }).waitFor();
  // Presence goes out at most once a second: wait for the count that includes Boris.
  await a.page.waitForFunction(() => /● [2-9]/.test(document.querySelector('[data-presence]').textContent));
  assert.match(await a.page.locator('[data-presence]').textContent(), /● [2-9]/);
  await a.page.screenshot({ path: join(shots, 'chat.png') });
  await a.ctx.close();
  await b.ctx.close();
});

test('the Newsfeed counter rises live, and the story opens in the overlay', async () => {
  const email = `live-editor-${Date.now()}@example.org`;
  cli(env.server, 'user', 'create', '--email', email, '--role', 'editor');
  const token = cli(env.server, 'token', 'create', '--email', email).trim();
  const ctx = await env.browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // First visit to the Newsfeed marks everything read; then the reader goes to the front page.
  await page.goto(env.server.base + '/en/newsfeed/');
  await page.goto(env.server.base + '/en/');
  await page.waitForFunction(() => document.documentElement.dataset.newsfeedCount === '0');
  await page.waitForFunction(() => (document.documentElement.dataset.liveChannels || '').split(' ').includes('newsfeed:en'));
  await publish(token, 'Live counter story one');
  await publish(token, 'Live counter story two', true);
  await page.waitForFunction(() => document.documentElement.dataset.newsfeedCount === '2', null, { timeout: 10000 });
  assert.equal(await page.locator('.masthead [data-newsfeed-count]').first().textContent(), '2');
  // The breaking story put a banner on the open page.
  await page.locator('.breaking-banner', { hasText: 'Live counter story two' }).waitFor();
  await page.screenshot({ path: join(shots, 'newsfeed-counter.png') });

  // The Newsfeed: a new story slides in live; clicking it opens the overlay.
  await page.locator('[data-newsfeed-link]').first().click();
  await page.waitForURL(env.server.base + '/en/newsfeed/');
  await page.waitForFunction(() => (document.documentElement.dataset.liveChannels || '').split(' ').includes('newsfeed:en'));
  const url = await publish(token, 'Overlay story three');
  const item = page.locator('[data-list] a.headline', { hasText: 'Overlay story three' });
  await item.waitFor({ timeout: 10000 });
  await item.click();
  const overlay = page.locator('.story-overlay');
  await overlay.waitFor();
  assert.equal(await overlay.locator('.overlay-title').textContent(), 'Overlay story three');
  assert.equal((await overlay.locator('article.story h1').textContent()).trim(), 'Overlay story three');
  assert.equal(new URL(page.url()).pathname, url, 'the address follows the overlay');
  assert.equal(await overlay.locator('.overlay-full').getAttribute('href'), url);
  await page.screenshot({ path: join(shots, 'newsfeed-overlay.png') });
  await page.goBack();
  await overlay.waitFor({ state: 'detached' });
  assert.equal(new URL(page.url()).pathname, '/en/newsfeed/');
  assert.deepEqual(errors, []);
  await ctx.close();
});
