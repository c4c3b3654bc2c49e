// Browser test of paid membership (付费会员): in the console (desktop, Chinese) plans made through the dialog with the
// price typed in yuan (fen stored, the level from the ladder), a server's field error shown on its field, a plan
// edited and one taken off sale, all checked through the API; on the member pages (a phone) 未开通, only the plans
// on sale, 开通 making one pending order (and taking it again rather than a second), paid through WeChat Pay's
// sheet (a stand-in bridge, the prepay answered by the test, the payment recorded by the sandbox provider's
// notification), then the level and 有效期至 shown; back in the console the customer's periods (one ended by a
// refund: 已退款提前结束) and the order's kind (付费会员).
// Needs a running server with the sandbox payment provider on: YT_BASE_URL, YT_ADMIN_PASSWORD,
// YT_PAY_SANDBOX_SECRET (scripts/browser-test.sh sets them); screenshots go to YT_SCREENSHOT_DIR (default
// tests/out). Uses the system Chromium (/usr/bin/chromium or YT_CHROMIUM).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import { BASE, PASSWORD, SANDBOX, SHOTS, randomHanzi, sleep, apiCall, must, until, launch, shot as pageShot, payParams, fakeBridge, consoleHelpers } from '../lib/e2e.mjs'

const DAY = 86400_000
// a day as the pages show it: the brand's calendar (Asia/Shanghai)
const brandDate = (iso) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
  .format(new Date(iso))


