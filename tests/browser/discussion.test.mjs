// Discussions in a real browser: an anonymous reader sees the prompt, registers from it, comes
// back to the story's comment box and comments; another reader sees it arrive live ("1 new
// comment"); a moderator deletes it and it disappears from both. Then 30 hostile comments,
// each posted and viewed: no script runs, and each shows as the text typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serverAndBrowser, outputDir, herald as cli } from './server.mjs';

const env = serverAndBrowser(before, after, ['--comment-held-first', '0', '--comment-burst', '1000']);
const shots = outputDir();

async function person(role, name) {
  const ctx = await env.browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await ctx.newPage();
  const email = `${name.toLowerCase()}-${Date.now()}@example.org`;
  const link = cli(env.server, 'user', 'create', '--email', email, '--role', role, '--name', name)
    .match(/http:\/\/\S+\/account\/link\/login\/\S+/)[0];
  await page.goto(link);
  await page.click('button[type=submit]');
  return { ctx, page, email };
}

async function story(headline) {
  const email = `disc-editor-${Date.now()}@example.org`;
  cli(env.server, 'user', 'create', '--email', email, '--role', 'editor');
  const token = cli(env.server, 'token', 'create', '--email', email).trim();
  const h = { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' };
  const cat = await (await fetch(env.server.base + '/api/v1/newsroom/catalog', { headers: h })).json();
  const en = cat.editions.find((e) => e.code === 'en');
  const sec = cat.sections.find((s) => s.edition_id === en.id);
  const s = await (await fetch(env.server.base + '/api/v1/newsroom/stories', { method: 'POST', headers: h,
    body: JSON.stringify({ headline, section_id: sec.id, summary: 'Talk.', body: [{ type: 'paragraph', text: 'Text.' }] }) })).json();
  const r = await fetch(env.server.base + `/api/v1/newsroom/stories/${s.id}/publish`, { method: 'POST', headers: h });
  assert.equal(r.status, 200);
  const url = (await r.json()).url;
  return { id: s.id, url: url.startsWith('http') ? url : env.server.base + url };
}

// The newest mail to `to` in the development outbox, decoded.
function mailTo(to) {
  const dir = join(env.server.data, 'outbox');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().reverse()) {
    const raw = readFileSync(join(dir, f), 'utf8');
    if (!raw.includes(to)) continue;
    const body = raw.split('\r\n\r\n').slice(1).join('\r\n\r\n');
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return null;
}

async function waitFor(fn, what) {
  for (let i = 0; i < 200; i++) {
    const v = fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting for ' + what);
}

test('register from the prompt, come back to the box, comment; it arrives live and goes when removed', async () => {
  const s = await story('A story to discuss');
  const other = await person('reader', 'Boris');
  await other.page.goto(s.url);
  await other.page.waitForSelector('[data-discussion][data-ready="1"]');
  await other.page.waitForFunction(() => (document.documentElement.dataset.liveChannels || '').includes('comments:'));
  const mod = await person('moderator', 'Moira');
  await mod.page.goto(s.url);
  await mod.page.waitForFunction(() => (document.documentElement.dataset.liveChannels || '').includes('comments:'));

  const ctx = await env.browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(s.url);
  const prompt = page.locator('[data-participate]');
  assert.match(await prompt.textContent(), /To participate in the discussion, log in or register/);
  await page.click('[data-participate] a[data-register]');
  const email = `anna-${Date.now()}@example.org`;
  await page.fill('input[name=email]', email);
  await page.fill('input[name=name]', 'Anna Reader');
  await page.fill('input[name=password]', 'a long password for anna');
  await page.click('form button[type=submit]');
  await page.waitForSelector('text=Check your');
  const mail = await waitFor(() => mailTo(email), 'the confirmation mail');
  const link = mail.match(/http:\/\/\S+\/account\/link\/verify\/\S+/)[0];
  await page.goto(link);
  await page.click('button[type=submit]');
  await page.click('main a.button[href$="#comment-box"]');  // "Continue": back to the story's box
  await page.waitForURL((u) => u.pathname === new URL(s.url).pathname && u.hash === '#comment-box');
  const box = page.locator('[data-comment-box] form[data-composer="new"] textarea');
  await box.waitFor();
  assert.equal(await prompt.isHidden(), true);
  await box.fill('Glad to be here. Details: https://example.org/more');
  await page.click('[data-comment-box] form[data-composer="new"] button[type=submit]');
  const mine = page.locator('[data-comments] li.comment', { hasText: 'Glad to be here' });
  await mine.waitFor();
  assert.equal(await mine.locator('[data-text] a').getAttribute('rel'), 'nofollow ugc noopener');

  // The other reader is told, without a jump, and shows it with a click.
  const notice = other.page.locator('[data-new-comments] button');
  await notice.waitFor();
  assert.match(await notice.textContent(), /1 new comments/);
  await notice.click();
  const theirs = other.page.locator('[data-comments] li.comment', { hasText: 'Glad to be here' });
  await theirs.waitFor();
  assert.equal((await theirs.locator('.who').textContent()).trim(), 'Anna Reader');
  await other.page.screenshot({ path: join(shots, 'discussion.png'), fullPage: true });

  // The moderator removes it (the comment arrived for them too): it goes from both pages.
  await mod.page.click('[data-new-comments] button');
  const modView = mod.page.locator('[data-comments] li.comment', { hasText: 'Glad to be here' });
  await modView.locator('button[data-action="delete"]').click();
  await modView.waitFor({ state: 'detached' });
  await theirs.waitFor({ state: 'detached' });
  await mine.waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await Promise.all([ctx.close(), other.ctx.close(), mod.ctx.close()]);
});

// Each shows as typed and none runs: a dialog, a navigation or a global set by a payload fails.
const HOSTILE = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=2">',
  '<svg onload="window.__pwned=3"></svg>',
  '<svg><script>window.__pwned=4</script></svg>',
  'javascript:window.__pwned=5',
  '<a href="javascript:window.__pwned=6">click</a>',
  'data:text/html,<script>window.__pwned=7</script>',
  '<iframe src="javascript:window.__pwned=8"></iframe>',
  '<body onload="window.__pwned=9">',
  '"><script>window.__pwned=10</script>',
  "'><img src=x onerror=window.__pwned=11>",
  '&lt;script&gt;window.__pwned=12&lt;/script&gt;',
  '&#60;script&#62;window.__pwned=13&#60;/script&#62;',
  '%3Cscript%3Ewindow.__pwned=14%3C/script%3E',
  '<scr<script>ipt>window.__pwned=15</script>',
  '<img src=x onerror=window.__pwned=16',
  '<div style="background:url(javascript:window.__pwned=17)">',
  'http://example.org/"onmouseover="window.__pwned=18"',
  'https://example.org/<script>window.__pwned=19</script>',
  'http://x.example/\'onfocus=\'window.__pwned=20\'autofocus=\'',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=21>',
  '<details open ontoggle="window.__pwned=22">',
  '<input autofocus onfocus="window.__pwned=23">',
  '\u202eevil\u202c <b>bold?</b>',
  'zero\u200bwidth\u200djoin\ufeffbom',
  '<object data="data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0yNDwvc2NyaXB0Pg==">',
  '<template><script>window.__pwned=25</script></template>',
  '<noscript><p title="</noscript><img src=x onerror=window.__pwned=26>">',
  '<!--<img src="--><img src=x onerror=window.__pwned=27//">',
  '\u0000-free but <style>@import "javascript:window.__pwned=28";</style>'.replace('\u0000', ''),
  '<a href="  javascript:window.__pwned=29">spaced</a>',
  '<form action="javascript:window.__pwned=30"><button>go</button></form>',
];

test('thirty hostile comments are shown as typed and none runs', async () => {
  assert.ok(HOSTILE.length >= 30);
  const s = await story('A story under attack');
  const writer = await person('reader', 'Mallory');
  const errors = [];
  writer.page.on('dialog', (d) => { errors.push('dialog: ' + d.message()); d.dismiss(); });
  await writer.page.goto(s.url);
  await writer.page.waitForSelector('[data-discussion][data-ready="1"] form[data-composer="new"]');
  const token = await writer.page.evaluate(async () => (await (await fetch('/api/v1/me')).json()).csrf);
  for (const text of HOSTILE) {
    const r = await writer.page.evaluate(async ([story, text, token]) => {
      const res = await fetch('/api/v1/comments', { method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
        body: JSON.stringify({ story_id: story, text }) });
      return res.status;
    }, [s.id, text, token]);
    assert.equal(r, 201, text);
  }
  // Viewed as a fresh reader, from the server's page (live arrivals were checked above).
  const ctx = await env.browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await ctx.newPage();
  page.on('dialog', (d) => { errors.push('dialog: ' + d.message()); d.dismiss(); });
  await page.goto(s.url);
  let shown = [];
  // Every comment: the first page, then "show more" in place.
  for (;;) {
    const more = page.locator('[data-comments-pager] a[data-more-comments]');
    if (await more.count() === 0) break;
    const n = await page.locator('[data-comments] > li').count();
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-comments] > li').length > n, n);
  }
  shown = await page.$$eval('[data-comments] > li [data-text]', (els) => els.map((e) => e.textContent));
  assert.equal(shown.length, HOSTILE.length);
  const expected = HOSTILE.map((t) => t.trim());
  assert.deepEqual(shown.slice().sort(), expected.slice().sort());
  // Mouse over and focus every link, as a reader would.
  for (const a of await page.locator('[data-comments] a[href^="http"]').all()) { await a.hover(); await a.focus(); }
  for (const a of await page.locator('[data-comments] a').all())
    assert.match(await a.getAttribute('href'), /^(https?:\/\/|#comment-|\/)/);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await writer.page.evaluate(() => window.__pwned), undefined);
  assert.equal(new URL(page.url()).pathname, new URL(s.url).pathname);
  assert.deepEqual(errors, []);
  await page.screenshot({ path: join(shots, 'discussion-hostile.png'), fullPage: true });
  await Promise.all([ctx.close(), writer.ctx.close()]);
});
