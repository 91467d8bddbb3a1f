// Discussions in a real browser: an anonymous reader sees the prompt, registers from it, comes
// back to the story's comment box and comments; another reader sees it arrive live ("1 new
// comment"); a moderator deletes it and it disappears from both. Then 30 hostile comments,
// each posted and viewed: no script runs, and each shows as the text typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serverAndBrowser, outputDir } from './server.mjs';
import { commentFromThePrompt, person as personOn, story as storyOn } from './discussion_flow.mjs';

const env = serverAndBrowser(before, after, ['--comment-held-first', '0', '--comment-burst', '1000']);
const shots = outputDir();
const person = (role, name) => personOn(env.browser, env.server, role, name);
const story = (headline) => storyOn(env.server, headline);

test('register from the prompt, come back to the box, comment; it arrives live and goes when removed', async () => {
  const n = env.server;
  await commentFromThePrompt(env.browser, { author: n, other: n, moderator: n, nodes: [n],
                                            shot: join(shots, 'discussion.png') });
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
