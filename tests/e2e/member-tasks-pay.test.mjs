// Browser test of 任务中心 and 去支付 at a phone's viewport. Tasks: two capped tasks and an uncapped one made by
// staff, events sent through the events API, and the page showing each task's points, caps, progress and done
// states (今日已完成, 已完成) and the member's balance as the server has it. Pay: on this server WeChat Pay is not set
// up, so 去支付 on a pending order says so; with a stand-in WeixinJSBridge and the prepay route answered by the
// test, the page hands WeChat exactly the server's pay parameters, says 已取消支付 on a cancel, and on ok follows
// the order until the payment is recorded (here by the sandbox provider's notification) and shows 已支付; the
// bridge coming up late (WeixinJSBridgeReady), no bridge at all, and the server's 422/409/502 answers are shown.
// Needs a running server with the sandbox payment provider on: YT_BASE_URL, YT_ADMIN_PASSWORD,
// YT_PAY_SANDBOX_SECRET (scripts/browser-test.sh sets them); screenshots go to YT_SCREENSHOT_DIR (default
// tests/out). Uses the system Chromium (/usr/bin/chromium or YT_CHROMIUM).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import { BASE, PASSWORD, SANDBOX, SHOTS, randomHanzi, iso, yuan, sleep, apiCall, must, launch, shot as pageShot, payParams, fakeBridge } from '../lib/e2e.mjs'

const DAY = 86400_000

async function until(what, fn, ms = 20_000) {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) assert.fail(`waited ${ms / 1000} s for ${what}`)
    await sleep(200)
  }
}


