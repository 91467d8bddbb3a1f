// Starts the real herald binary on a free loopback port with a copy of the demo fixture,
// and launches Debian's chromium through playwright-core.
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

// With `database` (a PostgreSQL URL) the node keeps the site there, and `fixture` names the data
// folder to copy (none: an empty one, as for a second node of the same site).
export async function startHerald(args = [], { database = '', fixture = process.env.HERALD_FIXTURE } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'herald-browser-'));
  const data = join(dir, 'data');
  if (fixture) cpSync(fixture, data, { recursive: true });
  const bin = process.env.HERALD_BIN || 'build/herald';
  const db = database ? ['--database', database] : [];
  const proc = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--data', data, '--access-log', 'off', ...db, ...args],
                     { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('herald did not start: ' + out)), 120000);
    const onData = (chunk) => {
      out += chunk;
      const m = out.match(/listening on http:\/\/[^ ]+:(\d+)/);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`herald exited with ${code}: ${out}`)));
  });
  return {
    base: `http://127.0.0.1:${port}`,
    data,
    database,
    output: () => out,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.exitCode !== null ? r() : proc.on('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// playwright's launch() gives every run a fresh, empty user-data-dir of its own.
export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export function outputDir() {
  const dir = process.env.HERALD_OUTPUT || 'test-output/browser';
  mkdirSync(dir, { recursive: true });
  return dir;
}

// Runs a herald CLI command against a running server's data folder; returns its stdout.
export function herald(server, ...args) {
  const bin = process.env.HERALD_BIN || 'build/herald';
  const db = server.database ? ['--database', server.database] : [];
  return execFileSync(bin, [...args, '--data', server.data, '--base-url', server.base, ...db], { encoding: 'utf8' });
}

// One server and one browser for a test file: call at the top level; the returned object's
// `server` and `browser` are set before the first test and closed after the last.
export function serverAndBrowser(before, after, args = []) {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startHerald(args);
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

// The servers scripts/services.sh started for the tests, or null without them.
export function services() {
  const pg = process.env.HERALD_TEST_POSTGRES, nats = process.env.HERALD_TEST_NATS;
  return pg && nats ? { pg, nats } : null;
}

// A fresh PostgreSQL database copied from the demo fixture's template (make_fixture.py).
let databases = 0;
export function fixtureDatabase(admin) {
  const name = `bt_${process.pid}_${++databases}`;
  const psql = (sql) => execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', admin, '-c', sql], { encoding: 'utf8' });
  psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  psql(`CREATE DATABASE ${name} TEMPLATE herald_fixture`);
  return { url: admin.replace(/\/[^/]*$/, '/' + name), drop: () => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
