// Starts and controls a yutang server process (fresh SQLite file or PostgreSQL database) for the API tests.
import { spawn, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT_DIR = path.join(ROOT, 'tests', 'out');

export function binPath() {
  const b = process.env.YT_BIN || 'build/yutang';
  return path.isAbsolute(b) ? b : path.join(ROOT, b);
}

const live = new Set();      // child processes to kill if the test process dies
const cleanups = [];         // databases / temp dirs to remove at exit

process.on('exit', () => {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
  if (process.env.YT_KEEP) return;
  for (const fn of cleanups) {
    try { fn(); } catch { /* best effort */ }
  }
});

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

function randName(n = 8) { return randomBytes(n).toString('hex'); }

async function createStore(kind) {
  if (kind === 'pg') {
    const base = process.env.YT_TEST_PG_URL;
    if (!base) throw new Error('YT_TEST_STORE=pg requires YT_TEST_PG_URL (e.g. postgres://postgres@127.0.0.1:55432/postgres)');
    const name = `yt_${randName(6)}`;
    execFileSync('psql', [base, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
    const u = new URL(base);
    u.pathname = `/${name}`;
    cleanups.push(() => execFileSync('psql', [base, '-q', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { stdio: 'ignore', timeout: 10000 }));
    return u.toString();
  }
  if (kind !== 'sqlite') throw new Error(`unknown YT_TEST_STORE ${kind}`);
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'yt-test-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'yutang.db');
}

/**
 * startServer({store, env, args, demo, name}) -> server handle
 *   store: 'sqlite' | 'pg' (default from YT_TEST_STORE, else sqlite)
 *   env:   extra environment variables
 *   args:  extra command line arguments after the standard ones
 *   demo:  pass --demo
 *   startTimeoutMs: how long to wait for /healthz (default 20 s; seeding the demo on PostgreSQL takes longer)
 *   shareWith: another server's handle: this one serves the same database (two instances on one store)
 * stderr (the JSON log) goes to logFile, stdout to logFile + '.stdout'.
 * The handle: {baseUrl, adminPassword, db, logFile, port, pid, stop(), kill9(), restart(), exited}
 * baseUrl may change after restart() (a new free port is chosen); always read it from the handle.
 */
export async function startServer(opts = {}) {
  const kind = opts.store || process.env.YT_TEST_STORE || 'sqlite';
  const bin = binPath();
  if (!fs.existsSync(bin)) throw new Error(`server binary not found: ${bin} (build it or set YT_BIN)`);
  const twin = opts.shareWith; // a second instance on the same database (same data key and owner password)
  const db = twin ? twin.db : await createStore(kind);
  const adminPassword = twin ? twin.adminPassword : `pw-${randName(10)}`;
  const dataKey = twin ? twin.dataKey : randName(32);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const label = (opts.name || 'server').replace(/[^\w.-]/g, '_');
  const logFile = path.join(OUT_DIR, `${label}-${process.pid}-${randName(3)}.log`);

  const h = {
    kind, db, adminPassword, dataKey, logFile,
    baseUrl: null, port: null, pid: null, child: null, exited: null,
    exitCode: undefined, exitSignal: undefined,
  };

  async function launch() {
    const port = await freePort();
    const args = ['serve', '--listen', `127.0.0.1:${port}`, '--db', db];
    if (opts.demo) args.push('--demo');
    if (opts.args) args.push(...opts.args);
    const fd = fs.openSync(logFile, 'a');
    const ofd = fs.openSync(`${logFile}.stdout`, 'a');
    const child = spawn(bin, args, {
      cwd: ROOT,
      env: {
        ...process.env,
        YUTANG_ADMIN_PASSWORD: adminPassword,
        YUTANG_DATA_KEY: dataKey,
        ...(opts.env || {}),
      },
      stdio: ['ignore', ofd, fd],
    });
    fs.closeSync(fd);
    fs.closeSync(ofd);
    live.add(child);
    h.child = child;
    h.pid = child.pid;
    h.port = port;
    h.baseUrl = `http://127.0.0.1:${port}`;
    h.exitCode = undefined;
    h.exitSignal = undefined;
    h.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        live.delete(child);
        h.exitCode = code;
        h.exitSignal = signal;
        resolve({ code, signal });
      });
      child.on('error', (err) => {
        live.delete(child);
        h.exitCode = -1;
        h.spawnError = err;
        resolve({ code: -1, signal: null, error: err });
      });
    });
    const waitMs = opts.startTimeoutMs || 20000;
    const deadline = Date.now() + waitMs;
    let lastErr = null;
    while (Date.now() < deadline) {
      if (h.exitCode !== undefined) {
        throw new Error(`server exited during start (code ${h.exitCode}, signal ${h.exitSignal}${h.spawnError ? `, ${h.spawnError.message}` : ''}); log ${logFile}:\n${tail(logFile)}`);
      }
      try {
        const r = await fetch(`${h.baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
        await r.arrayBuffer();
        if (r.status === 200) return;
        lastErr = new Error(`/healthz status ${r.status}`);
      } catch (e) { lastErr = e; }
      await sleep(100);
    }
    child.kill('SIGKILL');
    throw new Error(`server did not become healthy within ${waitMs / 1000} s (${lastErr && lastErr.message}); log ${logFile}:\n${tail(logFile)}`);
  }

  h.stop = async function stop(timeoutMs = 15000) {
    const child = h.child;
    if (!child || h.exitCode !== undefined) return h.exited;
    child.kill('SIGTERM');
    const t = setTimeout(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } }, timeoutMs);
    const r = await h.exited;
    clearTimeout(t);
    // A clean stop must exit 0, and under ASan/UBSan the log must hold no sanitizer report (leaks included).
    const report = /ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: (Address|UndefinedBehavior)Sanitizer/;
    if (r.code !== 0 || report.test(h.log())) {
      throw new Error(`server did not stop cleanly (code ${r.code}, signal ${r.signal}); log ${logFile}:\n${tail(logFile)}`);
    }
    return r;
  };

  h.kill9 = async function kill9() {
    const child = h.child;
    if (!child || h.exitCode !== undefined) return h.exited;
    child.kill('SIGKILL');
    return h.exited;
  };

  h.restart = async function restart() {
    await h.stop();
    await launch();
    return h;
  };

  h.log = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');

  await launch();
  return h;
}

function tail(file, n = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
  } catch { return '(no log)'; }
}

/** Runs the server binary with a sub-command (e.g. ['routes']) and returns stdout. */
export function runCli(args, opts = {}) {
  return execFileSync(binPath(), args, {
    cwd: ROOT, encoding: 'utf8', timeout: opts.timeout || 20000,
    env: { ...process.env, ...(opts.env || {}) }, stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A query on a server's store (its handle), as the store's own command-line client (psql or sqlite3) sees it: its output, trimmed. */
export function storeQuery(handle, q) {
  const [cmd, args] = handle.kind === 'pg' ? ['psql', [handle.db, '-At', '-v', 'ON_ERROR_STOP=1', '-c', q]] : ['sqlite3', [handle.db, q]];
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  return r.stdout.trim();
}
