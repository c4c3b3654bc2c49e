// Browser test of the console's points mall (积分商城) at a desktop viewport in Chinese: a goods item (points + cash,
// yuan typed and fen stored) and a coupon item made through the dialog; redemptions by a member (through a member
// link) and by staff for a customer bring the stock left down on the page and show in the item's redemptions, the
// redemption log and the customer's page; an item edited and one taken off the shelf, checked through the API.
// Needs a running server: YT_BASE_URL (default http://127.0.0.1:18080) and YT_ADMIN_PASSWORD (scripts/browser-test.sh
// sets both); screenshots go to YT_SCREENSHOT_DIR (default tests/out). Uses the system Chromium (/usr/bin/chromium or
// YT_CHROMIUM).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { BASE, PASSWORD, SHOTS, randomHanzi, iso, apiCall, must, launch, consoleHelpers } from '../lib/e2e.mjs'

test('console points mall: create goods and coupon items, redemptions lower the stock, edit, off the shelf', { timeout: 300_000 }, async (t) => {
  assert.ok(PASSWORD, 'YT_ADMIN_PASSWORD must be set to the admin password of the server under test')
  fs.mkdirSync(SHOTS, { recursive: true })

  const admin = (await must(200, apiCall('POST', '/auth/login', { body: { username: 'admin', password: PASSWORD } }), 'login')).token
  const as = (method, p, body) => apiCall(method, p, { token: admin, body })
  const item = async (id) => {
    const all = []
    for (let cursor = null, i = 0; i < 20; i++) {
      const page = await must(200, as('GET', `/points-mall/items?limit=200${cursor ? `&cursor=${cursor}` : ''}`), 'items')
      all.push(...page.items)
      if (!(cursor = page.next_cursor)) break
    }
    return id === undefined ? all : all.find((i) => i.id === id)
  }
  const balance = async (id) => (await must(200, as('GET', `/customers/${id}/points`), 'points')).balance

  // what the items are made of, and who redeems them
  const productName = '桂花香氛蜡烛' + randomHanzi(3)
  const product = await must(201, as('POST', '/products', { name: productName, category: '家居', skus: [{ name: '200g', price: 12900, stock: 50 }] }), 'product')
  const sku = product.skus[0]
  const couponName = '积分换券满50减5' + randomHanzi(2)
  const coupon = await must(201, as('POST', '/coupons', {
    name: couponName, kind: 'amount', threshold: 5000, amount_off: 500, total: 100, per_customer: 5,
    claim_starts: iso(Date.now() - 60_000), claim_ends: iso(Date.now() + 7 * 86400000), valid_days: 30
  }), 'coupon')
  const buyerName = '积分会员' + randomHanzi(3)
  const helpedName = '到店会员' + randomHanzi(3)
  const buyer = (await must(201, as('POST', '/customers', { name: buyerName }), 'customer')).id
  const helped = (await must(201, as('POST', '/customers', { name: helpedName }), 'customer')).id
  await must(201, as('POST', `/customers/${buyer}/points`, { delta: 5000, reason: 'adjust', note: '积分商城测试' }), 'points')
  await must(201, as('POST', `/customers/${helped}/points`, { delta: 3000, reason: 'adjust', note: '积分商城测试' }), 'points')
  const memberToken = (await must(201, as('POST', `/customers/${buyer}/member-links`, {}), 'member link')).token

  const { page, pageErrors, shot } = await launch(t)

  const { number, choose } = consoleHelpers(page)
  // waits until the element's whole text is exactly value
  const textIs = (sel, value) => page.waitForFunction(([s, v]) => (document.querySelector(s)?.innerText || '').trim() === v, [sel, String(value)])
  const toastGone = () => page.waitForFunction(() => !document.querySelector('.el-message'), null, { timeout: 8000 }).catch(() => {})
  const dialog = page.locator('[data-test="pm-dialog"]')

  const goodsName = '香氛蜡烛兑换' + randomHanzi(2)
  const couponItemName = '5元券兑换' + randomHanzi(2)
  let goods, couponItem

  await t.test('sign in and open the points mall from the menu', async () => {
    await page.goto(BASE + '/#/login')
    await page.locator('[data-test="login-username"]').fill('admin')
    await page.locator('[data-test="login-password"]').fill(PASSWORD)
    await page.locator('[data-test="login-submit"]').click()
    await page.locator('[data-test="current-user"]').waitFor({ state: 'visible' })
    await page.locator('[data-test="menu-pointsMall"]').click()
    await page.waitForURL(/#\/mall\/points-mall$/)
    await page.locator('[data-test="pm-table"]').waitFor()
    assert.equal((await page.locator('.page-title').innerText()).trim(), '积分商城')
  })

  await t.test('create a goods item for points + cash: the SKU picked, yuan typed, fen stored', async () => {
    await page.locator('[data-test="pm-create"]').click()
    await dialog.waitFor()
    await choose('[data-test="pm-sku"]', `${productName} · 200g`)
    assert.equal(await page.locator('[data-test="pm-name"]').inputValue(), `${productName} 200g`, 'the SKU names the item until a name is typed')
    await page.locator('[data-test="pm-name"]').fill(goodsName)
    await dialog.locator('.el-radio-button', { hasText: '积分 + 现金' }).click()
    await number('[data-test="pm-points"]', 1200)
    await number('[data-test="pm-cash"]', '12.5')
    await number('[data-test="pm-stock-input"]', 8)
    await number('[data-test="pm-per"]', 2)
    assert.match(await page.locator('[data-test="pm-preview"]').innerText(), /1,200\s*积分\s*\+ ¥12\.50/)
    await shot('points-mall-form.png', dialog)
    await page.locator('[data-test="pm-submit"]').click()
    await page.locator('[data-test="pm-row"]', { hasText: goodsName }).waitFor()
    goods = (await item()).find((i) => i.name === goodsName)
    assert.ok(goods, 'the API lists the new goods item')
    assert.deepEqual([goods.kind, goods.sku_id, goods.coupon_id, goods.points, goods.cash, goods.stock, goods.per_customer, goods.redeemed, goods.status],
      ['goods', sku.id, null, 1200, 1250, 8, 2, 0, 'on'])
    assert.equal(goods.goods, `${productName} 200g`)
    await textIs(`[data-test="pm-stock"][data-item-id="${goods.id}"]`, '8')
  })

  await t.test('create a coupon item: points only, the coupon picked', async () => {
    await page.locator('[data-test="pm-create"]').click()
    await dialog.locator('.el-radio-button', { hasText: '优惠券' }).click()
    assert.equal(await page.locator('[data-test="pm-mode"]').count(), 0, 'a coupon has no points + cash choice')
    await choose('[data-test="pm-coupon"]', couponName)
    assert.equal(await page.locator('[data-test="pm-name"]').inputValue(), couponName)
    await page.locator('[data-test="pm-name"]').fill(couponItemName)
    await number('[data-test="pm-points"]', 300)
    await number('[data-test="pm-stock-input"]', 20)
    await shot('points-mall-coupon-form.png', dialog)
    await page.locator('[data-test="pm-submit"]').click()
    await page.locator('[data-test="pm-row"]', { hasText: couponItemName }).waitFor()
    couponItem = (await item()).find((i) => i.name === couponItemName)
    assert.ok(couponItem, 'the API lists the new coupon item')
    assert.deepEqual([couponItem.kind, couponItem.coupon_id, couponItem.sku_id, couponItem.points, couponItem.cash, couponItem.stock, couponItem.per_customer, couponItem.status],
      ['coupon', coupon.id, null, 300, 0, 20, 1, 'on'])
    assert.equal((await page.locator(`[data-test="pm-row"][data-item-id="${goods.id}"]`).count()), 1)
  })

  await t.test('a member redeems through a member link; the page shows the stock left drop', async () => {
    const r = await must(201, apiCall('POST', `/points-mall/items/${goods.id}/redemptions`, { token: memberToken, body: { quantity: 2 } }), 'member redemption')
    assert.deepEqual([r.customer_id, r.points, r.cash, r.status], [buyer, 2400, 2500, 'pending_payment'])
    const c = await must(201, apiCall('POST', `/points-mall/items/${couponItem.id}/redemptions`, { token: memberToken, body: {} }), 'coupon redemption')
    assert.ok(c.customer_coupon_id > 0)
    assert.equal(await balance(buyer), 5000 - 2400 - 300)
    await page.reload()
    await textIs(`[data-test="pm-stock"][data-item-id="${goods.id}"]`, '6')
    await textIs(`[data-test="pm-redeemed"][data-item-id="${goods.id}"]`, '2')
    await textIs(`[data-test="pm-stock"][data-item-id="${couponItem.id}"]`, '19')
    await textIs(`[data-test="pm-redeemed"][data-item-id="${couponItem.id}"]`, '1')
    const row = page.locator('[data-test="pm-table"] .el-table__body tr', { has: page.locator(`[data-test="pm-row"][data-item-id="${goods.id}"]`) })
    assert.match(await row.innerText(), /1,200\s*积分[\s\S]*\+ ¥12\.50/)
    await toastGone()
    await shot('points-mall-list.png')
  })

  await t.test("an item's redemptions: the member's, and one made by staff for a customer", async () => {
    await page.locator(`[data-test="pm-redemptions"][data-item-id="${goods.id}"]`).click()
    const drawer = page.locator('[data-test="pm-drawer"]')
    const rows = drawer.locator('[data-test="redemption-table"] .el-table__body tr')
    await rows.first().waitFor()
    assert.equal(await rows.count(), 1)
    const logged = (await must(200, as('GET', `/points-mall/redemptions?item_id=${goods.id}`), 'redemptions')).items
    assert.deepEqual(logged.map((x) => [x.customer_id, x.quantity, x.points, x.cash, x.status]), [[buyer, 2, 2400, 2500, 'pending_payment']])
    assert.ok(logged[0].order_id > 0, 'a goods redemption makes an order')
    await rows.first().locator('[data-test="redemption-customer"]', { hasText: buyerName }).waitFor()
    assert.equal(await rows.first().locator('[data-test="redemption-customer"]').getAttribute('data-customer-id'), String(buyer))
    const cells = (await rows.first().locator('td').allInnerTexts()).map((s) => s.trim())
    assert.deepEqual(cells.slice(1), [buyerName, '2', '2,400', '¥25.00', `#${logged[0].order_id}`, '待支付'])
    await page.locator('[data-test="pm-redeem-open"]').click()
    await page.locator('[data-test="pm-redeem-customer"]').fill(String(helped))
    await page.locator('[data-test="pm-redeem-submit"]').click()
    await page.locator('.el-message', { hasText: `#${helped}` }).waitFor()
    await textIs('[data-test="drawer-stock"]', '5')
    await textIs('[data-test="drawer-redeemed"]', '3')
    await page.waitForFunction(() => document.querySelectorAll('[data-test="pm-drawer"] [data-test="redemption-table"] .el-table__body tr').length === 2)
    await rows.first().locator('[data-test="redemption-customer"]', { hasText: helpedName }).waitFor()
    assert.equal(await rows.first().locator('[data-test="redemption-customer"]').getAttribute('data-customer-id'), String(helped))
    assert.equal(await balance(helped), 3000 - 1200)
    assert.equal((await item(goods.id)).stock, 5)
    await toastGone()
    await shot('points-mall-redemptions.png')
    await drawer.locator('.el-drawer__close-btn').click()
    await drawer.locator('.el-drawer').waitFor({ state: 'hidden' })
    await textIs(`[data-test="pm-stock"][data-item-id="${goods.id}"]`, '5')
  })

  await t.test('edit the goods item: a new name, price and stock, checked through the API', async () => {
    await page.locator(`[data-test="pm-edit"][data-item-id="${goods.id}"]`).click()
    await dialog.waitFor()
    assert.equal(await page.locator('[data-test="pm-name"]').inputValue(), goodsName)
    assert.equal(await page.locator('[data-test="pm-cash"] input').inputValue(), '12.50', 'the cash shows in yuan')
    assert.ok(await page.locator('[data-test="pm-sku"] input').isDisabled(), 'the SKU cannot change')
    const renamed = goodsName + '升级'
    await page.locator('[data-test="pm-name"]').fill(renamed)
    await number('[data-test="pm-points"]', 1500)
    await number('[data-test="pm-cash"]', '9.9')
    await number('[data-test="pm-stock-input"]', 30)
    await number('[data-test="pm-per"]', 3)
    await page.locator('[data-test="pm-submit"]').click()
    await page.locator('[data-test="pm-row"]', { hasText: renamed }).waitFor()
    const after = await item(goods.id)
    assert.deepEqual([after.name, after.points, after.cash, after.stock, after.per_customer, after.redeemed, after.status],
      [renamed, 1500, 990, 30, 3, 3, 'on'])
    await textIs(`[data-test="pm-stock"][data-item-id="${goods.id}"]`, '30')
  })

  await t.test('take the coupon item off the shelf: members no longer see or redeem it', async () => {
    await page.locator(`[data-test="pm-status-switch"][data-item-id="${couponItem.id}"]`).click()
    await page.locator('.el-message-box').waitFor()
    await page.locator('.el-message-box .el-button--primary').click()
    await page.locator('.el-message', { hasText: '已下架' }).waitFor()
    assert.equal((await item(couponItem.id)).status, 'off')
    assert.equal(await page.locator(`[data-test="pm-status-switch"][data-item-id="${couponItem.id}"].is-checked`).count(), 0)
    const seen = await must(200, apiCall('GET', '/points-mall/items?limit=200', { token: memberToken }), 'member list')
    assert.ok(!seen.items.some((i) => i.id === couponItem.id), 'members see items on the shelf only')
    assert.ok(seen.items.some((i) => i.id === goods.id))
    const refused = await apiCall('POST', `/points-mall/items/${couponItem.id}/redemptions`, { token: memberToken, body: {} })
    assert.equal(refused.status, 404)
    // the status filter
    await page.locator('[data-test="pm-status-filter"] .el-radio-button', { hasText: '已下架' }).click()
    await page.locator(`[data-test="pm-row"][data-item-id="${couponItem.id}"]`).waitFor()
    assert.equal(await page.locator(`[data-test="pm-row"][data-item-id="${goods.id}"]`).count(), 0)
    await page.locator('[data-test="pm-status-filter"] .el-radio-button', { hasText: '全部状态' }).click()
    await toastGone()
  })

  await t.test('the redemption log by customer, and on the customer page', async () => {
    await page.locator('[data-test="pm-tabs"] .el-tabs__item', { hasText: '兑换记录' }).click()
    await page.locator('[data-test="log-customer"]').fill(String(buyer))
    await page.locator('[data-test="log-search"]').click()
    const rows = page.locator('#pane-redemptions [data-test="redemption-table"] .el-table__body tr')
    await page.waitForFunction((id) => {
      const trs = [...document.querySelectorAll('#pane-redemptions [data-test="redemption-table"] .el-table__body tr')]
      return trs.length === 2 && trs.every((tr) => tr.querySelector('[data-test="redemption-customer"]')?.dataset.customerId === String(id))
    }, buyer)
    assert.match(await rows.nth(0).innerText(), new RegExp(couponItemName))
    assert.match(await rows.nth(1).innerText(), /2,400/)
    await toastGone()
    await shot('points-mall-log.png')

    await page.goto(BASE + `/#/customers/${buyer}`)
    const panel = page.locator('[data-test="loyalty-panel"]')
    await panel.waitFor()
    await panel.locator('.el-tabs__item', { hasText: '积分兑换' }).click()
    await page.waitForFunction(() => document.querySelectorAll('[data-test="loyalty-panel"] [data-test="redemption-table"] .el-table__body tr').length === 2)
    await panel.scrollIntoViewIfNeeded()
    await shot('points-mall-customer.png', panel)
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
  })
})
