// A reader in a real browser: the home page, a story with its photo, continuous reading,
// and "Show more" on a section page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serverAndBrowser, outputDir } from './server.mjs';

const env = serverAndBrowser(before, after);
const shots = outputDir();

test('home page → a story with its photo, caption and credit', async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(env.server.base + '/en/');
  await page.screenshot({ path: join(shots, 'home.png') });
  assert.equal(await page.locator('.logo').textContent(), 'Herald International');
  const top = page.locator('.top-story h2 a');
  const headline = (await top.textContent()).trim();
  await top.click();
  await page.waitForSelector('article.story h1');
  assert.equal((await page.locator('article.story h1').first().textContent()).trim(), headline);
  const photo = page.locator('article.story figure.lead-photo img').first();
  await photo.waitFor({ state: 'visible' });
  assert.ok(await photo.evaluate((img) => img.complete && img.naturalWidth > 0), 'the photo loaded');
  assert.match(await page.locator('figure.lead-photo .credit').first().textContent(), /^© Herald Photo \/ /);
  assert.ok((await page.locator('figure.lead-photo .caption').first().textContent()).length > 5);
  assert.match(await page.locator('figure.lead-photo .caption-line').first().textContent(),
               /^Herald International, \d\d\.\d\d\.\d{4}$/);
  await page.screenshot({ path: join(shots, 'article.png') });
  await page.close();
});

test('reaching the end of a story loads the next one and the address follows', async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(env.server.base + '/en/science/');
  const firstUrl = await page.locator('.story-list h3 a').first().getAttribute('href');
  await page.goto(env.server.base + firstUrl);
  const nextHref = await page.locator('[data-next-link]').getAttribute('href');
  assert.ok(nextHref, 'the story offers the next one');
  // Scroll to the end: the next story is fetched and appended below.
  await page.locator('[data-next-story]').scrollIntoViewIfNeeded();
  await page.waitForSelector(`article.story[data-url="${nextHref}"]`, { timeout: 15000 });
  assert.equal(await page.locator('article.story').count(), 2);
  // Reading the second story: the address bar and the title follow it.
  await page.locator(`article.story[data-url="${nextHref}"] h1`).scrollIntoViewIfNeeded();
  await page.mouse.wheel(0, 300);
  await page.waitForFunction((href) => location.pathname === href, nextHref, { timeout: 10000 });
  assert.match(await page.title(), / — Herald International$/);
  await page.screenshot({ path: join(shots, 'next-story.png') });
  // Back returns to the first story's address.
  await page.goBack();
  await page.waitForFunction((href) => location.pathname === href, firstUrl, { timeout: 10000 });
  await page.close();
});

test('"Show more" on a section appends the next page in place', async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(env.server.base + '/en/world/');
  const before = await page.locator('[data-list] > li').count();
  assert.equal(before, 20);
  const url = page.url();
  await page.locator('a[data-more]').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-list] > li').length > n, before);
  const after = await page.locator('[data-list] > li').count();
  assert.ok(after > before, `more items (${before} → ${after})`);
  assert.equal(page.url(), url, 'the page itself did not change');
  const hrefs = await page.locator('[data-list] > li h3 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.equal(new Set(hrefs).size, hrefs.length, 'no story twice');
  await page.screenshot({ path: join(shots, 'section-more.png'), fullPage: true });
  await page.close();
});

test('reading works without JavaScript', async () => {
  const ctx = await env.browser.newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(env.server.base + '/en/world/');
  await page.locator('a[data-more]').click();
  await page.waitForURL(/before=/);
  assert.ok(await page.locator('[data-list] > li').count() > 0);
  await ctx.close();
});

test('phone layout and dark mode', async () => {
  const ctx = await env.browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
  const page = await ctx.newPage();
  await page.goto(env.server.base + '/ru/');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(18, 19, 23)');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, 'no horizontal scrolling on a phone');
  await page.screenshot({ path: join(shots, 'phone-dark-ru.png') });
  await ctx.close();
});
