// The `yutang` command line: help, migrate, user, token, import, export, backup, configuration precedence.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binPath, ROOT } from '../lib/server.mjs';

const KEY = 'ab'.repeat(32);
let dir, db;

function yt(args, env = {}) {
  const r = spawnSync(binPath(), args, {
    cwd: dir, encoding: 'utf8', timeout: 60000,
    env: { ...process.env, YUTANG_DATA_KEY: KEY, YUTANG_DB: db, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-cli-'));
  db = path.join(dir, 'cli.db');
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('help and version', () => {
  test('every subcommand explains itself with --help', () => {
    for (const cmd of ['serve', 'migrate', 'import', 'export', 'user', 'token', 'backup', 'version', 'routes', 'demo']) {
      const r = yt([cmd, '--help']);
      assert.equal(r.code, 0, `${cmd} --help: ${r.err}`);
      assert.match(r.out, new RegExp(`usage: yutang ${cmd}`));
    }
    const top = yt(['--help']);
    assert.equal(top.code, 0);
    assert.match(top.out, /serve/);
    assert.equal(yt(['no-such-command']).code, 2);
  });
  test('version names the schema versions', () => {
    const r = yt(['version']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^yutang \d+\.\d+\.\d+ \(schema \d+\)/);
  });
});

describe('migrate, users and tokens', () => {
  test('migrate creates the schema and is idempotent', () => {
    const a = yt(['migrate']);
    assert.equal(a.code, 0, a.err);
    const v = a.out.match(/schema version (\d+) \(latest (\d+)\)/);
    assert.ok(v, a.out);
    assert.equal(v[1], v[2]);
    assert.equal(yt(['migrate']).code, 0);
  });
  test('user add, list, passwd; bad role and duplicate are refused', () => {
    const a = yt(['user', 'add', 'guide.cli', '--role', 'guide', '--password', 'guide-pass-1', '--display-name', '导购小王']);
    assert.equal(a.code, 0, a.err);
    assert.match(a.out, /created user guide\.cli/);
    assert.notEqual(yt(['user', 'add', 'guide.cli', '--role', 'guide', '--password', 'guide-pass-1']).code, 0);
    const bad = yt(['user', 'add', 'x.cli', '--role', 'emperor', '--password', 'some-pass-1']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /role/);
    const l = yt(['user', 'list']);
    assert.match(l.out, /guide\.cli .*导购小王 .*guide/);
    const p = yt(['user', 'passwd', 'guide.cli']);
    assert.equal(p.code, 0, p.err);
    assert.match(p.out, /password: \S{16}/, 'a generated password is printed once');
  });
  test('token create prints a token once; revoke works', () => {
    const t = yt(['token', 'create', '--user', 'guide.cli', '--name', 'crm-sync', '--scopes', 'customers.read', '--ttl-days', '7']);
    assert.equal(t.code, 0, t.err);
    assert.match(t.out.trim(), /^yt_[A-Za-z0-9_-]{40,}$/);
    const bad = yt(['token', 'create', '--user', 'guide.cli', '--scopes', 'root.all']);
    assert.notEqual(bad.code, 0);
    assert.notEqual(yt(['token', 'create', '--user', 'nobody']).code, 0);
  });
});

describe('import, export, backup', () => {
  const sample = path.join(ROOT, 'data', 'cdnow', 'sample.csv');
  test('orders import reports a summary and is idempotent on re-run', () => {
    const a = yt(['import', 'orders', sample, '--map', 'customer_ref=customer_ref,ordered_on=ordered_on,quantity=quantity,amount=amount']);
    assert.equal(a.code, 0, a.err);
    assert.match(a.out, /read 6919, imported 6919, already there 0, skipped 0, customers created 2357/);
    const b = yt(['import', 'orders', sample]);
    assert.match(b.out, /read 6919, imported 0, already there 6919, skipped 0, customers created 0/);
    const bad = yt(['import', 'orders', sample, '--map', 'price=amount']);
    assert.equal(bad.code, 2);
  });
  test('on a terminal the import shows a progress bar; piped, it does not', () => {
    const tdb = path.join(dir, 'tty.db');
    const cmd = `${binPath()} import orders ${path.join(ROOT, 'data', 'cdnow', 'master.csv')} --db ${tdb}`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 120000,
      env: { ...process.env, YUTANG_DATA_KEY: KEY } }); // script(1) gives the command a terminal
    assert.equal(r.status, 0, r.stderr);
    const frames = r.stdout.split('\r').filter((f) => /\[[#.]{30}\]/.test(f));
    assert.ok(frames.length >= 2, `progress frames: ${frames.length}`);
    assert.match(frames[frames.length - 1], /\[#{30}\] 100%\s+69659 rows/);
    assert.match(r.stdout, /imported 69659/);
    const piped = yt(['import', 'orders', sample, '--db', path.join(dir, 'piped.db')]);
    assert.doesNotMatch(piped.err + piped.out, /\[[#.]{30}\]/);
  });
  test('customers import and export with a BOM', () => {
    const csv = path.join(dir, 'c.csv');
    fs.writeFileSync(csv, 'name,phone,tags\n李雷,13900001111,宝妈|有宠物\n韩梅梅,not-a-phone,\n');
    const a = yt(['import', 'customers', csv]);
    assert.equal(a.code, 0, a.err);
    assert.match(a.out, /imported 1, .*skipped 1/);
    assert.match(a.out, /line 3: phone/);
    const out = path.join(dir, 'out.csv');
    assert.equal(yt(['export', 'customers', '--bom', '--out', out]).code, 0);
    const text = fs.readFileSync(out, 'utf8');
    assert.equal(text.charCodeAt(0), 0xfeff, 'BOM first');
    assert.match(text, /李雷,,13900001111,/, 'the CLI is the system actor and sees full phones');
    assert.match(text, /宝妈\|有宠物/);
  });
  test('backup writes a usable SQLite copy', () => {
    const copy = path.join(dir, 'backup.db');
    const r = yt(['backup', copy]);
    assert.equal(r.code, 0, r.err);
    const v = yt(['migrate'], { YUTANG_DB: copy });
    assert.equal(v.code, 0, v.err);
    const u = yt(['user', 'list'], { YUTANG_DB: copy });
    assert.match(u.out, /guide\.cli/);
  });
});

describe('configuration', () => {
  test('flags win over the environment, which wins over the config file', () => {
    const other = path.join(dir, 'other.db');
    const conf = path.join(dir, 'yutang.conf');
    fs.writeFileSync(conf, `# a comment\nYUTANG_DB=${path.join(dir, 'from-file.db')}\n`);
    assert.equal(yt(['migrate', '--db', other]).code, 0);
    assert.ok(fs.existsSync(other), 'the --db flag won over YUTANG_DB');
    assert.equal(yt(['migrate'], { YUTANG_CONFIG: conf, YUTANG_DB: '' }).code, 0);
    assert.ok(fs.existsSync(path.join(dir, 'from-file.db')), 'the config file is read');
    const bad = yt(['migrate'], { YUTANG_CONFIG: conf, YUTANG_THREADS: 'many' });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /YUTANG_THREADS/);
  });
  test('a different data key, or a lost key file, is refused rather than silently replaced', () => {
    const kdb = path.join(dir, 'keyed.db');
    const keyFile = path.join(dir, 'keyed.key');
    assert.equal(yt(['migrate', '--db', kdb, '--data-key-file', keyFile], { YUTANG_DATA_KEY: '' }).code, 0);
    assert.ok(fs.existsSync(keyFile), 'a key file is made for a new database');
    const other = yt(['migrate', '--db', kdb], { YUTANG_DATA_KEY: 'cd'.repeat(32) });
    assert.notEqual(other.code, 0);
    assert.match(other.err, /not the one this database was created with/);
    fs.renameSync(keyFile, keyFile + '.lost');
    const lost = yt(['migrate', '--db', kdb, '--data-key-file', keyFile], { YUTANG_DATA_KEY: '' });
    assert.notEqual(lost.code, 0);
    assert.match(lost.err, /missing/);
    assert.ok(!fs.existsSync(keyFile), 'no new key was made up');
    fs.renameSync(keyFile + '.lost', keyFile);
    assert.equal(yt(['migrate', '--db', kdb, '--data-key-file', keyFile], { YUTANG_DATA_KEY: '' }).code, 0);
  });
  test('a malformed data key is refused', () => {
    const r = yt(['migrate'], { YUTANG_DATA_KEY: 'short' });
    assert.notEqual(r.code, 0);
    assert.match(r.err, /YUTANG_DATA_KEY/);
  });
  test('a database newer than the binary is refused', () => {
    const newer = path.join(dir, 'newer.db');
    assert.equal(yt(['migrate', '--db', newer]).code, 0);
    const r = spawnSync('sqlite3', [newer, 'INSERT INTO schema_version VALUES (999, 0)']); // sqlite3 comes from scripts/deps.sh
    assert.equal(r.status, 0, String(r.error || r.stderr));
    const m = yt(['migrate', '--db', newer]);
    assert.notEqual(m.code, 0);
    assert.match(m.err, /newer than this yutang/);
  });
});

describe('demo data', () => {
  const sql = (file, q) => spawnSync('sqlite3', [file, q], { encoding: 'utf8' }).stdout.trim();
  test('a believable brand, the same on every run', { timeout: 120000 }, () => {
    const a = path.join(dir, 'demo-a.db'), b = path.join(dir, 'demo-b.db');
    for (const f of [a, b]) {
      const r = yt(['demo', '--db', f], { YUTANG_ADMIN_PASSWORD: 'demo-admin-1' });
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /demo data added/);
    }
    assert.equal(sql(a, 'SELECT count(*) FROM stores'), '3');
    assert.equal(sql(a, 'SELECT count(*) FROM staff'), '10', 'nine demo staff and the owner');
    assert.equal(sql(a, "SELECT count(*) FROM staff WHERE role = 'guide'"), '5');
    assert.equal(sql(a, 'SELECT count(*) FROM customers'), '23570');
    assert.equal(sql(a, 'SELECT count(*) FROM orders'), '69659');
    assert.equal(sql(a, "SELECT count(*) FROM customers WHERE name = ''"), '0', 'every customer has a name');
    for (const tag of ['宝妈', '有宠物', '高价值']) {
      assert.ok(Number(sql(a, `SELECT count(*) FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id WHERE t.name = '${tag}'`)) > 100, tag);
    }
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    assert.equal(sql(a, "SELECT max(date(ordered_at / 1000 + 8 * 3600, 'unixepoch')) FROM orders"), today, 're-dated to end today (Shanghai)');
    assert.equal(sql(a, "SELECT julianday(max(date(ordered_at / 1000 + 8 * 3600, 'unixepoch'))) - julianday(min(date(ordered_at / 1000 + 8 * 3600, 'unixepoch'))) FROM orders"),
      '545.0', 'the 18 months of CDNOW, 1997-01-01 to 1998-06-30');
    const digest = "SELECT group_concat(id || name || nickname || gender || city || lifecycle || coalesce(owner_id, ''), ',') FROM customers";
    assert.equal(sql(a, digest), sql(b, digest), 'deterministic');
    const again = yt(['demo', '--db', a]);
    assert.match(again.out, /already has customers/);
  });
});