test('paid membership: console plans, the member page with WeChat Pay, the customer page', { timeout: 420_000 }, async (t) => {
  assert.ok(PASSWORD, 'YT_ADMIN_PASSWORD must be set to the admin password of the server under test')
  assert.ok(SANDBOX, 'YT_PAY_SANDBOX_SECRET must be the sandbox payment secret of the server under test')
  fs.mkdirSync(SHOTS, { recursive: true })

  const admin = (await must(200, apiCall('POST', '/auth/login', { body: { username: 'admin', password: PASSWORD } }), 'login')).token
  const as = (token) => (method, p, body) => apiCall(method, p, { token, body })
  const plans = async (token = admin) => {
    const all = []
    for (let cursor = null, i = 0; i < 20; i++) {
      const page = await must(200, as(token)('GET', `/member-plans?limit=200${cursor ? `&cursor=${cursor}` : ''}`), 'plans')
      all.push(...page.items)
      if (!(cursor = page.next_cursor)) break
    }
    return all
  }
  const plan = async (id) => must(200, as(admin)('GET', `/member-plans/${id}`), 'plan')
  const pay = async (orderId, amount) => {
    const raw = JSON.stringify({ order_id: orderId, amount, transaction_id: 'e2e-' + crypto.randomUUID() })
    const sig = crypto.createHmac('sha256', SANDBOX).update(raw).digest('hex')
    await must(200, apiCall('POST', '/payments/sandbox/notify', { raw, headers: { 'X-Sandbox-Signature': sig } }), 'sandbox payment')
  }

  // the ladder as it is: the top level for the year plan, the one below it for the month plan
  const ladder = (await must(200, as(admin)('GET', '/member-levels'), 'levels')).levels
  assert.ok(ladder.length >= 2, 'the demo data has a member level ladder')
  const top = ladder[ladder.length - 1]
  const below = ladder[ladder.length - 2]

  // the member who buys, through a member link
  const memberName = '付费会员' + randomHanzi(3)
  const customer = (await must(201, as(admin)('POST', '/customers', { name: memberName }), 'customer')).id
  const token = (await must(201, as(admin)('POST', `/customers/${customer}/member-links`, { ttl_hours: 2 }), 'member link')).token
  const profile = async () => must(200, as(token)('GET', '/member'), 'profile')
  const membershipOrders = async () => (await must(200, as(token)('GET', '/member/orders?limit=200'), 'orders')).items.filter((o) => o.kind === 'membership')

  const yearName = '尊享年卡' + randomHanzi(3)
  const monthName = '体验月卡' + randomHanzi(3)
  let year, month, orderId

  // the console, at a desktop
  const con = await launch(t, { prefix: 'yt-e2e-member-plans-console-' })
  const page = con.page
  const shot = (name, locator) => pageShot(page, name, { locator, settle: 8000 })
  const { number, choose } = consoleHelpers(page)
  const textIs = (sel, value) => page.waitForFunction(([s, v]) => (document.querySelector(s)?.innerText || '').replace(/\s+/g, ' ').trim() === v, [sel, String(value)])
  const toastGone = () => page.waitForFunction(() => !document.querySelector('.el-message'), null, { timeout: 8000 }).catch(() => {})
  const dialog = page.locator('[data-test="plan-dialog"]')

  await t.test('console: 付费会员 in the menu next to 会员, the plans page', async () => {
    await page.goto(BASE + '/#/login')
    await page.locator('[data-test="login-username"]').fill('admin')
    await page.locator('[data-test="login-password"]').fill(PASSWORD)
    await page.locator('[data-test="login-submit"]').click()
    await page.locator('[data-test="current-user"]').waitFor({ state: 'visible' })
    const menu = await page.locator('.el-menu-item[data-test^="menu-"]').evaluateAll((els) => els.map((e) => e.dataset.test))
    const at = menu.indexOf('menu-memberPlans')
    assert.ok(at > 0, 'the menu lists 付费会员')
    assert.equal(menu[at - 1], 'menu-loyalty', 'right after 会员')
    assert.equal((await page.locator('[data-test="menu-memberPlans"]').innerText()).trim(), '付费会员')
    await page.locator('[data-test="menu-memberPlans"]').click()
    await page.waitForURL(/#\/mall\/member-plans$/)
    await page.locator('[data-test="plan-table"]').waitFor()
    assert.equal((await page.locator('.page-title').innerText()).trim(), '付费会员')
  })

  await t.test('console: a plan made through the dialog, the price typed in yuan, fen stored, the level from the ladder', async () => {
    const before = (await plans()).length
    await page.locator('[data-test="plan-create"]').click()
    await dialog.waitFor()
    // nothing typed: the page says what is missing and sends nothing
    await page.locator('[data-test="plan-submit"]').click()
    await dialog.locator('.el-form-item__error', { hasText: '请输入方案名称' }).waitFor()
    await dialog.locator('.el-form-item__error', { hasText: '请选择开通等级' }).waitFor()
    assert.equal((await plans()).length, before, 'nothing made')

    await page.locator('[data-test="plan-name"]').fill(yearName)
    await number('[data-test="plan-price-input"]', '199.9')
    await page.locator('[data-test="plan-days-365"]').click()
    assert.equal(await page.locator('[data-test="plan-days-input"] input').inputValue(), '365')
    await choose('[data-test="plan-level-select"]', `Lv.${top.level} ${top.name}`)
    await page.locator('[data-test="plan-level-hint"]').waitFor()
    const preview = (await page.locator('[data-test="plan-preview"]').innerText()).replace(/\s+/g, ' ')
    assert.match(preview, new RegExp(`¥199\\.90 / 365 天 ${top.name}`))
    assert.match(preview, /约 ¥0\.55\/天/)

    // the server refuses a field (answered here by the test): the message shows on that field, the dialog stays
    await page.route('**/api/v1/member-plans', async (route) => {
      if (route.request().method() !== 'POST') return route.continue()
      await route.fulfill({
        status: 400, contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'https://yutang.dev/problems/invalid-request', title: 'Invalid request', status: 400,
          detail: 'days must be 1 to 3660', errors: [{ field: 'days', message: 'days must be 1 to 3660' }] })
      })
    })
    await page.locator('[data-test="plan-submit"]').click()
    await dialog.locator('.el-form-item__error', { hasText: 'days must be 1 to 3660' }).waitFor()
    assert.ok(await dialog.isVisible(), 'the dialog stays open')
    await page.unroute('**/api/v1/member-plans')
    await shot('member-plans-form.png', dialog)

    await page.locator('[data-test="plan-submit"]').click()
    await page.locator('[data-test="plan-row"]', { hasText: yearName }).waitFor()
    await dialog.waitFor({ state: 'hidden' })
    year = (await plans()).find((p) => p.name === yearName)
    assert.ok(year, 'the API lists the new plan')
    assert.deepEqual([year.price, year.days, year.level, year.level_name, year.status, year.sold], [19990, 365, top.level, top.name, 'on', 0])
    await textIs(`[data-test="plan-price"][data-plan-id="${year.id}"]`, '¥199.90')
    await textIs(`[data-test="plan-days"][data-plan-id="${year.id}"]`, '365 天')
    await textIs(`[data-test="plan-level"][data-plan-id="${year.id}"]`, `Lv.${top.level} ${top.name}`)
    await textIs(`[data-test="plan-sold"][data-plan-id="${year.id}"]`, '0')
    assert.equal(await page.locator(`[data-test="plan-status-switch"][data-plan-id="${year.id}"].is-checked`).count(), 1, 'on sale')

    // a second plan: a month at the level below
    await page.locator('[data-test="plan-create"]').click()
    await dialog.waitFor()
    await page.locator('[data-test="plan-name"]').fill(monthName)
    await number('[data-test="plan-price-input"]', '9.9')
    await page.locator('[data-test="plan-days-30"]').click()
    await choose('[data-test="plan-level-select"]', `Lv.${below.level} ${below.name}`)
    await page.locator('[data-test="plan-submit"]').click()
    await page.locator('[data-test="plan-row"]', { hasText: monthName }).waitFor()
    month = (await plans()).find((p) => p.name === monthName)
    assert.ok(month, 'the API lists the second plan')
    assert.deepEqual([month.price, month.days, month.level, month.level_name, month.status], [990, 30, below.level, below.name, 'on'])
    await textIs(`[data-test="plan-price"][data-plan-id="${month.id}"]`, '¥9.90')
  })

  await t.test('console: a plan edited (price and days), checked through the API', async () => {
    await toastGone()
    await page.locator(`[data-test="plan-edit"][data-plan-id="${year.id}"]`).click()
    await dialog.waitFor()
    assert.equal(await page.locator('[data-test="plan-name"]').inputValue(), yearName)
    assert.equal(await page.locator('[data-test="plan-price-input"] input').inputValue(), '199.90', 'the price shows in yuan')
    assert.equal(await page.locator('[data-test="plan-days-input"] input').inputValue(), '365')
    assert.match(await page.locator('[data-test="plan-level-select"]').innerText(), new RegExp(`Lv\\.${top.level} ${top.name}`))
    await number('[data-test="plan-price-input"]', '168')
    await number('[data-test="plan-days-input"]', 366)
    await page.locator('[data-test="plan-submit"]').click()
    await page.locator('.el-message', { hasText: '方案已保存' }).waitFor()
    await textIs(`[data-test="plan-price"][data-plan-id="${year.id}"]`, '¥168.00')
    await textIs(`[data-test="plan-days"][data-plan-id="${year.id}"]`, '366 天')
    year = await plan(year.id)
    assert.deepEqual([year.name, year.price, year.days, year.level, year.status], [yearName, 16800, 366, top.level, 'on'])
  })

  await t.test('console: a plan taken off sale after a confirmation; members no longer see or buy it', async () => {
    await toastGone()
    await page.locator(`[data-test="plan-status-switch"][data-plan-id="${month.id}"]`).click()
    const box = page.locator('.el-message-box')
    await box.waitFor()
    assert.match(await box.innerText(), new RegExp(monthName))
    await box.locator('.el-button--primary').click()
    await page.locator('.el-message', { hasText: '已停售' }).waitFor()
    assert.equal((await plan(month.id)).status, 'off')
    assert.equal(await page.locator(`[data-test="plan-status-switch"][data-plan-id="${month.id}"].is-checked`).count(), 0)
    assert.equal(await page.locator(`[data-test="plan-status-switch"][data-plan-id="${year.id}"].is-checked`).count(), 1)
    const seen = (await plans(token)).map((p) => p.id)
    assert.ok(seen.includes(year.id) && !seen.includes(month.id), 'members see the plans on sale only')
    assert.equal((await as(token)('POST', `/member-plans/${month.id}/orders`, {})).status, 409)
    // the status filter
    await page.locator('[data-test="plan-status-filter"] .el-radio-button', { hasText: '已停售' }).click()
    await page.locator(`[data-test="plan-row"][data-plan-id="${month.id}"]`).waitFor()
    assert.equal(await page.locator(`[data-test="plan-row"][data-plan-id="${year.id}"]`).count(), 0)
    await page.locator('[data-test="plan-status-filter"] .el-radio-button', { hasText: '全部状态' }).click()
    await page.locator(`[data-test="plan-row"][data-plan-id="${year.id}"]`).waitFor()
    await toastGone()
    await shot('member-plans.png')
  })

  // the member pages, at a phone
  const phone = await launch(t, { phone: true, prefix: 'yt-e2e-member-plans-phone-' })
  const requests = []
  const record = (p) => {
    p.on('request', (req) => requests.push({ url: req.url(), method: req.method(), auth: req.headers().authorization || '' }))
    return p
  }
  const mp = record(phone.page)
  const mshot = (p, name) => pageShot(p, name, { settle: 8000 })
  const text = async (l) => (await l.innerText()).replace(/\s+/g, ' ').trim()
  const ordersPosted = () => requests.filter((r) => r.method === 'POST' && r.url === `${BASE}/api/v1/member-plans/${year.id}/orders`).length

  await t.test('member: 付费会员 from the home grid shows 未开通 and only the plans on sale', async () => {
    assert.equal((await profile()).paid_membership, null)
    await mp.goto(`${BASE}/member.html#/?t=${token}`)
    const entry = mp.locator('[data-test="entry-vip"]')
    await entry.waitFor({ state: 'visible' })
    assert.equal(await text(entry), '付费会员')
    await entry.click()
    await mp.waitForURL(/#\/vip$/)
    const card = mp.locator('[data-test="vip-card"][data-state="none"]')
    await card.waitFor({ state: 'visible' })
    assert.equal(await text(mp.locator('[data-test="vip-status"]')), '未开通')
    assert.equal(await mp.locator('[data-test="vip-until"]').count(), 0)

    const row = mp.locator(`[data-test="vip-plan"][data-plan="${year.id}"]`)
    await row.waitFor({ state: 'visible' })
    assert.equal(await text(row.locator('[data-test="vip-plan-name"]')), yearName)
    assert.equal(await text(row.locator('[data-test="vip-plan-price"]')), '¥168.00')
    assert.equal(await text(row.locator('[data-test="vip-plan-days"]')), '366 天')
    assert.equal(await text(row.locator('[data-test="vip-plan-level"]')), top.name)
    assert.equal(await text(row.locator('[data-test="vip-buy"]')), '开通')
    assert.equal(await mp.locator(`[data-test="vip-plan"][data-plan="${month.id}"]`).count(), 0, 'the plan off sale is not listed')
    const listed = await mp.locator('[data-test="vip-plan"]').evaluateAll((els) => els.map((e) => Number(e.dataset.plan)))
    assert.deepEqual(listed.sort(), (await plans(token)).map((p) => p.id).sort(), 'exactly the plans the server has on sale')
    assert.equal(await mp.locator('[data-test="vip-pending"]').count(), 0)
    await mshot(mp, 'member-vip.png')
  })

  await t.test('member: 开通 makes one pending order and goes to payment; outside WeChat the page says so', async () => {
    const row = mp.locator(`[data-test="vip-plan"][data-plan="${year.id}"]`)
    await row.locator('[data-test="vip-buy"]').click()
    const confirm = mp.locator('.vip-confirm-dialog')
    await confirm.waitFor({ state: 'visible' })
    assert.match(await text(confirm), new RegExp(`「${yearName}」${top.name} 366 天，需支付 ¥168\\.00。`))
    await mshot(mp, 'member-vip-confirm.png')
    await confirm.locator('.van-dialog__confirm').click()
    // this server has no WeChat Pay merchant: the prepay says so, as for any order
    const sheet = mp.locator('[data-test="pay-sheet"]')
    await sheet.locator('[data-test="pay-title"]').waitFor({ state: 'visible' })
    assert.equal(await sheet.getAttribute('data-kind'), 'notSetUp')
    assert.equal(await text(sheet.locator('[data-test="pay-title"]')), '商家暂未开通微信支付')
    const orders = await membershipOrders()
    assert.equal(orders.length, 1, 'one order')
    orderId = orders[0].id
    assert.deepEqual([orders[0].activity_id, orders[0].status, orders[0].total, orders[0].customer_id], [year.id, 'pending', 16800, customer])
    assert.equal(await sheet.getAttribute('data-order'), String(orderId), 'the payment is for that order')
    assert.ok(requests.some((r) => r.method === 'POST' && r.url === `${BASE}/api/v1/member/orders/${orderId}/wechatpay`), 'the prepay was asked for')
    assert.equal(ordersPosted(), 1)
    await sheet.locator('[data-test="pay-ok"]').click()
    await sheet.waitFor({ state: 'hidden' })
    const waiting = mp.locator(`[data-test="vip-pending"][data-order="${orderId}"]`)
    await waiting.waitFor({ state: 'visible' })
    assert.match(await text(waiting), new RegExp(`待支付：${yearName}.*需付款 ¥168\\.00.*剩余\\s*\\d{2}:\\d{2}`))
    await waiting.locator(`[data-test="pay-button"][data-order="${orderId}"]`).waitFor({ state: 'visible' })
    assert.equal((await profile()).paid_membership, null, 'unpaid, nothing is held')
    await mshot(mp, 'member-vip-pending.png')
  })

  await t.test('member: in WeChat, 开通 again pays the order waiting (no second one); once paid the level and 有效期至 show', async () => {
    const wx = record(phone.watch(await phone.context.newPage()))
    await wx.addInitScript(fakeBridge, { late: false })
    const answers = []
    await wx.route('**/api/v1/member/orders/*/wechatpay', async (route) => {
      const id = Number(/orders\/(\d+)\/wechatpay/.exec(route.request().url())[1])
      const body = { order_id: id, out_trade_no: 'yt' + String(id).padStart(10, '0'), total: 16800, pay_params: payParams() }
      answers.push(body)
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) })
    })
    await wx.goto(`${BASE}/member.html#/vip?t=${token}`)
    await wx.locator(`[data-test="vip-pending"][data-order="${orderId}"]`).waitFor({ state: 'visible' })
    await wx.locator(`[data-test="vip-plan"][data-plan="${year.id}"] [data-test="vip-buy"]`).click()
    await wx.locator('.vip-confirm-dialog .van-dialog__confirm').click()
    const calls = await until('the pay sheet opened', () => wx.evaluate(() => (window.__wxCalls.length ? window.__wxCalls : null)))
    assert.equal(answers.length, 1)
    assert.equal(answers[0].order_id, orderId, 'the order already waiting is paid')
    assert.equal(ordersPosted(), 1, 'no second order')
    assert.equal(calls[0].name, 'getBrandWCPayRequest')
    assert.deepEqual(calls[0].params, answers[0].pay_params, 'exactly the parameters the server gave')

    await wx.evaluate(() => window.__wxAnswer('get_brand_wcpay_request:ok'))
    const sheet = wx.locator(`[data-test="pay-sheet"][data-order="${orderId}"]`)
    await sheet.locator('[data-test="pay-title"]', { hasText: '支付处理中' }).waitFor({ state: 'visible' })
    await sleep(1000)
    assert.equal((await profile()).paid_membership, null, 'the page records nothing itself')
    const paidAt = Date.now()
    await pay(orderId, 16800)
    await sheet.locator('[data-test="pay-paid"]', { hasText: '已支付 ¥168.00' }).waitFor({ state: 'visible' })
    const held = (await profile()).paid_membership
    assert.deepEqual([held.level, held.level_name], [top.level, top.name])
    assert.ok(Math.abs(Date.parse(held.until) - (paidAt + 366 * DAY)) < 120_000, `held for the plan's 366 days: ${held.until}`)
    await sheet.locator('[data-test="pay-done"]').click()
    await sheet.waitFor({ state: 'hidden' })

    await wx.locator('[data-test="vip-card"][data-state="active"]').waitFor({ state: 'visible' })
    assert.equal(await text(wx.locator('[data-test="vip-status"]')), top.name)
    assert.equal(await text(wx.locator('[data-test="vip-until"]')), `有效期至 ${brandDate(held.until)}`)
    assert.equal(await wx.locator('[data-test="vip-pending"]').count(), 0, 'nothing waits for payment')
    assert.equal(await text(wx.locator(`[data-test="vip-plan"][data-plan="${year.id}"] [data-test="vip-buy"]`)), '续费')
    const order = await must(200, as(admin)('GET', `/mall-orders/${orderId}`), 'order')
    assert.deepEqual([order.kind, order.status, order.payment.provider], ['membership', 'completed', 'sandbox'])
    assert.equal((await plan(year.id)).sold, 1)
    assert.equal((await membershipOrders()).length, 1)
    await mshot(wx, 'member-vip-paid.png')

    // the home page shows it, and 我的订单 names the order's kind
    await wx.goto(`${BASE}/member.html#/`)
    await wx.locator('[data-test="member-paid"]').waitFor({ state: 'visible' })
    assert.equal(await text(wx.locator('[data-test="member-paid"]')), `${top.name} · 付费会员`)
    await wx.goto(`${BASE}/member.html#/orders`)
    const orderRow = wx.locator(`[data-test="order-row"][data-order="${orderId}"]`)
    await orderRow.waitFor({ state: 'visible' })
    assert.equal(await text(orderRow.locator('[data-test="order-product"] .van-tag')), '付费会员', 'the kind in words')
    await wx.close()
  })

  await t.test('member pages call only this server, with the member token, and raise no errors', async () => {
    const external = requests.filter((r) => /^https?:/.test(r.url) && !r.url.startsWith(BASE + '/'))
    assert.deepEqual(external, [])
    const calls = requests.filter((r) => r.url.startsWith(BASE + '/api/'))
    assert.ok(calls.length > 5)
    assert.ok(calls.every((r) => r.auth === `Bearer ${token}`), 'every API call carries the member token')
    assert.deepEqual(phone.pageErrors, [], 'no uncaught errors in the member pages')
  })

  await t.test("console: the customer's page lists the paid periods, one ended by a refund; the order is 付费会员", async () => {
    // a second period bought and refunded: it ends, and the first one holds on
    const again = await must(201, as(token)('POST', `/member-plans/${year.id}/orders`, {}), 'second order')
    await pay(again.order_id, again.total)
    await must(201, as(admin)('POST', `/mall-orders/${again.order_id}/refunds`, { reason: '会员退卡' }), 'refund')
    const periods = (await must(200, as(admin)('GET', `/customers/${customer}/memberships`), 'periods')).items
    assert.equal(periods.length, 2)
    const [refunded, first] = periods
    assert.deepEqual([refunded.order_id, first.order_id], [again.order_id, orderId])
    assert.ok(refunded.ended_at && !first.ended_at)
    const held = (await profile()).paid_membership
    assert.equal(held.until, first.ends_at, 'held until the first period ends')

    await page.goto(BASE + `/#/customers/${customer}`)
    const panel = page.locator('[data-test="loyalty-panel"]')
    await panel.waitFor()
    const tag = panel.locator('[data-test="paid-membership"]')
    await tag.waitFor({ state: 'visible' })
    assert.equal(await text(tag), `付费会员：Lv.${top.level} ${top.name}，有效期至 ${brandDate(first.ends_at)}`)
    await panel.locator('[data-test="memberships-tab-label"]').click()
    const rows = panel.locator('[data-test="memberships"] .el-table__body tr')
    await page.waitForFunction(() => document.querySelectorAll('[data-test="loyalty-panel"] [data-test="memberships"] .el-table__body tr').length === 2)
    const cells = async (i) => (await rows.nth(i).locator('td').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim())
    const fmt = (iso) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso)).replace(',', '')
    assert.deepEqual(await cells(0), [yearName, `Lv.${top.level} ${top.name}`, fmt(refunded.starts_at), fmt(refunded.ends_at), '已退款提前结束', `#${again.order_id}`])
    assert.deepEqual(await cells(1), [yearName, `Lv.${top.level} ${top.name}`, fmt(first.starts_at), fmt(first.ends_at), '生效中', `#${orderId}`])
    assert.equal(await panel.locator(`[data-test="membership-state"][data-period-id="${refunded.id}"]`).getAttribute('data-state'), 'refunded')
    await panel.scrollIntoViewIfNeeded()
    await shot('member-plans-customer.png', panel)

    // the order's kind, on its page and in the list
    await rows.nth(1).locator('a', { hasText: `#${orderId}` }).click()
    await page.waitForURL(new RegExp(`#/mall/orders/${orderId}$`))
    await textIs('[data-test="order-detail-kind"]', '付费会员')
    const toPlan = page.locator('[data-test="order-member-plan"]')
    assert.equal(await text(toPlan), `付费会员方案 #${year.id}`)
    assert.equal(await page.locator('[data-test="order-after-sale-open"]').count(), 0, 'a membership offers no after-sales ticket')
    await page.goto(BASE + `/#/mall/orders?customer_id=${customer}`)
    const listed = page.locator(`[data-test="order-table"] .el-table__body tr`, { has: page.locator(`[data-test="order-row"][data-order-id="${orderId}"]`) })
    await listed.waitFor()
    assert.equal(await text(listed.locator('[data-test="order-kind"]')), '付费会员')
    await page.goto(BASE + `/#/mall/orders/${orderId}`)
    await page.locator('[data-test="order-member-plan"]').click()
    await page.waitForURL(new RegExp(`#/mall/member-plans\\?plan=${year.id}$`))
    await page.locator(`[data-test="plan-table"] tr.focused [data-test="plan-row"][data-plan-id="${year.id}"]`).waitFor()
    await textIs(`[data-test="plan-sold"][data-plan-id="${year.id}"]`, '2')
    assert.deepEqual(con.pageErrors, [], 'no uncaught errors in the console')
  })
})
