// The discussion across two nodes of one site (PostgreSQL and NATS from scripts/services.sh):
// an anonymous reader on node A registers from the prompt and comments, a second reader on
// node B sees it arrive live, and a moderator on node A removes it: it goes from both.
// Without those servers ctest skips it (the command exits 77 before node starts).
import { test, before, after } from 'node:test';
import { join } from 'node:path';
import { fixtureDatabase, launchBrowser, outputDir, services, startHerald } from './server.mjs';
import { commentFromThePrompt } from './discussion_flow.mjs';

const env = { a: null, b: null, browser: null, db: null };

before(async () => {
  const { pg, nats } = services();
  env.db = fixtureDatabase(pg);
  const args = ['--bus', nats, '--comment-held-first', '0', '--comment-burst', '1000'];
  env.a = await startHerald(args, { database: env.db.url, fixture: process.env.HERALD_FIXTURE + '-postgres' });
  env.b = await startHerald([...args, '--media-dir', join(env.a.data, 'media')],
                            { database: env.db.url, fixture: '' });
  env.browser = await launchBrowser();
});

after(async () => {
  await env.browser?.close();
  await env.b?.stop();
  await env.a?.stop();
  env.db?.drop();
});

test('a comment on node A reaches a reader on node B live, and goes from both when removed', async () => {
  await commentFromThePrompt(env.browser, { author: env.a, other: env.b, moderator: env.a,
                                            nodes: [env.a, env.b],
                                            shot: join(outputDir(), 'discussion-cluster.png') });
});
