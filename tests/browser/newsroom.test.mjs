// An editor in a real browser: log in, write a story with a subheading and an uploaded photo
// with caption and credit, publish it, and find it on the home page, its section page and the
// RSS feed. A reader's account is turned away at /newsroom.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { serverAndBrowser, outputDir, herald as cli } from './server.mjs';

const env = serverAndBrowser(before, after);
const shots = outputDir();

// A real PNG (a blue-green gradient) written by hand.
function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2;
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = 20; row[2 + x * 3] = Math.floor(100 + 100 * x / width); row[3 + x * 3] = Math.floor(120 + 120 * y / height);
    }
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
                        chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

function linkIn(text) {
  return text.match(/http:\/\/\S+\/account\/link\/login\/\S+/)[0];
}

test('an editor writes, illustrates and publishes a story', async () => {
  const ctx = await env.browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  // The account is made on the command line; the editor sets a password, then logs in with it.
  const email = 'desk.editor@example.org';
  await page.goto(linkIn(cli(env.server, 'user', 'create', '--email', email, '--role', 'editor', '--name', 'Desk Editor')));
  await page.click('button[type=submit]');
  await page.goto(env.server.base + '/account/');
  await page.fill('form[action="/account/password"] input[name=password]', 'a long desk password');
  await page.click('form[action="/account/password"] button[type=submit]');
  await page.waitForSelector('.notice');
  await page.click('form[action="/account/logout"] button');
  await page.goto(env.server.base + '/en/');
  await page.click('[data-account-link]');
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', 'a long desk password');
  await page.click('form[action="/account/login"] button[type=submit]');
  await page.waitForURL(env.server.base + '/en/');

  // A new story in the World section.
  await page.goto(env.server.base + '/newsroom/');
  await page.click('text=New story');
  const headline = 'Ferry service resumes across the bay';
  await page.fill('input[name=headline]', headline);
  await page.selectOption('select[name=section_id]', { label: 'en · World' });
  await page.click('form[action="/newsroom/stories"] button[type=submit]');
  await page.waitForSelector('[data-story-editor][data-ready="1"]');
  await page.fill('textarea[name=summary]', 'Boats are running again after a week of storms.');
  await page.fill('input[name=dateline]', 'PORTSMOUTH');

  // Body: a paragraph, a subheading, another paragraph.
  const body = page.locator('.ProseMirror');
  await body.click();
  await page.keyboard.type('The first ferry left at dawn with forty passengers aboard.');
  await page.keyboard.press('Enter');
  await page.click('[data-tool="Subheading"]');
  // The toolbar never takes the focus: typing goes straight on in the editor.
  assert.ok(await page.evaluate(() => !!document.activeElement?.closest('.ProseMirror')),
            'the editor kept the focus through the toolbar click');
  await page.keyboard.type('Timetable');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Crossings run every two hours until further notice.');

  // An uploaded photo with caption and credit, also the lead photo.
  const file = join(shots, 'ferry.png');
  writeFileSync(file, png(1400, 900));
  await page.click('[data-tool="Photo"]');
  await page.setInputFiles('dialog [data-file]', file);
  await page.fill('dialog [data-caption]', 'The ferry leaves the harbour at dawn');
  await page.fill('dialog [data-credit]', '© Herald Photo / Desk Editor');
  await page.fill('dialog [data-alt]', 'A white ferry on grey water');
  await page.check('dialog [data-as-lead]');
  await page.click('dialog [data-insert]');
  await page.waitForSelector('.ProseMirror figure[data-photo] img');

  // Autosave, then publish.
  await page.waitForFunction(() => document.querySelector('[data-story-editor]').dataset.saved, null, { timeout: 15000 });
  await page.waitForFunction(() => /Saved/.test(document.querySelector('[data-save-state]').textContent), null, { timeout: 15000 });
  await page.screenshot({ path: join(shots, 'newsroom-editor.png'), fullPage: true });
  await page.click('[data-publish]');
  await page.waitForSelector('a:text("on the site")');
  const url = await page.locator('a:text("on the site")').getAttribute('href');

  // Readers see it: the story, the home page, the section page, the feed.
  const reader = await env.browser.newPage();
  await reader.goto(env.server.base + url);
  assert.equal((await reader.locator('article.story h1').textContent()).trim(), headline);
  assert.equal((await reader.locator('.story-body h2').first().textContent()).trim(), 'Timetable');
  assert.match(await reader.locator('figure.lead-photo .caption').textContent(), /ferry leaves the harbour/);
  assert.equal((await reader.locator('figure.lead-photo .credit').textContent()).trim(), '© Herald Photo / Desk Editor');
  assert.ok(await reader.locator('figure.lead-photo img').evaluate((img) => img.complete && img.naturalWidth > 0));
  assert.match(await reader.locator('.story-body figure.inline-photo .caption').textContent(), /ferry leaves/);
  await reader.screenshot({ path: join(shots, 'newsroom-published.png'), fullPage: true });
  await reader.goto(env.server.base + '/en/');
  assert.ok((await reader.content()).includes(headline), 'on the home page');
  await reader.goto(env.server.base + '/en/world/');
  assert.ok((await reader.content()).includes(headline), 'on the section page');
  const rss = await (await fetch(env.server.base + '/en/world/rss.xml')).text();
  assert.ok(rss.includes(headline), 'in the section feed');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a reader account gets 403 at /newsroom', async () => {
  const ctx = await env.browser.newContext();
  const page = await ctx.newPage();
  await page.goto(linkIn(cli(env.server, 'user', 'create', '--email', 'just.reading@example.org', '--role', 'reader')));
  await page.click('button[type=submit]');
  const resp = await page.goto(env.server.base + '/newsroom/');
  assert.equal(resp.status(), 403);
  assert.match(await page.locator('h1').textContent(), /Not for this account/);
  await ctx.close();
});
