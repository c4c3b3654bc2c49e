// Browser test of the member H5 pages at a phone's viewport: a member opens their link, checks in (and makes up
// yesterday at its cost), sees the points, opens a product and its flash sale (countdown, live stock), buys,
// meets sold-out and limit-reached in Chinese, finds the order in 我的订单; a tampered link shows the
// expired-link page and no API call succeeds; a staff token in a link is never kept nor sent.
// Needs a running server: YT_BASE_URL (default http://127.0.0.1:18080), YT_ADMIN_PASSWORD; screenshots go to
// YT_SCREENSHOT_DIR (default tests/out). Uses the system Chromium (/usr/bin/chromium or YT_CHROMIUM).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { BASE, PASSWORD, SHOTS, randomHanzi, iso, apiCall, must, launch, shot } from '../lib/e2e.mjs'

/** The brand's calendar day (Asia/Shanghai) n days from today, as YYYY-MM-DD. */
const brandDay = (n = 0) => new Date(Date.now() + 8 * 3600000 + n * 86400000).toISOString().slice(0, 10)

test('member pages: link, check-in, points, product, flash sale, orders; a tampered link is refused', { timeout: 240_000 }, async (t) => {
  assert.ok(PASSWORD, 'YT_ADMIN_PASSWORD must be set to the admin password of the server under test')
  fs.mkdirSync(SHOTS, { recursive: true })

  // Arrange through the API: a customer with 100 points, a product with three flash sales (two running, one to
  // come), three other buyers, and the member's link.
  const admin = (await must(200, apiCall('POST', '/auth/login', { body: { username: 'admin', password: PASSWORD } }), 'login')).token
  const as = (token) => (method, p, body) => apiCall(method, p, { token, body })
  const rules = await must(200, as(admin)('GET', '/loyalty/settings'), 'loyalty settings')
  const name = '会员' + randomHanzi(4)
  const id = (await must(201, as(admin)('POST', '/customers', { name }), 'customer')).id
  await must(201, as(admin)('POST', `/customers/${id}/points`, { delta: 100, reason: 'adjust', note: '新会员礼' }), 'points')
  const product = await must(201, as(admin)('POST', '/products', {
    name: '山茶花润养面霜' + randomHanzi(2), description: '温和保湿，敏感肌可用。', category: '护肤',
    skus: [{ name: '50ml', specs: { 规格: '50ml' }, price: 25900, stock: 200 }, { name: '100ml', specs: { 规格: '100ml' }, price: 39900, stock: 6 }]
  }), 'product')
  const sku = product.skus[0].id
  const sale = (extra) => must(201, as(admin)('POST', '/flash-sales', {
    sku_id: sku, price: 5900, starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000), ...extra
  }), 'flash sale')
  const saleA = await sale({ name: '会员日秒杀' + randomHanzi(2), stock: 5, per_customer_limit: 2 })
  const saleB = await sale({ name: '限购一件' + randomHanzi(2), stock: 10, per_customer_limit: 1, price: 6900 })
  const saleC = await sale({ name: '晚场秒杀' + randomHanzi(2), stock: 10, per_customer_limit: 1,
    starts_at: iso(Date.now() + 2 * 3600000), ends_at: iso(Date.now() + 4 * 3600000) })
  const link = async (cid) => (await must(201, as(admin)('POST', `/customers/${cid}/member-links`, { ttl_hours: 2 }), 'link')).token
  const token = await link(id)
  const others = []
  for (let i = 0; i < 3; i++) others.push(await link((await must(201, as(admin)('POST', '/customers', { name: '路人' + randomHanzi(3) }), 'other')).id))
  const order = (tok, sid, quantity) => as(tok)('POST', `/flash-sales/${sid}/orders`, { quantity })

  const { context, page, pageErrors } = await launch(t, { phone: true, prefix: 'yt-e2e-member-' })
  const requests = [] // every request the page makes: where, and with which bearer
  page.on('request', (req) => requests.push({ url: req.url(), auth: req.headers().authorization || '' }))
  const toast = (text) => page.locator('.van-toast', { hasText: text })
  const balance = page.locator('[data-test="checkin-balance"]')
  let expected = 100

  await t.test('the link opens the member home; the token leaves the address bar for this tab\'s storage', async () => {
    await page.goto(`${BASE}/member.html#/?t=${token}`)
    await page.locator('[data-test="member-name"]', { hasText: name }).waitFor({ state: 'visible' })
    assert.ok(!page.url().includes(token) && !page.url().includes('t='), `the address keeps no token: ${page.url()}`)
    assert.equal(await page.evaluate(() => sessionStorage.getItem('yt.member.token')), token)
    assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing in localStorage')
    await page.locator('[data-test="member-points"]', { hasText: '100' }).waitFor({ state: 'visible' })
    assert.match(await page.locator('[data-test="member-level"]').innerText(), /Lv\.\d+ 会员/)
    assert.match(await page.title(), /首页 · 会员中心/)
    await page.locator('[data-test="home-checkin"]').waitFor({ state: 'visible' })
    await shot(page, 'member-home.png')
  })

  await t.test('check in today: the calendar marks today and the points rise', async () => {
    await page.locator('[data-test="tab-checkin"]').click()
    await page.waitForURL(/#\/checkin$/)
    const today = page.locator(`[data-test="checkin-day"][data-day="${brandDay(0)}"]`)
    await today.waitFor({ state: 'visible' })
    assert.equal(await today.getAttribute('data-state'), 'today')
    await balance.filter({ hasText: String(expected) }).waitFor({ state: 'visible' })
    await page.locator('[data-test="checkin-today"]').click()
    expected += rules.checkin_points
    await toast(`签到成功 +${rules.checkin_points} 积分`).waitFor({ state: 'visible' })
    await page.locator(`[data-test="checkin-day"][data-day="${brandDay(0)}"][data-state="checked"]`).waitFor({ state: 'visible' })
    await balance.filter({ hasText: String(expected) }).waitFor({ state: 'visible' })
    assert.match(await page.locator('[data-test="checkin-streak"]').innerText(), /已连续签到\s*1\s*天/)
    assert.ok(await page.locator('[data-test="checkin-today"]').isDisabled(), 'one check-in a day')
    assert.match(await page.locator('[data-test="checkin-today"]').innerText(), /今日已签到/)
    await shot(page, 'member-checkin.png')
    await toast('签到成功').waitFor({ state: 'hidden' })
  })

  await t.test('make up yesterday: the cost is shown and confirmed, the streak grows', async (st) => {
    if (rules.checkin_makeup_days < 1) return st.skip('this brand allows no make-ups')
    const yesterday = brandDay(-1)
    if (yesterday.slice(0, 7) !== brandDay(0).slice(0, 7)) {
      await page.locator('[data-test="month-prev"]').click()
      await page.locator('[data-test="checkin-month"]', { hasText: `${Number(yesterday.slice(5, 7))}月` }).waitFor({ state: 'visible' })
    }
    const cell = page.locator(`[data-test="checkin-day"][data-day="${yesterday}"]`)
    await cell.waitFor({ state: 'visible' })
    assert.equal(await cell.getAttribute('data-state'), 'missed')
    await cell.click()
    const dialog = page.locator('.van-dialog', { hasText: '补签确认' })
    await dialog.waitFor({ state: 'visible' })
    assert.match(await dialog.innerText(), new RegExp(`需消耗 ${rules.checkin_makeup_cost} 积分`))
    await shot(page, 'member-checkin-makeup.png')
    await dialog.locator('.van-dialog__confirm').click()
    expected += rules.checkin_points - rules.checkin_makeup_cost
    await toast('补签成功').waitFor({ state: 'visible' })
    await page.locator(`[data-test="checkin-day"][data-day="${yesterday}"][data-state="makeup"]`).waitFor({ state: 'visible' })
    await balance.filter({ hasText: String(expected) }).waitFor({ state: 'visible' })
    assert.match(await page.locator('[data-test="checkin-streak"]').innerText(), /已连续签到\s*2\s*天/)
    await toast('补签成功').waitFor({ state: 'hidden' })
  })

  await t.test('积分: the balance, the expiring lot and the ledger', async () => {
    await page.locator('[data-test="tab-points"]').click()
    await page.waitForURL(/#\/points$/)
    await page.locator('[data-test="points-balance"]', { hasText: String(expected) }).waitFor({ state: 'visible' })
    await page.locator('[data-test="ledger-row"]').nth(1).waitFor({ state: 'visible' })
    const reasons = await page.locator('[data-test="ledger-row"]').evaluateAll((rows) => rows.map((r) => r.dataset.reason))
    const want = rules.checkin_makeup_days >= 1 ? ['checkin', 'makeup', 'checkin', 'adjust'] : ['checkin', 'adjust']
    assert.deepEqual(reasons, want)
    assert.match(await page.locator('[data-test="ledger-row"]').first().innerText(), /每日签到/)
    assert.match(await page.locator('[data-test="points-expiring"]').innerText(), /积分将于 \d{4}-\d{2}-\d{2} 过期/)
    await shot(page, 'member-points.png')
  })

  await t.test('商品页: the product, its SKUs and its flash sales', async () => {
    await page.goto(`${BASE}/member.html#/product/${product.id}`)
    await page.locator('[data-test="product-name"]', { hasText: product.name }).waitFor({ state: 'visible' })
    assert.equal(await page.locator('[data-test="product-sku"]').count(), 2)
    assert.match(await page.locator('[data-test="product-price"]').innerText(), /259\.00/)
    assert.equal(await page.locator('[data-test="product-flash"]').count(), 3)
    await shot(page, 'member-product.png')
    await page.locator('[data-test="product-sku"]', { hasText: '100ml' }).click()
    assert.match(await page.locator('[data-test="product-sku-state"]').innerText(), /规格：100ml · 仅剩少量/)
    assert.match(await page.locator('[data-test="product-price"]').innerText(), /399\.00/)
    await page.locator(`[data-test="product-flash"][data-flash="${saleA.id}"]`).click()
    await page.waitForURL(new RegExp(`#/flash/${saleA.id}$`))
  })

  const stockLeft = (n) => page.locator(`[data-test="flash-stock-left"][data-left="${n}"]`).waitFor({ state: 'visible' })
  const mine = (n) => page.locator(`[data-test="flash-mine"][data-mine="${n}"]`).waitFor({ state: 'visible' })
  const buyButton = page.locator('[data-test="flash-buy"]')

  await t.test('秒杀页: a live countdown and live stock', async () => {
    await page.locator('[data-test="flash-name"]', { hasText: saleA.name }).waitFor({ state: 'visible' })
    const countdown = page.locator('[data-test="flash-countdown"]')
    assert.equal(await countdown.getAttribute('data-phase'), 'running')
    const first = await countdown.innerText()
    assert.match(first, /距结束\s*\d{2}\s*:\s*\d{2}\s*:\s*\d{2}/)
    await page.waitForFunction((before) => document.querySelector('[data-test="flash-countdown"]').innerText !== before, first, { timeout: 5000 })
    assert.match(await page.locator('[data-test="flash-price"]').innerText(), /59\.00/)
    assert.match(await page.locator('[data-test="flash-original"]').innerText(), /259\.00/)
    await stockLeft(5)
    assert.match(await page.locator('[data-test="flash-mine"]').innerText(), /每人限购 2 件，您已抢 0 件/)
    // someone else buys: the page follows without a reload
    await must(201, order(others[0], saleA.id, 1), 'another buyer')
    await stockLeft(4)
    assert.equal(await buyButton.getAttribute('data-state'), 'buy')
    await shot(page, 'member-flash.png')
  })

  await t.test('立即抢购: the order is made with the member\'s token', async () => {
    await buyButton.click()
    await toast('抢购成功').waitFor({ state: 'visible' })
    await page.locator('[data-test="flash-ordered"]').waitFor({ state: 'visible' })
    await stockLeft(3)
    await mine(1)
    await shot(page, 'member-flash-ordered.png')
    await toast('抢购成功').waitFor({ state: 'hidden' })
  })

  // Holds the page's reads of flash sales (its polls), so it still shows what it saw while others buy.
  async function holdPolls(fn) {
    const held = []
    const pattern = '**/api/v1/member/flash-sales/**'
    await page.route(pattern, (route) => { held.push(route) })
    try {
      await fn()
    } finally {
      await page.unroute(pattern)
      for (const r of held) await r.continue().catch(() => {})
    }
  }

  await t.test('sold out while the page still showed stock: 409 in Chinese', async () => {
    await holdPolls(async () => {
      await must(201, order(others[1], saleA.id, 2), 'another buyer')
      await must(201, order(others[2], saleA.id, 1), 'another buyer')
      assert.equal(await buyButton.getAttribute('data-state'), 'buy', 'the page has not seen it yet')
      await buyButton.click()
      await toast('手慢了，商品已被抢光').waitFor({ state: 'visible' })
      await shot(page, 'member-flash-soldout.png')
    })
    await stockLeft(0)
    await page.locator('[data-test="flash-buy"][data-state="soldOut"]', { hasText: '已抢光' }).waitFor({ state: 'visible' })
    await mine(1)
  })

  await t.test('over the per-customer limit: 409 in Chinese', async () => {
    await page.goto(`${BASE}/member.html#/flash/${saleB.id}`)
    await page.locator('[data-test="flash-name"]', { hasText: saleB.name }).waitFor({ state: 'visible' })
    await stockLeft(10)
    assert.equal(await page.locator('[data-test="flash-ordered"]').count(), 0, 'another sale\'s order is not shown here')
    await holdPolls(async () => {
      await must(201, order(token, saleB.id, 1), 'the member buys in another tab')
      await buyButton.click()
      await toast('已达到每人限购数量').waitFor({ state: 'visible' })
      await shot(page, 'member-flash-limit.png')
    })
    await mine(1)
    await page.locator('[data-test="flash-buy"][data-state="limit"]').waitFor({ state: 'visible' })
  })

  await t.test('a sale still to come counts down to its start and cannot be bought yet', async () => {
    await page.goto(`${BASE}/member.html#/flash/${saleC.id}`)
    await page.locator('[data-test="flash-name"]', { hasText: saleC.name }).waitFor({ state: 'visible' })
    const countdown = page.locator('[data-test="flash-countdown"][data-phase="upcoming"]')
    await countdown.waitFor({ state: 'visible' })
    assert.match(await countdown.innerText(), /距开始\s*0?1\s*:\s*\d{2}\s*:\s*\d{2}/)
    assert.ok(await buyButton.isDisabled())
    assert.match(await buyButton.innerText(), /即将开抢/)
    await shot(page, 'member-flash-upcoming.png')
  })

  await t.test('我的订单: the member\'s two orders, nobody else\'s', async () => {
    await page.goto(`${BASE}/member.html#/orders`)
    const rows = page.locator('[data-test="order-row"]')
    await rows.nth(1).waitFor({ state: 'visible' })
    await page.locator('.van-list__finished-text').waitFor({ state: 'attached' })
    assert.equal(await rows.count(), 2)
    const stored = await must(200, as(token)('GET', '/member/orders'), 'orders')
    assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => Number(r.dataset.order))), stored.items.map((o) => o.id))
    assert.ok(stored.items.every((o) => o.customer_id === id))
    for (let i = 0; i < 2; i++) {
      assert.match(await rows.nth(i).innerText(), new RegExp(product.name))
      assert.match(await rows.nth(i).locator('[data-test="order-status"]').innerText(), /待支付/)
    }
    assert.match(await rows.nth(0).locator('[data-test="order-total"]').innerText(), /69\.00/)
    assert.match(await rows.nth(1).locator('[data-test="order-total"]').innerText(), /59\.00/)
    await shot(page, 'member-orders.png')
  })

  await t.test('the member\'s pages call only this server, always with the member\'s own token, never in an address', async () => {
    const external = requests.filter((r) => /^https?:/.test(r.url) && !r.url.startsWith(BASE + '/'))
    assert.deepEqual(external, [])
    const apiCalls = requests.filter((r) => r.url.startsWith(BASE + '/api/'))
    assert.ok(apiCalls.length > 10)
    assert.ok(apiCalls.every((r) => r.auth === `Bearer ${token}`), 'every API call carries the member token')
    assert.ok(requests.every((r) => !r.url.includes(token)), 'no address carries the token')
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
  })

  await t.test('a tampered link shows the expired-link page and no API call succeeds', async () => {
    const mac = token.split('_')[3]
    const bad = token.slice(0, -1) + (mac.endsWith('A') ? 'B' : 'A')
    const tab = await context.newPage()
    const answers = []
    tab.on('response', (res) => { if (res.url().includes('/api/')) answers.push(res.status()) })
    tab.on('pageerror', (err) => pageErrors.push(String(err)))
    await tab.goto(`${BASE}/member.html#/?t=${bad}`)
    const title = tab.locator('[data-test="expired-title"]')
    await title.waitFor({ state: 'visible' })
    assert.equal((await title.innerText()).trim(), '链接已失效，请联系导购重新获取')
    assert.ok(answers.length >= 1, 'the server was asked')
    assert.ok(answers.every((s) => s === 401), `every API answer was a 401: ${answers}`)
    assert.equal(await tab.evaluate(() => sessionStorage.getItem('yt.member.token')), null, 'the refused token is not kept')
    assert.ok(!tab.url().includes('t='))
    await shot(tab, 'member-expired.png')
    // the same tab, on to a page: still nothing
    await tab.goto(`${BASE}/member.html#/points`)
    await title.waitFor({ state: 'visible' })
    assert.ok(answers.every((s) => s === 401))
    await tab.close()
  })

  await t.test('a staff token in a link is neither kept nor sent anywhere', async () => {
    const tab = await context.newPage()
    const sent = []
    tab.on('request', (req) => sent.push({ url: req.url(), auth: req.headers().authorization || '' }))
    await tab.goto(`${BASE}/member.html#/?t=${admin}`)
    await tab.locator('[data-test="expired-title"]').waitFor({ state: 'visible' })
    assert.equal(await tab.evaluate(() => sessionStorage.getItem('yt.member.token')), null)
    assert.deepEqual(sent.filter((r) => r.url.includes('/api/')), [], 'no API call at all')
    assert.ok(sent.every((r) => !r.auth.includes(admin) && !r.url.includes(admin)))
    await tab.close()
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the pages')
  })
})
