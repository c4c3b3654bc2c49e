// Points tasks: events of a task's type earn its points by themselves, at most per_day times a day (the
// brand's calendar) and per_customer times in all, only within the task's window and while it is on; a
// duplicate event earns nothing; the caps hold with many concurrent batches; members see their progress.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { client, assertFieldError, expectStatus, uniq } from '../lib/client.mjs';

let srv, api, admin;
before(async () => {
  srv = await startServer({ name: 'tasks' });
  ({ api } = client(srv.baseUrl));
  admin = await client(srv.baseUrl).login('admin', srv.adminPassword);
});
after(async () => { if (srv) await srv.stop(); });

const as = (t) => (m, p, body) => api(m, p, { token: t, body });
const iso = (ms) => new Date(ms).toISOString();
const DAY = 86400000;

async function customer() {
  return expectStatus(await as(admin)('POST', '/api/v1/customers', { name: '任务会员' }), 201).id;
}
async function balance(id) {
  return expectStatus(await as(admin)('GET', `/api/v1/customers/${id}/points`), 200).balance;
}
async function task(body) {
  return expectStatus(await as(admin)('POST', '/api/v1/point-tasks', { name: '任务', starts_at: iso(Date.now() - 3 * DAY), ...body }), 201);
}
function events(id, type, n, { at = Date.now(), key } = {}) {
  return as(admin)('POST', '/api/v1/events', {
    events: Array.from({ length: n }, (_, i) => ({ customer: { id }, type, time: iso(at - i * 1000), key: key ? `${key}-${i}` : uniq('ev') })),
  });
}