test('member pages: 任务中心 (points tasks) and 去支付 (WeChat Pay)', { timeout: 420_000 }, async (t) => {
  assert.ok(PASSWORD, 'YT_ADMIN_PASSWORD must be set to the admin password of the server under test')
  assert.ok(SANDBOX, 'YT_PAY_SANDBOX_SECRET must be the sandbox payment secret of the server under test')
  fs.mkdirSync(SHOTS, { recursive: true })
  const shot = (page, name) => pageShot(page, name, { settle: 8000 })

  // Arrange through the API, as staff: the member (120 points to start with), three tasks, a product with an
  // unpaid order of the member's, a flash sale and a group buy on it.
  const admin = (await must(200, apiCall('POST', '/auth/login', { body: { username: 'admin', password: PASSWORD } }), 'login')).token
  const as = (token) => (method, p, body) => apiCall(method, p, { token, body })
  const id = (await must(201, as(admin)('POST', '/customers', { name: '会员' + randomHanzi(4) }), 'customer')).id
  await must(201, as(admin)('POST', `/customers/${id}/points`, { delta: 120, reason: 'adjust', note: '新会员礼' }), 'points')
  const token = (await must(201, as(admin)('POST', `/customers/${id}/member-links`, { ttl_hours: 2 }), 'link')).token
  const balance = async () => (await must(200, as(token)('GET', '/member/points'), 'points')).balance

  const task = (body) => must(201, as(admin)('POST', '/point-tasks', { starts_at: iso(Date.now() - 3 * DAY), ...body }), 'task')
  const viewTask = await task({
    name: '每日逛逛新品' + randomHanzi(2), description: '浏览任意商品详情页即可获得积分', event_type: 'page_viewed',
    points: 5, per_day: 3, per_customer: 5
  })
  const joinTask = await task({
    name: '加入会员福利群' + randomHanzi(2), description: '扫码加入品牌社群，第一时间获取福利', event_type: 'group_joined',
    points: 50, per_day: 1, per_customer: 1, ends_at: iso(Date.now() + 10 * DAY)
  })
  const formTask = await task({
    name: '填写肤质问卷' + randomHanzi(2), description: '每提交一份问卷都有积分', event_type: 'form_submitted', points: 8, per_day: 0, per_customer: 0
  })
  const events = (type, n, at = Date.now()) => must(200, as(admin)('POST', '/events', {
    events: Array.from({ length: n }, (_, i) => ({ customer: { id }, type, time: iso(at - i * 1000), key: `e2e-${crypto.randomUUID()}` }))
  }), `${type} events`)

  const product = await must(201, as(admin)('POST', '/products', {
    name: '玫瑰精华水' + randomHanzi(2), category: '护肤', skus: [{ name: '150ml', price: 12900, stock: 100 }]
  }), 'product')
  const sku = product.skus[0].id
  const unpaid = await must(201, as(token)('POST', '/mall-orders', { lines: [{ sku_id: sku, quantity: 1 }] }), 'order')
  assert.equal(unpaid.status, 'pending')
  const flash = await must(201, as(admin)('POST', '/flash-sales', {
    name: '精华水秒杀' + randomHanzi(2), sku_id: sku, price: 6900, stock: 10, per_customer_limit: 1,
    starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600_000)
  }), 'flash sale')
  const gb = await must(201, as(admin)('POST', '/group-buys', {
    name: '两人拼·精华水' + randomHanzi(2), sku_id: sku, price: 7900, stock: 10, team_size: 2, team_minutes: 60,
    per_customer_limit: 1, starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 2 * 3600_000)
  }), 'group buy')
  const pay = async (orderId, amount) => {
    const raw = JSON.stringify({ order_id: orderId, amount, transaction_id: 'e2e-' + crypto.randomUUID() })
    const sig = crypto.createHmac('sha256', SANDBOX).update(raw).digest('hex')
    await must(200, apiCall('POST', '/payments/sandbox/notify', { raw, headers: { 'X-Sandbox-Signature': sig } }), 'sandbox payment')
  }

  const { context, page: firstPage, pageErrors, watch: settle } = await launch(t, { phone: true, prefix: 'yt-e2e-member-tasks-pay-' })
  const requests = []
  const record = (p) => {
    p.on('request', (req) => requests.push({ url: req.url(), method: req.method(), auth: req.headers().authorization || '', at: Date.now() }))
    return p
  }
  const watch = (p) => record(settle(p))
  const page = record(firstPage)
  const toast = (p, text) => p.locator('.van-toast', { hasText: text })
  const orderReads = (orderId, since = 0) =>
    requests.filter((r) => r.method === 'GET' && r.url === `${BASE}/api/v1/member/orders/${orderId}` && r.at >= since).length
  const prepays = (orderId) => requests.filter((r) => r.method === 'POST' && r.url === `${BASE}/api/v1/member/orders/${orderId}/wechatpay`)
  // answers the prepay route in the browser (the server under test has no WeChat Pay merchant)
  const answerPrepay = async (p, reply) => {
    await p.route('**/api/v1/member/orders/*/wechatpay', async (route) => {
      const r = await reply(route.request())
      await route.fulfill({ status: r.status, contentType: r.status === 200 ? 'application/json' : 'application/problem+json', body: JSON.stringify(r.body) })
    })
  }

  const card = (p, x) => p.locator(`[data-test="task"][data-task="${x.id}"]`)
  const text = async (l) => (await l.innerText()).replace(/\s+/g, ' ').trim()

  await t.test('任务中心 from the home grid: each task with its points, caps and no progress yet; the balance', async () => {
    await page.goto(`${BASE}/member.html#/?t=${token}`)
    assert.ok(!page.url().includes('t='), 'the token leaves the address')
    const entry = page.locator('[data-test="entry-tasks"]')
    await entry.waitFor({ state: 'visible' })
    assert.match(await entry.innerText(), /任务中心/)
    await shot(page, 'member-home-tasks.png')
    await entry.click()
    await page.waitForURL(/#\/tasks$/)
    await card(page, viewTask).waitFor({ state: 'visible' })
    assert.equal(await text(page.locator('[data-test="tasks-balance"]')), '120')

    const view = card(page, viewTask)
    assert.equal(await view.getAttribute('data-state'), 'open')
    assert.equal(await text(view.locator('[data-test="task-name"]')), viewTask.name)
    assert.equal(await text(view.locator('[data-test="task-desc"]')), '浏览任意商品详情页即可获得积分')
    assert.equal(await text(view.locator('[data-test="task-type"]')), '浏览页面')
    assert.equal(await text(view.locator('[data-test="task-points"]')), '+5积分')
    assert.equal(await text(view.locator('[data-test="task-caps"]')), '每日3次 · 限5次')
    assert.equal(await text(view.locator('[data-test="task-today"]')), '今日 0/3')
    assert.equal(await text(view.locator('[data-test="task-total"]')), '累计 0/5')
    assert.equal(await view.locator('[data-test="task-done"]').count(), 0)

    const join = card(page, joinTask)
    assert.equal(await text(join.locator('[data-test="task-type"]')), '加入社群')
    assert.equal(await text(join.locator('[data-test="task-points"]')), '+50积分')
    assert.equal(await text(join.locator('[data-test="task-caps"]')), '每日1次 · 限1次')
    assert.match(await text(join), /\d{4}-\d{2}-\d{2} 截止/)

    const form = card(page, formTask)
    assert.equal(await text(form.locator('[data-test="task-type"]')), '提交表单')
    assert.equal(await text(form.locator('[data-test="task-caps"]')), '不限次数')
    assert.equal(await text(form.locator('[data-test="task-times"]')), '已完成 0 次')
    assert.equal(await form.locator('[data-test="task-today"]').count(), 0)
    assert.equal(await text(page.locator('[data-test="tasks-today-earned"]')), '今日已赚 0 积分')
    await shot(page, 'member-tasks.png')
  })

  await t.test('events earn points: progress, 今日已完成 at the daily cap, 已完成 at the cap in all, the balance', async () => {
    await events('page_viewed', 2)
    await events('form_submitted', 1)
    await page.reload()
    const view = card(page, viewTask)
    await view.locator('[data-test="task-today"][data-n="2"]').waitFor({ state: 'visible' })
    assert.equal(await text(view.locator('[data-test="task-today"]')), '今日 2/3')
    assert.equal(await text(view.locator('[data-test="task-total"]')), '累计 2/5')
    assert.equal(await view.getAttribute('data-state'), 'open')
    assert.equal(await text(card(page, formTask).locator('[data-test="task-times"]')), '已完成 1 次')
    assert.equal(await balance(), 120 + 10 + 8)
    assert.equal(await text(page.locator('[data-test="tasks-balance"]')), '138')

    // two more views today (one over the daily cap) and the group joined
    await events('page_viewed', 2)
    await events('group_joined', 1)
    await page.reload()
    await view.locator('[data-test="task-today"][data-n="3"]').waitFor({ state: 'visible' })
    assert.equal(await view.getAttribute('data-state'), 'doneToday')
    assert.equal(await text(view.locator('[data-test="task-done"]')), '今日已完成')
    assert.equal(await text(view.locator('[data-test="task-total"]')), '累计 3/5')
    const join = card(page, joinTask)
    assert.equal(await join.getAttribute('data-state'), 'done')
    assert.equal(await text(join.locator('[data-test="task-done"]')), '已完成')
    assert.equal(await text(join.locator('[data-test="task-today"]')), '今日 1/1')
    assert.equal(await text(join.locator('[data-test="task-total"]')), '累计 1/1')
    assert.equal(await balance(), 138 + 5 + 50)
    assert.equal(await text(page.locator('[data-test="tasks-balance"]')), '193')
    // today's earnings as the server counts them, and the tasks still to do listed first
    const mine = (await must(200, as(token)('GET', '/member/tasks'), 'tasks')).items
    const earned = mine.reduce((s, x) => s + x.today * x.points, 0)
    assert.ok(earned >= 3 * 5 + 50 + 8)
    assert.equal(await text(page.locator('[data-test="tasks-today-earned"]')), `今日已赚 ${earned} 积分`)
    const order = await page.locator('[data-test="task"]').evaluateAll((els) => els.map((e) => e.dataset.state))
    assert.deepEqual(order, [...order].sort((a, b) => ['open', 'doneToday', 'done'].indexOf(a) - ['open', 'doneToday', 'done'].indexOf(b)))
    await shot(page, 'member-tasks-progress.png')

    // yesterday's views count toward the cap in all: five, then 已完成
    await events('page_viewed', 3, Date.now() - DAY)
    await page.reload()
    await view.locator('[data-test="task-total"][data-n="5"]').waitFor({ state: 'visible' })
    assert.equal(await view.getAttribute('data-state'), 'done')
    assert.equal(await text(view.locator('[data-test="task-done"]')), '已完成')
    assert.equal(await text(view.locator('[data-test="task-today"]')), '今日 3/3')
    assert.equal(await balance(), 193 + 10, 'two of the three earned: five in all')
    assert.equal(await text(page.locator('[data-test="tasks-balance"]')), '203')
    const stored = (await must(200, as(token)('GET', '/member/tasks'), 'tasks')).items.find((x) => x.id === viewTask.id)
    assert.deepEqual([stored.today, stored.total], [3, 5])
  })

  await t.test('积分 links to 任务中心, and 积分明细 leads back', async () => {
    await page.locator('[data-test="tasks-to-points"]').click()
    await page.waitForURL(/#\/points$/)
    await page.locator('[data-test="points-balance"]', { hasText: '203' }).waitFor({ state: 'visible' })
    await page.locator('[data-test="ledger-row"][data-reason="task"]').first().waitFor({ state: 'visible' })
    await shot(page, 'member-points-tasks-link.png')
    await page.locator('[data-test="points-to-tasks"]').click()
    await page.waitForURL(/#\/tasks$/)
    await card(page, joinTask).waitFor({ state: 'visible' })
  })

  await t.test('去支付 on a pending order, here without WeChat Pay: 我的订单 and 订单详情 say it is not set up', async () => {
    await page.goto(`${BASE}/member.html#/orders`)
    const row = page.locator(`[data-test="order-row"][data-order="${unpaid.id}"]`)
    await row.waitFor({ state: 'visible' })
    const button = row.locator('[data-test="pay-button"]')
    await button.waitFor({ state: 'visible' })
    assert.equal(await text(button), '去支付')
    assert.match(await text(row.locator('[data-test="order-pay-row"]')), /剩余\s*\d{2}:\d{2}\s*自动关闭/)
    await shot(page, 'member-orders-pay.png')
    await button.click()
    const sheet = page.locator(`[data-test="pay-sheet"][data-order="${unpaid.id}"]`)
    await sheet.waitFor({ state: 'visible' })
    assert.equal(await sheet.getAttribute('data-state'), 'notice')
    assert.equal(await sheet.getAttribute('data-kind'), 'notSetUp')
    assert.equal(await text(sheet.locator('[data-test="pay-title"]')), '商家暂未开通微信支付')
    assert.equal(await text(sheet.locator('[data-test="pay-hint"]')), '请联系为您服务的导购完成付款')
    assert.ok(page.url().endsWith('#/orders'), 'the button does not open the order')
    const asked = prepays(unpaid.id)
    assert.equal(asked.length, 1)
    assert.equal(asked[0].auth, `Bearer ${token}`)
    await sheet.locator('[data-test="pay-ok"]').click()
    await sheet.waitFor({ state: 'hidden' })

    await row.click()
    await page.waitForURL(new RegExp(`#/orders/${unpaid.id}$`))
    const detail = page.locator(`[data-test="order-detail"][data-order="${unpaid.id}"]`)
    await detail.waitFor({ state: 'visible' })
    assert.equal(await detail.getAttribute('data-status'), 'pending')
    assert.match(await text(detail), /待支付 剩余\s*\d{2}:\d{2}\s*后订单自动关闭 请在 (\d{2}-\d{2} )?\d{2}:\d{2} 前完成支付/)
    const left = Number(await page.locator('[data-test="order-pay-countdown"] [data-test="pay-countdown"]').getAttribute('data-left'))
    const expected = Math.round((Date.parse(unpaid.pay_by) - Date.now()) / 1000)
    assert.ok(Math.abs(left - expected) <= 3, `the countdown shows the time left to pay (${left} s, ${expected} s expected)`)
    assert.match(await text(page.locator('[data-test="order-bar-total"]')), new RegExp(`需付款 ¥\\s*${yuan(unpaid.total).replace('.', '\\.')}`))
    await page.locator('[data-test="order-actions"] [data-test="pay-button"]').click()
    await sheet.waitFor({ state: 'visible' })
    assert.equal(await text(sheet.locator('[data-test="pay-title"]')), '商家暂未开通微信支付')
    await shot(page, 'member-order-pay-not-set-up.png')
    await sheet.locator('[data-test="pay-ok"]').click()
    await sheet.waitFor({ state: 'hidden' })
  })

  await t.test('the server\'s refusals, and no WeChat: clear words, the server\'s detail under them', async () => {
    const cases = [
      { status: 422, body: { type: 'https://yutang.dev/problems/unprocessable', title: 'Unprocessable content', status: 422,
        detail: 'WeChat Pay needs the member\'s openid: open the page from WeChat (公众号 or 小程序)', errors: [{ field: 'openid', message: 'x' }] },
        kind: 'openid', title: '请在微信中打开本页面完成支付', hint: /公众号或小程序/ },
      { status: 409, body: { type: 'https://yutang.dev/problems/conflict', title: 'Conflict', status: 409,
        detail: 'the order is not waiting for payment', errors: [{ field: 'status', message: 'x' }] },
        kind: 'status', title: '该订单当前无法支付', hint: /已支付或已关闭/ },
      { status: 502, body: { type: 'https://yutang.dev/problems/error', title: 'Error', status: 502,
        detail: 'WeChat Pay refused the prepay: NO_AUTH 商户号该产品权限未开通' },
        kind: 'upstream', title: '微信支付暂时无法完成，请稍后重试', hint: /仍为待支付/ },
      { status: 200, body: { order_id: unpaid.id, out_trade_no: 'yt' + String(unpaid.id).padStart(10, '0'), total: unpaid.total, pay_params: payParams() },
        kind: 'outside', title: '请在微信中打开本页面完成支付', hint: /在微信中打开后再支付/ }
    ]
    let now = cases[0]
    await answerPrepay(page, () => now)
    const sheet = page.locator(`[data-test="pay-sheet"][data-order="${unpaid.id}"]`)
    for (const c of cases) {
      now = c
      await page.locator('[data-test="order-actions"] [data-test="pay-button"]').click()
      await sheet.locator('[data-test="pay-title"]').waitFor({ state: 'visible' })
      assert.equal(await sheet.getAttribute('data-kind'), c.kind)
      assert.equal(await text(sheet.locator('[data-test="pay-title"]')), c.title)
      assert.match(await text(sheet.locator('[data-test="pay-hint"]')), c.hint)
      if (c.status === 200) assert.equal(await sheet.locator('[data-test="pay-detail"]').count(), 0)
      else assert.equal(await text(sheet.locator('[data-test="pay-detail"]')), c.body.detail)
      if (c.status === 502) await shot(page, 'member-pay-refused.png')
      if (c.kind === 'outside') await shot(page, 'member-pay-outside.png')
      await sheet.locator('[data-test="pay-ok"]').click()
      await sheet.waitFor({ state: 'hidden' })
    }
    await page.unroute('**/api/v1/member/orders/*/wechatpay')
    // a 409 makes the page read the order again; it is still pending
    await page.locator(`[data-test="order-detail"][data-status="pending"]`).waitFor({ state: 'visible' })
  })

  await t.test('in WeChat: the pay sheet gets exactly the server\'s parameters; cancel says 已取消支付; ok follows the order to 已支付', async () => {
    const wx = watch(await context.newPage())
    await wx.addInitScript(fakeBridge, { late: false })
    const answers = []
    await answerPrepay(wx, (req) => {
      const orderId = Number(/orders\/(\d+)\/wechatpay/.exec(req.url())[1])
      const body = { order_id: orderId, out_trade_no: 'yt' + String(orderId).padStart(10, '0'), total: unpaid.total, pay_params: payParams() }
      answers.push({ method: req.method(), auth: req.headers().authorization, body })
      return { status: 200, body }
    })
    await wx.goto(`${BASE}/member.html#/orders/${unpaid.id}?t=${token}`)
    const detail = wx.locator(`[data-test="order-detail"][data-order="${unpaid.id}"][data-status="pending"]`)
    await detail.waitFor({ state: 'visible' })
    const button = wx.locator('[data-test="order-actions"] [data-test="pay-button"]')

    await button.click()
    const calls = await until('the pay sheet opened', () => wx.evaluate(() => (window.__wxCalls.length ? window.__wxCalls : null)))
    assert.equal(answers.length, 1)
    assert.deepEqual([answers[0].method, answers[0].auth], ['POST', `Bearer ${token}`])
    assert.equal(calls.length, 1)
    assert.equal(calls[0].name, 'getBrandWCPayRequest')
    assert.deepEqual(calls[0].params, answers[0].body.pay_params, 'exactly the parameters the server gave')

    const beforeCancel = Date.now()
    await wx.evaluate(() => window.__wxAnswer('get_brand_wcpay_request:cancel'))
    await toast(wx, '已取消支付').waitFor({ state: 'visible' })
    const sheet = wx.locator(`[data-test="pay-sheet"][data-order="${unpaid.id}"]`)
    assert.equal(await sheet.isVisible(), false)
    await sleep(3500)
    assert.equal(orderReads(unpaid.id, beforeCancel), 0, 'a cancel does not follow the order')
    await detail.waitFor({ state: 'visible' })
    await toast(wx, '已取消支付').waitFor({ state: 'hidden' })

    // again, and this time WeChat says ok: 支付处理中 while the page reads the order, until the payment is recorded
    await button.click()
    await until('the pay sheet opened again', () => wx.evaluate(() => window.__wxCalls.length === 2))
    const second = await wx.evaluate(() => window.__wxCalls[1])
    assert.deepEqual(second.params, answers[1].body.pay_params)
    assert.notDeepEqual(second.params, calls[0].params, 'each try gets its own parameters')
    const okAt = Date.now()
    await wx.evaluate(() => window.__wxAnswer('get_brand_wcpay_request:ok'))
    await sheet.locator('[data-test="pay-title"]', { hasText: '支付处理中' }).waitFor({ state: 'visible' })
    assert.equal(await sheet.getAttribute('data-state'), 'confirming')
    await until('the page reading the order twice', () => orderReads(unpaid.id, okAt) >= 2)
    assert.equal((await must(200, as(token)('GET', `/member/orders/${unpaid.id}`), 'order')).status, 'pending', 'the page recorded nothing')
    assert.equal(await sheet.getAttribute('data-state'), 'confirming', 'still waiting while the order is unpaid')
    await shot(wx, 'member-order-pay-confirming.png')

    await pay(unpaid.id, unpaid.total)
    await sheet.locator('[data-test="pay-title"]', { hasText: '支付成功' }).waitFor({ state: 'visible' })
    assert.equal(await sheet.getAttribute('data-state'), 'paid')
    assert.equal(await text(sheet.locator('[data-test="pay-paid"]')), `已支付 ¥${yuan(unpaid.total)}`)
    await wx.locator(`[data-test="order-detail"][data-status="paid"]`).waitFor({ state: 'attached' })
    await shot(wx, 'member-order-pay-paid.png')
    await sheet.locator('[data-test="pay-done"]').click()
    await sheet.waitFor({ state: 'hidden' })
    assert.equal(await text(wx.locator('[data-test="order-detail-status"]')), '待发货')
    assert.equal(await wx.locator('[data-test="pay-button"]').count(), 0)
    const reads = orderReads(unpaid.id)
    await sleep(2500)
    assert.equal(orderReads(unpaid.id), reads, 'no more reads once paid')
    const stored = await must(200, as(token)('GET', `/member/orders/${unpaid.id}`), 'order')
    assert.equal(stored.status, 'paid')
    assert.equal(stored.payment.provider, 'sandbox')
    await wx.close()
  })

  await t.test('秒杀 in WeChat with the bridge coming up late: 去支付 right after ordering, then 已支付', async () => {
    const wx = watch(await context.newPage())
    await wx.addInitScript(fakeBridge, { late: true })
    const answers = []
    await answerPrepay(wx, (req) => {
      const orderId = Number(/orders\/(\d+)\/wechatpay/.exec(req.url())[1])
      const body = { order_id: orderId, out_trade_no: 'yt' + String(orderId).padStart(10, '0'), total: 6900, pay_params: payParams() }
      answers.push(body)
      return { status: 200, body }
    })
    await wx.goto(`${BASE}/member.html#/flash/${flash.id}?t=${token}`)
    await wx.locator('[data-test="flash-buy"][data-state="buy"]').click()
    const ordered = wx.locator('[data-test="flash-ordered"][data-status="pending"]')
    await ordered.waitFor({ state: 'visible' })
    const orderId = Number(await ordered.getAttribute('data-order'))
    const order = await must(200, as(token)('GET', `/member/orders/${orderId}`), 'flash order')
    assert.deepEqual([order.kind, order.status, order.total], ['flash', 'pending', 6900])
    assert.match(await text(ordered.locator('[data-test="flash-ordered-hint"]')), /合计 ¥69\.00，剩余支付时间\s*\d{2}:\d{2}/)
    await toast(wx, '抢购成功').waitFor({ state: 'hidden' })
    await shot(wx, 'member-flash-pay.png')
    await ordered.locator('[data-test="pay-button"]').click()
    await until('the prepay answered', () => answers.length === 1)
    await sleep(400) // the page is waiting for the bridge
    assert.equal(await wx.evaluate(() => window.__wxCalls.length), 0)
    await wx.evaluate(() => window.__wxReady())
    const calls = await until('the pay sheet opened', () => wx.evaluate(() => (window.__wxCalls.length ? window.__wxCalls : null)))
    assert.equal(calls[0].name, 'getBrandWCPayRequest')
    assert.deepEqual(calls[0].params, answers[0].pay_params)
    await wx.evaluate(() => window.__wxAnswer('get_brand_wcpay_request:ok'))
    const sheet = wx.locator(`[data-test="pay-sheet"][data-order="${orderId}"]`)
    await sheet.locator('[data-test="pay-title"]', { hasText: '支付处理中' }).waitFor({ state: 'visible' })
    await pay(orderId, 6900)
    await sheet.locator('[data-test="pay-paid"]', { hasText: '已支付 ¥69.00' }).waitFor({ state: 'visible' })
    await sheet.locator('[data-test="pay-done"]').click()
    const paid = wx.locator('[data-test="flash-ordered"][data-status="paid"]')
    await paid.waitFor({ state: 'visible' })
    assert.match(await text(paid), new RegExp(`支付成功，订单号 ${orderId}[\\s\\S]*已支付 ¥69\\.00`))
    assert.equal(await paid.locator('[data-test="pay-button"]').count(), 0)
    await shot(wx, 'member-flash-paid.png')
    await wx.close()
  })

  await t.test('拼团: the member\'s pending team order offers 去支付 on the team page and under 我的拼团', async () => {
    const team = await must(201, as(token)('POST', `/member/group-buys/${gb.id}/teams`, { quantity: 1 }), 'team')
    await page.goto(`${BASE}/member.html#/group-team/${team.code}`)
    const mine = page.locator('[data-test="team-mine"][data-status="pending"]')
    await mine.waitFor({ state: 'visible' })
    const orderId = Number(await mine.getAttribute('data-order'))
    await mine.locator(`[data-test="pay-button"][data-order="${orderId}"]`).waitFor({ state: 'visible' })
    assert.match(await text(mine.locator('[data-test="team-pay-hint"]')), /请在 .+ 前完成支付.*\d{2}:\d{2}/)
    await shot(page, 'member-group-team-pay.png')
    await page.goto(`${BASE}/member.html#/group-buy/${gb.id}`)
    const row = page.locator(`[data-test="group-my-team"][data-code="${team.code}"]`)
    await row.waitFor({ state: 'visible' })
    await row.locator(`[data-test="pay-button"][data-order="${orderId}"]`).click()
    const sheet = page.locator(`[data-test="pay-sheet"][data-order="${orderId}"]`)
    await sheet.waitFor({ state: 'visible' })
    assert.equal(await text(sheet.locator('[data-test="pay-title"]')), '商家暂未开通微信支付')
    assert.ok(page.url().endsWith(`#/group-buy/${gb.id}`), 'the button does not open the team')
    await sheet.locator('[data-test="pay-ok"]').click()
    await sheet.waitFor({ state: 'hidden' })
  })

  await t.test('the pages call only this server, with the member\'s token, never put it in an address, and raise no errors', async () => {
    const external = requests.filter((r) => /^https?:/.test(r.url) && !r.url.startsWith(BASE + '/'))
    assert.deepEqual(external, [])
    const apiCalls = requests.filter((r) => r.url.startsWith(BASE + '/api/'))
    assert.ok(apiCalls.length > 20)
    assert.ok(apiCalls.every((r) => r.auth === `Bearer ${token}`), 'every API call carries the member token')
    assert.ok(requests.every((r) => !r.url.includes(token)), 'no address carries the token')
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the pages')
  })
})
