// Browser test of the rest of the member H5 pages at a phone's viewport: a member claims a shared coupon and finds
// it under 可用 (and meets 已领完 on one that ran out), spins a lottery wheel that stops on the prize the server drew,
// opens red packets once (the same share on a second visit, 手气最佳 and 已抢完 once all are claimed), redeems in
// the points mall and sees the points drop and the order, cancels an unpaid order, confirms receipt of a shipped
// one and opens an after-sales ticket that is then listed.
// Needs a running server with the sandbox payment provider on: YT_BASE_URL, YT_ADMIN_PASSWORD,
// YT_PAY_SANDBOX_SECRET (scripts/browser-test.sh sets them); screenshots go to YT_SCREENSHOT_DIR (default
// tests/out). Uses the system Chromium (/usr/bin/chromium or YT_CHROMIUM).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import { BASE, PASSWORD, SANDBOX, SHOTS, randomHanzi, iso, yuan, apiCall, must, launch, shot as pageShot } from '../lib/e2e.mjs'

test('member pages: coupons, lottery, red packets, points mall, order detail and after-sales', { timeout: 300_000 }, async (t) => {
  assert.ok(PASSWORD, 'YT_ADMIN_PASSWORD must be set to the admin password of the server under test')
  assert.ok(SANDBOX, 'YT_PAY_SANDBOX_SECRET must be the sandbox payment secret of the server under test')
  fs.mkdirSync(SHOTS, { recursive: true })
  const shot = (page, name) => pageShot(page, name, { settle: 8000 })

  // Arrange through the API, as staff: the member (1,000 points) and a few others, two coupons, a lottery with a
  // prize of stock 1 and a 'none' prize, red packets, points-mall items, and the member's paid-and-shipped order
  // and unpaid one.
  const admin = (await must(200, apiCall('POST', '/auth/login', { body: { username: 'admin', password: PASSWORD } }), 'login')).token
  const as = (token) => (method, p, body) => apiCall(method, p, { token, body })
  const customer = async (name) => (await must(201, as(admin)('POST', '/customers', { name }), 'customer')).id
  const link = async (cid) => (await must(201, as(admin)('POST', `/customers/${cid}/member-links`, { ttl_hours: 2 }), 'link')).token
  const name = '会员' + randomHanzi(4)
  const id = await customer(name)
  await must(201, as(admin)('POST', `/customers/${id}/points`, { delta: 1000, reason: 'adjust', note: '新会员礼' }), 'points')
  const token = await link(id)
  const others = []
  for (let i = 0; i < 4; i++) {
    const cid = await customer('路人' + randomHanzi(3))
    await must(201, as(admin)('POST', `/customers/${cid}/points`, { delta: 1000, reason: 'adjust' }), 'points')
    others.push({ id: cid, token: await link(cid) })
  }

  const coupon = (body) => must(201, as(admin)('POST', '/coupons', {
    kind: 'amount', threshold: 10000, amount_off: 1000, total: 50, per_customer: 1, claim_ends: iso(Date.now() + 3600000), valid_days: 7, ...body
  }), 'coupon')
  const shared = await coupon({ name: '满100减10' + randomHanzi(2) })
  const scarce = await coupon({ name: '限量券' + randomHanzi(2), total: 1 })
  const percent = await coupon({ name: '85折券' + randomHanzi(2), kind: 'percent', threshold: 0, amount_off: 0, percent_off: 15, max_off: 2000 })
  await must(201, as(admin)('POST', `/coupons/${percent.id}/grants`, { customer_id: id }), 'grant')
  await must(201, as(others[0].token)('POST', '/member/coupons', { coupon_id: scarce.id }), 'another claims the last one')

  const lottery = await must(201, as(admin)('POST', '/lotteries', {
    name: '幸运转盘' + randomHanzi(2), starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000), cost_points: 10, free_per_day: 1,
    prizes: [{ name: '保温杯', kind: 'goods', stock: 1, weight: 1 }, { name: '谢谢参与', kind: 'none', weight: 1 }]
  }), 'lottery')

  const packet = await must(201, as(admin)('POST', '/red-packets', {
    name: '新春红包' + randomHanzi(2), total: 888, count: 2, mode: 'lucky', starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000)
  }), 'red packets')

  const product = await must(201, as(admin)('POST', '/products', {
    name: '山茶花护手霜' + randomHanzi(2), category: '护肤', skus: [{ name: '30ml', price: 12900, stock: 50 }]
  }), 'product')
  const sku = product.skus[0].id
  const item = await must(201, as(admin)('POST', '/points-mall/items', {
    name: '护手霜兑换' + randomHanzi(2), kind: 'goods', sku_id: sku, points: 300, stock: 5, per_customer: 2
  }), 'mall item')
  const lastOne = await must(201, as(admin)('POST', '/points-mall/items', {
    name: '限量一件' + randomHanzi(2), kind: 'goods', sku_id: sku, points: 100, cash: 1990, stock: 1, per_customer: 1
  }), 'mall item')

  const pay = async (o) => {
    const raw = JSON.stringify({ order_id: o.id, amount: o.total, transaction_id: 'e2e-' + crypto.randomUUID() })
    const sig = crypto.createHmac('sha256', SANDBOX).update(raw).digest('hex')
    await must(200, apiCall('POST', '/payments/sandbox/notify', { raw, headers: { 'X-Sandbox-Signature': sig } }), 'sandbox payment')
  }
  const shipped = await must(201, as(token)('POST', '/mall-orders', { lines: [{ sku_id: sku, quantity: 2 }] }), 'order')
  await pay(shipped)
  await must(200, as(admin)('POST', `/mall-orders/${shipped.id}/ship`, { carrier: '顺丰速运', tracking_no: 'SF' + Date.now() }), 'ship')
  const unpaid = await must(201, as(token)('POST', '/mall-orders', { lines: [{ sku_id: sku, quantity: 1 }] }), 'order')

  const { context, page, pageErrors } = await launch(t, { phone: true, prefix: 'yt-e2e-member-more-' })
  const requests = []
  page.on('request', (req) => requests.push({ url: req.url(), auth: req.headers().authorization || '' }))
  const toast = (text) => page.locator('.van-toast', { hasText: text })
  const open = (hash) => page.goto(`${BASE}/member.html#${hash}`)

  await t.test('a shared coupon link claims the coupon; it is listed under 可用 with its face and dates', async () => {
    await open(`/coupon/${shared.id}?t=${token}`)
    assert.ok(!page.url().includes('t='), 'the token leaves the address')
    await page.locator('[data-test="coupon-claim"]').click()
    await page.locator('[data-test="coupon-claim-result"][data-state="claimed"]').waitFor({ state: 'visible' })
    const card = page.locator(`[data-test="coupon-row"][data-coupon="${shared.id}"]`)
    await card.waitFor({ state: 'visible' })
    assert.match(await card.locator('[data-test="coupon-rule"]').innerText(), /满100减10/)
    await shot(page, 'member-coupon-claim.png')
    await toast('领取成功').waitFor({ state: 'hidden' })

    await page.locator('[data-test="coupon-to-list"]').click()
    await page.waitForURL(/#\/coupons$/)
    const usable = page.locator('[data-test="coupon-list-usable"]')
    const row = usable.locator(`[data-test="coupon-row"][data-coupon="${shared.id}"]`)
    await row.waitFor({ state: 'visible' })
    assert.equal(await row.getAttribute('data-status'), 'usable')
    assert.match(await row.locator('[data-test="coupon-face"]').innerText(), /¥\s*10/)
    const held = (await must(200, as(token)('GET', '/member/coupons?status=usable'), 'held')).items.find((c) => c.coupon_id === shared.id)
    const day = (s) => new Date(Date.parse(s) + 8 * 3600000).toISOString().slice(0, 10)
    assert.match(await row.locator('[data-test="coupon-valid"]').innerText(), new RegExp(`${day(held.valid_from)} 至 ${day(held.valid_until)}`))
    const pct = usable.locator(`[data-test="coupon-row"][data-coupon="${percent.id}"]`)
    assert.match(await pct.locator('[data-test="coupon-face"]').innerText(), /8\.5\s*折/)
    assert.match(await pct.locator('[data-test="coupon-rule"]').innerText(), /最多减20元/)
    await page.locator('.van-tab', { hasText: '已使用' }).click()
    await page.locator('[data-test="coupon-list-used"] .van-empty').waitFor({ state: 'visible' })
    await page.locator('.van-tab', { hasText: '可用' }).click()
    await row.waitFor({ state: 'visible' })
    await shot(page, 'member-coupons.png')
  })

  await t.test('a coupon that ran out says 已领完', async () => {
    await open(`/coupon/${scarce.id}`)
    await page.locator('[data-test="coupon-claim"]').click()
    const result = page.locator('[data-test="coupon-claim-result"][data-state="refused"]')
    await result.waitFor({ state: 'visible' })
    assert.equal(await result.getAttribute('data-kind'), 'exhausted')
    assert.match(await result.innerText(), /已领完/)
    const again = page.locator('[data-test="coupon-claim"]')
    assert.equal(await again.count(), 0, 'no second try on a refused claim')
  })

  await t.test('抽奖: the wheel turns to the prize the server drew, and the result is shown', async () => {
    await open(`/lottery/${lottery.id}`)
    const spin = page.locator('[data-test="lottery-spin"]')
    await spin.waitFor({ state: 'visible' })
    assert.equal(await spin.getAttribute('data-state'), 'free')
    assert.equal(await page.locator('[data-test="lottery-slice"]').count(), 2)
    assert.match(await page.locator('[data-test="lottery-chances"]').innerText(), /今日还有 1 次免费机会/)
    const before = Number(await page.locator('[data-test="lottery-balance"]').innerText())
    await spin.click()
    await page.locator('[data-test="lottery-wheel"][data-spinning="true"]').waitFor({ state: 'attached' })
    const result = page.locator('[data-test="lottery-result"]')
    await result.waitFor({ state: 'visible', timeout: 15_000 })
    // the page shows what the server recorded
    const draws = await must(200, as(admin)('GET', `/lotteries/${lottery.id}/draws`), 'draws')
    assert.equal(draws.items.length, 1)
    const drawn = draws.items[0]
    const won = drawn.prize && drawn.prize.kind !== 'none' ? drawn.prize.id : 0
    assert.equal(Number(await result.getAttribute('data-prize')), won)
    assert.match(await page.locator('.lottery-result-dialog').innerText(), won ? /恭喜中奖[\s\S]*保温杯/ : /谢谢参与/)
    // and the wheel stopped with that slice under the pointer (at the top)
    const landed = await page.evaluate(() => {
      const wheel = document.querySelector('[data-test="lottery-wheel"]')
      const angle = Number(/rotate\(([-\d.e]+)deg\)/.exec(wheel.style.transform)[1])
      const slices = [...wheel.querySelectorAll('[data-test="lottery-slice"]')]
      const at = (((-angle % 360) + 360) % 360) / (360 / slices.length)
      const s = slices[Math.floor(at)]
      return { prize: Number(s.dataset.prize), kind: s.dataset.kind }
    })
    assert.equal(landed.prize, drawn.prize.id, 'the slice drawn, the \'none\' one too')
    assert.equal(landed.kind, drawn.prize.kind)
    assert.equal(Number(await page.locator('[data-test="lottery-balance"]').innerText()), before, 'a free draw costs nothing')
    assert.equal(await page.locator('[data-test="lottery-free-left"]').innerText(), '0')
    await shot(page, 'member-lottery.png')
    await page.locator('.lottery-result-dialog .van-dialog__confirm').click()
    await result.waitFor({ state: 'hidden' })
    await page.locator('[data-test="lottery-spin"][data-state="paid"]').waitFor({ state: 'visible' })
    if (won) await page.locator(`[data-test="lottery-prize"][data-prize="${won}"][data-available="false"]`).waitFor({ state: 'visible' })
  })

  await t.test('a lottery stopped while the page was open: the refusal in Chinese, then 已结束', async () => {
    await must(200, as(admin)('POST', `/lotteries/${lottery.id}/stop`), 'stop')
    await page.locator('[data-test="lottery-spin"]').click()
    await toast('活动未开始或已结束').waitFor({ state: 'visible' })
    await page.locator('[data-test="lottery-spin"][data-state="over"]').waitFor({ state: 'attached' })
    assert.ok(await page.locator('[data-test="lottery-spin"]').isDisabled())
    const draws = await must(200, as(admin)('GET', `/lotteries/${lottery.id}/draws`), 'draws')
    assert.equal(draws.items.length, 1, 'nothing drawn')
    await toast('活动未开始或已结束').waitFor({ state: 'hidden' })
  })

  await t.test('红包: opened once; a second visit shows the same share; 手气最佳 and 已抢完 once all are claimed', async () => {
    await open(`/red-packet/${packet.id}`)
    await page.locator('[data-test="red-packet-name"]', { hasText: packet.name }).waitFor({ state: 'visible' })
    await page.locator('[data-test="red-packet-open"]').click()
    const amount = page.locator('[data-test="red-packet-amount"]')
    await amount.waitFor({ state: 'visible' })
    const mine = (await must(200, as(token)('GET', `/member/red-packets/${packet.id}`), 'packet')).my_claim
    assert.ok(mine && mine.amount >= 1)
    assert.match(await amount.innerText(), new RegExp(`¥\\s*${yuan(mine.amount).replace('.', '\\.')}`))
    assert.match(await page.locator('[data-test="red-packet-count"]').innerText(), /共 2 个，已领 1 个/)

    await page.reload()
    await amount.waitFor({ state: 'visible' })
    assert.match(await amount.innerText(), new RegExp(yuan(mine.amount).replace('.', '\\.')))
    assert.equal(await page.locator('[data-test="red-packet-open"]').count(), 0)
    const staff = await must(200, as(admin)('GET', `/red-packets/${packet.id}`), 'packet')
    assert.equal(staff.claimed.count, 1, 'the second visit claimed nothing more')

    await must(201, as(others[1].token)('POST', `/member/red-packets/${packet.id}/claims`, {}), 'the last share')
    await page.reload()
    await amount.waitFor({ state: 'visible' })
    await page.locator('[data-test="red-packet-count"]', { hasText: '已抢完' }).waitFor({ state: 'visible' })
    const best = (await must(200, as(token)('GET', `/member/red-packets/${packet.id}`), 'packet')).my_claim.best_luck
    assert.equal(typeof best, 'boolean')
    assert.equal(await page.locator('[data-test="red-packet-best"]').count(), best ? 1 : 0)
    await shot(page, 'member-red-packet.png')

    // someone who comes after: 已抢完
    const tab = await context.newPage()
    tab.on('pageerror', (err) => pageErrors.push(String(err)))
    await tab.goto(`${BASE}/member.html#/red-packet/${packet.id}?t=${others[2].token}`)
    const none = tab.locator('[data-test="red-packet-none"]')
    await none.waitFor({ state: 'visible' })
    assert.match(await none.innerText(), /已抢完/)
    await shot(tab, 'member-red-packet-gone.png')
    await tab.close()
  })

  await t.test('积分商城: redeem two for points, the points drop, the order is linked; a sold-out item says so', async () => {
    const before = (await must(200, as(token)('GET', '/member'), 'member')).points
    await open('/points-mall')
    const balance = page.locator('[data-test="mall-balance"]')
    await balance.filter({ hasText: String(before) }).waitFor({ state: 'visible' })
    const row = page.locator(`[data-test="mall-item"][data-item="${item.id}"]`)
    await row.waitFor({ state: 'visible' })
    assert.match(await row.locator('[data-test="mall-price"]').innerText(), /^300积分$/)
    assert.match(await page.locator(`[data-test="mall-item"][data-item="${lastOne.id}"] [data-test="mall-price"]`).innerText(), /100积分 \+ ¥19\.90/)
    await shot(page, 'member-points-mall.png')

    await row.click()
    const sheet = page.locator('[data-test="mall-sheet"]')
    await sheet.locator('[data-test="mall-confirm"]').waitFor({ state: 'visible' })
    await sheet.locator('[data-test="mall-quantity"] .van-stepper__plus').click()
    await sheet.locator('[data-test="mall-total"]', { hasText: '600积分' }).waitFor({ state: 'visible' })
    await shot(page, 'member-points-mall-redeem.png')
    await sheet.locator('[data-test="mall-confirm"]').click()
    const confirm = page.locator('.mall-confirm-dialog')
    await confirm.waitFor({ state: 'visible' })
    assert.match(await confirm.innerText(), new RegExp(`使用 600 积分兑换「${item.name}」× 2`))
    await confirm.locator('.van-dialog__confirm').click()
    const done = page.locator('.mall-done-dialog')
    await done.waitFor({ state: 'visible' })
    await balance.filter({ hasText: String(before - 600) }).waitFor({ state: 'visible' })
    const redemption = (await must(200, as(token)('GET', '/member/points-mall/redemptions'), 'redemptions')).items[0]
    assert.deepEqual([redemption.item_id, redemption.quantity, redemption.points, redemption.status], [item.id, 2, 600, 'done'])
    assert.match(await done.innerText(), new RegExp(`订单号 ${redemption.order_id}`))
    await done.locator('.van-dialog__confirm').click()
    await page.waitForURL(new RegExp(`#/orders/${redemption.order_id}$`))
    const detail = page.locator(`[data-test="order-detail"][data-order="${redemption.order_id}"]`)
    await detail.waitFor({ state: 'visible' })
    assert.equal(await detail.getAttribute('data-status'), 'paid')
    assert.match(await page.locator('[data-test="order-points"]').innerText(), /兑换积分\s*600 积分/)

    await page.goBack()
    await page.waitForURL(/#\/points-mall$/)
    await page.locator('.van-tab', { hasText: '我的兑换' }).click()
    const mineRow = page.locator(`[data-test="mall-redemption"][data-item="${item.id}"]`)
    await mineRow.waitFor({ state: 'visible' })
    assert.equal(await mineRow.getAttribute('data-status'), 'done')
    await page.locator('.van-tab', { hasText: '兑换好礼' }).click()

    // the last unit goes to someone else while the page still offers it
    const last = page.locator(`[data-test="mall-item"][data-item="${lastOne.id}"]`)
    await last.waitFor({ state: 'visible' })
    await must(201, as(others[3].token)('POST', `/points-mall/items/${lastOne.id}/redemptions`, { quantity: 1 }), 'another redeems it')
    await last.click()
    await sheet.locator('[data-test="mall-confirm"]').click()
    await page.locator('.mall-confirm-dialog .van-dialog__confirm').click()
    await toast('库存不足，已兑完').waitFor({ state: 'visible' })
    await page.locator(`[data-test="mall-item"][data-item="${lastOne.id}"] [data-test="mall-stock"][data-stock="0"]`).waitFor({ state: 'attached' })
    await sheet.locator('[data-test="mall-confirm"]').waitFor({ state: 'hidden' })
    await balance.filter({ hasText: String(before - 600) }).waitFor({ state: 'visible' })
    await toast('库存不足').waitFor({ state: 'hidden' })
  })

  await t.test('订单详情: an unpaid order is cancelled', async () => {
    await open(`/orders/${unpaid.id}`)
    const detail = page.locator(`[data-test="order-detail"][data-order="${unpaid.id}"]`)
    await detail.waitFor({ state: 'visible' })
    assert.equal(await detail.getAttribute('data-status'), 'pending')
    assert.equal(await page.locator('[data-test="order-receive"]').count(), 0)
    assert.equal(await page.locator('[data-test="order-apply"]').count(), 0, 'no after-sales before payment')
    await page.locator('[data-test="order-cancel"]').click()
    await page.locator('.order-cancel-dialog .van-dialog__confirm').click()
    await page.locator(`[data-test="order-detail"][data-status="cancelled"]`).waitFor({ state: 'visible' })
    assert.match(await page.locator('[data-test="order-detail"]').innerText(), /已取消[\s\S]*您已取消订单/)
    assert.equal(await page.locator('[data-test="order-cancel"]').count(), 0)
    const stored = await must(200, as(token)('GET', `/member/orders/${unpaid.id}`), 'order')
    assert.deepEqual([stored.status, stored.cancel_reason], ['cancelled', 'customer'])
    await toast('订单已取消').waitFor({ state: 'hidden' })
  })

  await t.test('订单详情: the shipped order from 我的订单, receipt confirmed', async () => {
    await open('/orders')
    const row = page.locator(`[data-test="order-row"][data-order="${shipped.id}"]`)
    await row.waitFor({ state: 'visible' })
    assert.match(await row.locator('[data-test="order-status"]').innerText(), /已发货/)
    await row.click()
    await page.waitForURL(new RegExp(`#/orders/${shipped.id}$`))
    const detail = page.locator(`[data-test="order-detail"][data-order="${shipped.id}"]`)
    await detail.waitFor({ state: 'visible' })
    assert.equal(await detail.getAttribute('data-status'), 'shipped')
    assert.match(await page.locator('[data-test="order-shipping"]').innerText(), /顺丰速运 SF\d+/)
    assert.equal(await page.locator('[data-test="order-line"]').count(), 1)
    assert.match(await page.locator('[data-test="order-line"]').innerText(), /¥129\.00 × 2/)
    assert.match(await page.locator('[data-test="order-detail-total"]').innerText(), new RegExp(yuan(shipped.total).replace('.', '\\.')))
    assert.equal(await page.locator('[data-test="order-cancel"]').count(), 0, 'a paid order is not cancelled here')
    await page.locator('[data-test="order-receive"]').click()
    await page.locator('.order-receive-dialog .van-dialog__confirm').click()
    await page.locator('[data-test="order-detail"][data-status="completed"]').waitFor({ state: 'visible' })
    assert.match(await page.locator('[data-test="order-detail-status"]').innerText(), /已完成/)
    assert.equal(await page.locator('[data-test="order-receive"]').count(), 0)
    await toast('已确认收货').waitFor({ state: 'hidden' })
    await shot(page, 'member-order-detail.png')
  })

  await t.test('申请售后: an exchange with its reason, then listed as 处理中', async () => {
    const reason = '颜色与图片不符，想换一支' + randomHanzi(2)
    await page.locator('[data-test="order-apply"]').click()
    const sheet = page.locator('[data-test="order-apply-sheet"]')
    await sheet.locator('[data-test="order-apply-submit"]').waitFor({ state: 'visible' })
    await sheet.locator('[data-test="order-apply-submit"]').click()
    await toast('请填写问题描述').waitFor({ state: 'visible' })
    await sheet.locator('[data-test="order-apply-kind-exchange"]').click()
    await sheet.locator('[data-test="order-apply-reason"] textarea').fill(reason)
    await sheet.locator('[data-test="order-apply-submit"]').click()
    await page.waitForURL(/#\/after-sales$/)
    const row = page.locator(`[data-test="after-sale-row"][data-order="${shipped.id}"]`)
    await row.waitFor({ state: 'visible' })
    assert.deepEqual([await row.getAttribute('data-kind'), await row.getAttribute('data-status')], ['exchange', 'open'])
    assert.match(await row.innerText(), /换货/)
    assert.equal((await row.locator('[data-test="after-sale-reason"]').innerText()).trim(), reason)
    assert.match(await row.locator('[data-test="after-sale-status"]').innerText(), /处理中/)
    const stored = (await must(200, as(token)('GET', '/member/after-sales'), 'tickets')).items
    assert.ok(stored.some((x) => x.order_id === shipped.id && x.kind === 'exchange' && x.reason === reason && x.status === 'open'))
    await toast('售后申请已提交').waitFor({ state: 'hidden' })
    await shot(page, 'member-after-sales.png')

    // the order now shows the open ticket instead of another 申请售后
    await row.locator('[data-test="after-sale-order"]').click()
    await page.locator(`[data-test="order-detail"][data-order="${shipped.id}"]`).waitFor({ state: 'visible' })
    await page.locator('[data-test="order-ticket"][data-status="open"]').waitFor({ state: 'visible' })
    await page.locator('[data-test="order-ticket-open"]').waitFor({ state: 'visible' })
    assert.equal(await page.locator('[data-test="order-apply"]').count(), 0)
  })

  await t.test('the new pages are on the home grid, call only this server with the member\'s token, and raise no errors', async () => {
    await open('/')
    for (const e of ['coupons', 'pointsMall', 'afterSales']) await page.locator(`[data-test="entry-${e}"]`).waitFor({ state: 'visible' })
    await page.locator('[data-test="entry-pointsMall"]').click()
    await page.waitForURL(/#\/points-mall$/)
    const external = requests.filter((r) => /^https?:/.test(r.url) && !r.url.startsWith(BASE + '/'))
    assert.deepEqual(external, [])
    const apiCalls = requests.filter((r) => r.url.startsWith(BASE + '/api/'))
    assert.ok(apiCalls.length > 20)
    assert.ok(apiCalls.every((r) => r.auth === `Bearer ${token}`), 'every API call carries the member token')
    assert.ok(requests.every((r) => !r.url.includes(token)), 'no address carries the token')
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the pages')
  })
})