describe('points tasks', () => {
  test('bad definitions are clear 400s naming the field, and make nothing', async () => {
    const before = (await as(admin)('GET', '/api/v1/point-tasks?limit=200')).json.items.length;
    for (const [body, field] of [
      [{ event_type: 'shared_to_moments', points: 5 }, 'event_type'],
      [{ event_type: 'page_viewed', points: 0 }, 'points'],
      [{ event_type: 'page_viewed', points: 1e12 }, 'points'],
      [{ event_type: 'page_viewed', points: 5, per_day: -1 }, 'per_day'],
      [{ event_type: 'page_viewed', points: 5, per_customer: 1e9 }, 'per_customer'],
      [{ event_type: 'page_viewed', points: 5, ends_at: iso(Date.now() - 4 * DAY) }, 'ends_at'],
      [{ event_type: 'page_viewed', points: 5, status: 'maybe' }, 'status'],
      [{ event_type: 'page_viewed', points: 5, name: '' }, 'name'],
      [{ event_type: 'page_viewed', points: 5, color: 'red' }, 'color'],
      [{ event_type: 'page_viewed' }, 'points'],
    ]) assertFieldError(await as(admin)('POST', '/api/v1/point-tasks', { name: '坏任务', starts_at: iso(Date.now() - 3 * DAY), ...body }), field, JSON.stringify(body));
    assert.equal((await as(admin)('GET', '/api/v1/point-tasks?limit=200')).json.items.length, before);
  });

  test('each event earns the points, up to the daily cap and the cap in all; duplicates earn nothing', async () => {
    const t = await task({ name: '每日浏览商品', event_type: 'page_viewed', points: 5, per_day: 3, per_customer: 5 });
    assert.equal(t.state, 'running');
    const id = await customer();
    const r = expectStatus(await events(id, 'page_viewed', 4, { key: `view-${id}` }), 200);
    assert.equal(r.accepted, 4);
    assert.equal(await balance(id), 15, 'three a day');
    // the same events again (same keys): duplicates, nothing earned
    assert.equal(expectStatus(await events(id, 'page_viewed', 4, { key: `view-${id}` }), 200).duplicates, 4);
    assert.equal(await balance(id), 15);
    // yesterday's views count on yesterday, and the cap in all stops at five
    expectStatus(await events(id, 'page_viewed', 3, { at: Date.now() - DAY }), 200);
    assert.equal(await balance(id), 25);
    expectStatus(await events(id, 'page_viewed', 3, { at: Date.now() - 2 * DAY }), 200);
    assert.equal(await balance(id), 25, 'five times in all');
    const ledger = expectStatus(await as(admin)('GET', `/api/v1/customers/${id}/points/ledger?limit=50`), 200).items;
    assert.equal(ledger.length, 5);
    assert.ok(ledger.every((e) => e.reason === 'task' && e.ref === `point_task:${t.id}` && e.delta === 5));
    const g = expectStatus(await as(admin)('GET', `/api/v1/point-tasks/${t.id}`), 200);
    assert.deepEqual(g.rewards, { customers: 1, times: 5, points: 25 });
    // a member sees it done
    const token = expectStatus(await as(admin)('POST', `/api/v1/customers/${id}/member-links`, {}), 201).token;
    const mine = expectStatus(await api('GET', '/api/v1/member/tasks', { token }), 200).items.find((x) => x.id === t.id);
    assert.equal(mine.today, 3);
    assert.equal(mine.total, 5);
    assert.equal(mine.per_customer, 5);
  });

  test('events before the task began, after it ended, or while it is off earn nothing; other types neither', async () => {
    const t = await task({ name: '入群有礼', event_type: 'group_joined', points: 50, per_day: 1, per_customer: 1, starts_at: iso(Date.now() - DAY) });
    const id = await customer();
    expectStatus(await events(id, 'group_joined', 1, { at: Date.now() - 2 * DAY }), 200);
    expectStatus(await events(id, 'message_sent', 2), 200);
    assert.equal(await balance(id), 0, 'before the start, and another type');
    expectStatus(await as(admin)('PATCH', `/api/v1/point-tasks/${t.id}`, { status: 'off' }), 200);
    expectStatus(await events(id, 'group_joined', 1), 200);
    assert.equal(await balance(id), 0, 'off');
    const on = expectStatus(await as(admin)('PATCH', `/api/v1/point-tasks/${t.id}`, { status: 'on', points: 60 }), 200);
    assert.equal(on.points, 60);
    expectStatus(await events(id, 'group_joined', 1), 200);
    assert.equal(await balance(id), 60, 'on again, at the new points');
    // numbers out of range are refused, not read as "leave it"
    for (const [body, field] of [[{ points: -1 }, 'points'], [{ per_day: -1 }, 'per_day'], [{ per_customer: -1 }, 'per_customer'], [{ name: '' }, 'name']])
      assertFieldError(await as(admin)('PATCH', `/api/v1/point-tasks/${t.id}`, body), field, JSON.stringify(body));
    // what it gave stays what it gave when its points change
    expectStatus(await as(admin)('PATCH', `/api/v1/point-tasks/${t.id}`, { points: 80 }), 200);
    assert.deepEqual(expectStatus(await as(admin)('GET', `/api/v1/point-tasks/${t.id}`), 200).rewards, { customers: 1, times: 1, points: 60 });
    assertFieldError(await as(admin)('PATCH', `/api/v1/point-tasks/${t.id}`, { ends_at: iso(Date.now() - 3 * DAY) }), 'ends_at');
    assertFieldError(await as(admin)('PATCH', `/api/v1/point-tasks/${t.id}`, { event_type: 'checkin' }), 'event_type');
    expectStatus(await as(admin)('PATCH', `/api/v1/point-tasks/${t.id}`, { ends_at: iso(Date.now() - 1000), per_customer: 0 }), 200);
    const other = await customer();
    expectStatus(await events(other, 'group_joined', 1), 200);
    assert.equal(await balance(other), 0, 'over');
    assert.equal(expectStatus(await as(admin)('GET', `/api/v1/point-tasks/${t.id}`), 200).state, 'over');
  });

  test('forty concurrent batches for one customer: the caps hold exactly', async () => {
    const t = await task({ name: '提交问卷', event_type: 'form_submitted', points: 7, per_day: 0, per_customer: 3 });
    const id = await customer();
    const rs = await Promise.all(Array.from({ length: 40 }, () => events(id, 'form_submitted', 1)));
    for (const r of rs) expectStatus(r, 200);
    assert.equal(await balance(id), 21);
    assert.deepEqual(expectStatus(await as(admin)('GET', `/api/v1/point-tasks/${t.id}`), 200).rewards, { customers: 1, times: 3, points: 21 });
  });
});
