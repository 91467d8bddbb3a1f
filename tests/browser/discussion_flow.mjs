// The steps of the discussion browser tests, for one node or several nodes of one site: people
// logged in from a CLI login link, a published story, the newest mail to an address, and the
// whole path of a comment (the prompt, registering from it, the box, live arrival, removal).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { herald as cli } from './server.mjs';

export async function person(browser, server, role, name) {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await ctx.newPage();
  const email = `${name.toLowerCase()}-${Date.now()}@example.org`;
  const link = cli(server, 'user', 'create', '--email', email, '--role', role, '--name', name)
    .match(/http:\/\/\S+\/account\/link\/login\/\S+/)[0];
  await page.goto(link);
  await page.click('button[type=submit]');
  return { ctx, page, email };
}

export async function story(server, headline) {
  const email = `disc-editor-${Date.now()}@example.org`;
  cli(server, 'user', 'create', '--email', email, '--role', 'editor');
  const token = cli(server, 'token', 'create', '--email', email).trim();
  const h = { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' };
  const cat = await (await fetch(server.base + '/api/v1/newsroom/catalog', { headers: h })).json();
  const en = cat.editions.find((e) => e.code === 'en');
  const sec = cat.sections.find((s) => s.edition_id === en.id);
  const s = await (await fetch(server.base + '/api/v1/newsroom/stories', { method: 'POST', headers: h,
    body: JSON.stringify({ headline, section_id: sec.id, summary: 'Talk.', body: [{ type: 'paragraph', text: 'Text.' }] }) })).json();
  const r = await fetch(server.base + `/api/v1/newsroom/stories/${s.id}/publish`, { method: 'POST', headers: h });
  assert.equal(r.status, 200);
  const path = new URL((await r.json()).url, server.base).pathname;
  return { id: s.id, path, url: server.base + path };
}

// The newest mail to `to` in the development outboxes of these nodes (any node may send it).
export function mailTo(servers, to) {
  let newest = null;
  for (const server of servers) {
    const dir = join(server.data, 'outbox');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.eml'))) {
      const raw = readFileSync(join(dir, f), 'utf8');
      if (!raw.includes(to)) continue;
      if (!newest || f > newest.f) newest = { f, raw };
    }
  }
  if (!newest) return null;
  const body = newest.raw.split('\r\n\r\n').slice(1).join('\r\n\r\n');
  return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
}

export async function waitFor(fn, what) {
  for (let i = 0; i < 400; i++) {
    const v = fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting for ' + what);
}

const live = (page) =>
  page.waitForFunction(() => (document.documentElement.dataset.liveChannels || '').includes('comments:'));

// An anonymous reader on `author` sees the prompt, registers from it, comes back to the box and
// comments; a reader on `other` is told "1 new comments" live and shows it; a moderator on
// `moderator` removes it, and it goes from all three pages. `shot` names the screenshot.
export async function commentFromThePrompt(browser, { author, other, moderator, nodes, shot }) {
  const s = await story(author, 'A story to discuss');
  const reader = await person(browser, other, 'reader', 'Boris');
  await reader.page.goto(other.base + s.path);
  await reader.page.waitForSelector('[data-discussion][data-ready="1"]');
  await live(reader.page);
  const mod = await person(browser, moderator, 'moderator', 'Moira');
  await mod.page.goto(moderator.base + s.path);
  await live(mod.page);

  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await ctx.newPage();
  const errors = [];
  for (const p of [page, reader.page, mod.page]) p.on('pageerror', (e) => errors.push(e.message));
  await page.goto(author.base + s.path);
  const prompt = page.locator('[data-participate]');
  assert.match(await prompt.textContent(), /To participate in the discussion, log in or register/);
  await page.click('[data-participate] a[data-register]');
  const email = `anna-${Date.now()}@example.org`;
  await page.fill('input[name=email]', email);
  await page.fill('input[name=name]', 'Anna Reader');
  await page.fill('input[name=password]', 'a long password for anna');
  await page.click('form button[type=submit]');
  await page.waitForSelector('text=Check your');
  const mail = await waitFor(() => mailTo(nodes, email), 'the confirmation mail');
  const link = mail.match(/http:\/\/\S+\/account\/link\/verify\/\S+/)[0];
  await page.goto(link);
  await page.click('button[type=submit]');
  await page.waitForSelector('text=Your email address is confirmed');
  await page.click('main a.button[href$="#comment-box"]');  // "Continue": back to the story's box
  await page.waitForURL((u) => u.pathname === s.path && u.hash === '#comment-box');
  const box = page.locator('[data-comment-box] form[data-composer="new"] textarea');
  await box.waitFor();
  assert.equal(await prompt.isHidden(), true);
  await box.fill('Glad to be here. Details: https://example.org/more');
  await page.click('[data-comment-box] form[data-composer="new"] button[type=submit]');
  const mine = page.locator('[data-comments] li.comment', { hasText: 'Glad to be here' });
  await mine.waitFor();
  assert.equal(await mine.locator('[data-text] a').getAttribute('rel'), 'nofollow ugc noopener');

  // The other reader is told, without a jump, and shows it with a click.
  const notice = reader.page.locator('[data-new-comments] button');
  await notice.waitFor();
  assert.match(await notice.textContent(), /1 new comments/);
  await notice.click();
  const theirs = reader.page.locator('[data-comments] li.comment', { hasText: 'Glad to be here' });
  await theirs.waitFor();
  assert.equal((await theirs.locator('.who').textContent()).trim(), 'Anna Reader');
  await reader.page.screenshot({ path: shot, fullPage: true });

  // The moderator removes it (the comment arrived for them too): it goes from every page.
  await mod.page.click('[data-new-comments] button');
  const modView = mod.page.locator('[data-comments] li.comment', { hasText: 'Glad to be here' });
  await modView.locator('button[data-action="delete"]').click();
  await modView.waitFor({ state: 'detached' });
  await theirs.waitFor({ state: 'detached' });
  await mine.waitFor({ state: 'detached' });
  // And from every node's pages, fetched afresh.
  for (const n of nodes) {
    const html = await (await fetch(n.base + s.path)).text();
    assert.ok(html.includes('data-discussion'), n.base);
    assert.ok(!html.includes('Glad to be here'), n.base);
  }
  assert.deepEqual(errors, []);
  await Promise.all([ctx.close(), reader.ctx.close(), mod.ctx.close()]);
}
