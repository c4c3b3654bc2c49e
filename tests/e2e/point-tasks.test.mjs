// Browser test of the console's points tasks page (积分任务) at a desktop viewport in Chinese.
// A task made through the dialog (event, points, caps, end) stored with exactly those values and listed; events sent
// through the API rewarded up to the daily cap and the row's figures and the summary showing the exact numbers; the
// customer's points ledger naming the task and linking to it; points and the daily cap edited through the dialog (the
// event not editable); the task switched off from its row, after which events earn nothing; a token with only
// commerce.read sees the list and none of create, edit or the switch.
// Needs a running server: YT_BASE_URL and YT_ADMIN_PASSWORD (scripts/browser-test.sh sets them); screenshots go to
// YT_SCREENSHOT_DIR (default tests/out). Uses the system Chromium (/usr/bin/chromium or YT_CHROMIUM).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import { BASE, PASSWORD, SHOTS, randomHanzi, apiCall, must, until, launch, consoleHelpers } from '../lib/e2e.mjs'

// date-times as the console shows them and takes them (Asia/Shanghai, minutes)
const shown = (ms) => {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'
  }).formatToParts(new Date(ms)).map((x) => [x.type, x.value]))
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}

test('console points tasks: create, rewards shown, ledger link, edit, switch off, read-only', { timeout: 300_000 }, async (t) => {
  assert.ok(PASSWORD, 'YT_ADMIN_PASSWORD must be set to the admin password of the server under test')
  fs.mkdirSync(SHOTS, { recursive: true })

  const admin = (await must(200, apiCall('POST', '/auth/login', { body: { username: 'admin', password: PASSWORD } }), 'login')).token
  const as = (method, p, body) => apiCall(method, p, { token: admin, body })
  const customer = async (prefix) => {
    const name = prefix + randomHanzi(3)
    return { id: (await must(201, as('POST', '/customers', { name }), 'customer')).id, name }
  }
  const tasks = async () => {
    const items = []
    for (let cursor = null; ;) {
      const page = await must(200, as('GET', '/point-tasks?limit=200' + (cursor ? `&cursor=${cursor}` : '')), 'tasks')
      items.push(...page.items)
      if (!(cursor = page.next_cursor)) return items
    }
  }
  const balance = async (id) => (await must(200, as('GET', `/customers/${id}/points`), 'balance')).balance
  // events of one type for a customer, a second apart, ending now; keys given, so the same batch again is duplicates
  const send = async (id, type, keys) => must(200, as('POST', '/events', {
    events: keys.map((key, i) => ({ customer: { id }, type, time: new Date(Date.now() - i * 1000).toISOString(), key }))
  }), 'events')

  const { page, pageErrors, shot } = await launch(t)

  const { number, choose, toastGone } = consoleHelpers(page)
  const text = async (locator) => (await locator.innerText()).trim()
  const row = (id) => page.locator('tr.el-table__row', { has: page.locator(`[data-test="task-row"][data-task-id="${id}"]`) })
  const cell = (id, key) => row(id).locator(`[data-test="task-${key}"]`)
  const openTasks = async () => {
    await page.goto(BASE + '/#/mall/point-tasks')
    await page.reload() // the same hash again would not load the page afresh
    await page.locator('[data-test="task-table"]').waitFor()
    await page.locator('[data-test="task-table"] .el-loading-mask').waitFor({ state: 'detached' }).catch(() => {})
  }
  // the summary tiles as the API's tasks make them
  const summaryMatches = async () => {
    const all = await tasks()
    const running = all.filter((x) => x.state === 'running').length
    const points = all.reduce((a, x) => a + x.rewards.points, 0)
    const times = all.reduce((a, x) => a + x.rewards.times, 0)
    await until('the summary to match the API', async () =>
      await text(page.locator('[data-test="task-sum-running"]')) === String(running) &&
      await text(page.locator('[data-test="task-sum-points"]')) === points.toLocaleString('zh-CN') &&
      await text(page.locator('[data-test="task-sum-times"]')) === times.toLocaleString('zh-CN'))
    return { count: all.length, running, points, times }
  }

  const name = '每日互动' + randomHanzi(4)
  const endsAt = Date.now() + 10 * 86400000
  const endsShown = shown(endsAt)
  const endsMs = Date.parse(endsShown.replace(' ', 'T') + ':00+08:00')
  const a = await customer('任务甲')
  const b = await customer('任务乙')
  let task

  await t.test('sign in', async () => {
    await page.goto(BASE + '/#/login')
    await page.locator('[data-test="login-username"]').fill('admin')
    await page.locator('[data-test="login-password"]').fill(PASSWORD)
    await page.locator('[data-test="login-submit"]').click()
    await page.locator('[data-test="current-user"]').waitFor({ state: 'visible' })
  })

  await t.test('create a task through the dialog: the API has exactly the event, points, caps and end typed', async () => {
    await page.locator('[data-test="menu-pointTasks"]').click()
    await page.waitForURL(/#\/mall\/point-tasks$/)
    await page.locator('[data-test="task-table"]').waitFor()
    const before = await summaryMatches()
    if (!before.count) await shot('tasks-empty.png')
    await page.locator('[data-test="task-create"]').click()
    await page.locator('[data-test="task-dialog"]').waitFor()
    await page.locator('[data-test="task-name"]').fill(name)
    await page.locator('[data-test="task-description"]').fill('每天在社群发言即可获得积分')
    await choose('[data-test="task-event-select"]', '发送消息')
    await number('[data-test="task-points-input"]', 7)
    await number('[data-test="task-per-day"]', 2)
    await number('[data-test="task-per-customer"]', 3)
    await page.locator('[data-test="task-end-mode"] .el-radio-button', { hasText: '指定结束时间' }).click()
    const end = page.locator('[data-test="task-ends"] input')
    await end.fill(endsShown)
    await end.press('Enter')
    await page.locator('[data-test="task-dialog"] .el-dialog__title').click() // closes the picker's panel
    assert.equal(await text(page.locator('[data-test="task-preview"]')), '会员每次「发送消息」得 7 积分，每人每天最多 2 次，累计最多 3 次（每人最多 21 积分）')
    await shot('tasks-create.png', page.locator('[data-test="task-dialog"]'))
    await page.locator('[data-test="task-submit"]').click()
    await page.locator('[data-test="task-dialog"]').waitFor({ state: 'hidden' })

    task = await until('the task in the API', async () => (await tasks()).find((x) => x.name === name))
    assert.equal(task.event_type, 'message_sent')
    assert.equal(task.points, 7)
    assert.equal(task.per_day, 2)
    assert.equal(task.per_customer, 3)
    assert.equal(task.description, '每天在社群发言即可获得积分')
    assert.equal(task.status, 'on')
    assert.equal(task.state, 'running')
    assert.equal(Date.parse(task.ends_at), endsMs, `ends_at ${task.ends_at} is the end typed, ${endsShown} in Shanghai`)
    assert.ok(Date.parse(task.starts_at) <= Date.now() && Date.parse(task.starts_at) > Date.now() - 5 * 60_000, `starts_at ${task.starts_at} is when the dialog opened`)
    assert.deepEqual(task.rewards, { customers: 0, times: 0, points: 0 })

    await row(task.id).waitFor()
    assert.equal(await text(cell(task.id, 'event')), '发送消息')
    assert.equal(await text(cell(task.id, 'points')), '+7 积分')
    assert.equal(await text(cell(task.id, 'caps')), '每日2次 · 累计3次')
    assert.equal(await text(cell(task.id, 'state')), '进行中')
    assert.equal((await text(cell(task.id, 'window'))).split('\n').pop().trim(), endsShown)
    assert.equal(await text(cell(task.id, 'customers')), '0')
    const after = await summaryMatches()
    assert.equal(after.running, before.running + 1)
    await toastGone()
  })

  await t.test('events sent through the API: rewards up to the daily cap, and the row shows the exact figures', async () => {
    const keysA = [1, 2, 3].map((i) => `e2e-task-${a.id}-${i}-${crypto.randomUUID()}`)
    const first = await send(a.id, 'message_sent', keysA)
    assert.equal(first.accepted, 3)
    assert.equal((await send(a.id, 'message_sent', keysA)).duplicates, 3, 'the same events again are duplicates')
    await send(a.id, 'message_sent', [`e2e-msg-${crypto.randomUUID()}`])
    await send(b.id, 'message_sent', [`e2e-task-${b.id}-${crypto.randomUUID()}`])
    assert.equal(await balance(a.id), 14, 'two of three views today, 7 points each')
    assert.equal(await balance(b.id), 7)
    assert.deepEqual((await must(200, as('GET', `/point-tasks/${task.id}`), 'task')).rewards, { customers: 2, times: 3, points: 21 })

    await openTasks()
    await row(task.id).waitFor()
    assert.equal(await text(cell(task.id, 'customers')), '2')
    assert.equal(await text(cell(task.id, 'times')), '3')
    assert.equal(await text(cell(task.id, 'given')), '21')
    const s = await summaryMatches()
    assert.ok(s.points >= 21 && s.times >= 3)
    await shot('tasks-list.png')
  })

  await t.test("the customer's points ledger names the task and links to it", async () => {
    await page.goto(BASE + `/#/customers/${a.id}`)
    const links = page.locator('[data-test="points-ledger"] [data-test="ledger-task"]')
    await until('two task rewards in the ledger, named', async () => await links.count() === 2 && await text(links.first()) === name)
    assert.equal(await text(page.locator('[data-test="points-balance"]')), '14')
    await shot('tasks-ledger.png', page.locator('[data-test="loyalty-panel"]'))
    await links.first().click()
    await page.waitForURL(new RegExp(`#/mall/point-tasks\\?task=${task.id}$`))
    await row(task.id).waitFor()
    assert.match(await row(task.id).getAttribute('class'), /\bfocused\b/, 'the linked task is highlighted')
  })

  await t.test('edit points and the daily cap: the event cannot change, the rest stays', async () => {
    await openTasks()
    await row(task.id).locator('[data-test="task-edit"]').click()
    const dialog = page.locator('[data-test="task-dialog"]')
    await dialog.locator('.el-dialog__title', { hasText: '编辑任务' }).waitFor()
    assert.equal(await page.locator('[data-test="task-name"]').inputValue(), name)
    assert.equal(await page.locator('[data-test="task-points-input"] input').inputValue(), '7')
    assert.equal(await page.locator('[data-test="task-event-select"] .is-disabled').count() +
      await page.locator('[data-test="task-event-select"].is-disabled').count() > 0, true, 'the event select is disabled')
    assert.equal(await page.locator('[data-test="task-starts"] input').isDisabled(), true, 'the start cannot change')
    assert.equal(await page.locator('[data-test="task-ends"] input').inputValue(), endsShown)
    await number('[data-test="task-points-input"]', 9)
    await number('[data-test="task-per-day"]', 0)
    assert.equal(await text(page.locator('[data-test="task-preview"]')), '会员每次「发送消息」得 9 积分，累计最多 3 次（每人最多 27 积分）')
    await shot('tasks-edit.png', dialog)
    await page.locator('[data-test="task-submit"]').click()
    await dialog.waitFor({ state: 'hidden' })
    await until('the row to show the new points', async () => await text(cell(task.id, 'points')) === '+9 积分')
    assert.equal(await text(cell(task.id, 'caps')), '累计3次')
    const got = await must(200, as('GET', `/point-tasks/${task.id}`), 'task')
    assert.equal(got.points, 9)
    assert.equal(got.per_day, 0)
    assert.equal(got.per_customer, 3)
    assert.equal(got.event_type, 'message_sent')
    assert.equal(got.starts_at, task.starts_at)
    assert.equal(Date.parse(got.ends_at), endsMs)
    assert.equal(got.name, name)
    assert.equal(got.status, 'on')
    await toastGone()
  })

  await t.test('switch it off from its row: the API has it off, and events earn nothing', async () => {
    const before = await summaryMatches()
    await row(task.id).locator('[data-test="task-switch"]').click()
    const box = page.locator('.el-message-box')
    await box.waitFor()
    assert.match(await text(box), /会员之后的“发送消息”不再获得积分/)
    await box.locator('.el-button--primary').click()
    await until('the row to show it off', async () => await text(cell(task.id, 'state')) === '已关闭')
    assert.equal(await row(task.id).locator('[data-test="task-switch"]').getAttribute('class').then((c) => /is-checked/.test(c)), false)
    const got = await must(200, as('GET', `/point-tasks/${task.id}`), 'task')
    assert.equal(got.status, 'off')
    assert.equal(got.state, 'off')
    const after = await summaryMatches()
    assert.equal(after.running, before.running - 1)
    const c = await customer('任务丙')
    await send(c.id, 'message_sent', [`e2e-off-${crypto.randomUUID()}`])
    assert.equal(await balance(c.id), 0, 'off: nothing earned')
    const { rewards } = await must(200, as('GET', `/point-tasks/${task.id}`), 'task')
    assert.equal(rewards.customers, 2)
    assert.equal(rewards.times, 3)
    assert.equal(await text(cell(task.id, 'customers')), '2')
    assert.equal(await text(cell(task.id, 'times')), '3')
    await toastGone()
    await shot('tasks-off.png')
  })

  // what was given stays 21 after the edit to 9 points (the server keeps the points as they were given)
  await t.test('points given stay what was given after the points change', async () => {
    assert.equal((await must(200, as('GET', `/point-tasks/${task.id}`), 'task')).rewards.points, 21)
    await openTasks()
    assert.equal(await text(cell(task.id, 'given')), '21')
  })

  await t.test('a token with only commerce.read sees the list, and no create, edit or switch', async () => {
    const token = (await must(201, as('POST', '/tokens', { name: 'e2e-tasks-read', scopes: ['commerce.read'], ttl_days: 1 }), 'token')).token
    await page.evaluate((tok) => localStorage.setItem('yt.token', tok), token)
    await page.goto(BASE + '/#/customers')
    await page.reload()
    await page.locator('[data-test="menu-pointTasks"]').click()
    await page.waitForURL(/#\/mall\/point-tasks$/)
    await row(task.id).waitFor()
    assert.equal(await text(cell(task.id, 'times')), '3')
    assert.equal(await text(cell(task.id, 'points')), '+9 积分')
    assert.equal(await text(cell(task.id, 'state')), '已关闭')
    await page.waitForFunction(() => !document.querySelector('[data-test="task-create"]'))
    for (const sel of ['task-create', 'task-edit', 'task-switch']) {
      assert.equal(await page.locator(`[data-test="${sel}"]`).count(), 0, `no ${sel} for a read-only token`)
    }
    // and the server refuses a change from it
    assert.equal((await apiCall('PATCH', `/point-tasks/${task.id}`, { token, body: { status: 'on' } })).status, 403)
    await toastGone() // the customers page refused this token
    await shot('tasks-readonly.png')
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
  })
})
