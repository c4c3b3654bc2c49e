// Browser test of ordering for a customer (代客下单) in the console at a desktop viewport in Chinese: from the customer's
// page, two SKU lines, a coupon the customer holds and points to pay with; the order the API keeps has those lines, the
// coupon's discount and the points' value, and the customer's points and the SKUs' stock are taken. The orders page
// opens the same dialog with the filtered customer filled in.
// Needs a running server: YT_BASE_URL (default http://127.0.0.1:18080) and YT_ADMIN_PASSWORD (scripts/browser-test.sh
// sets both); screenshots go to YT_SCREENSHOT_DIR (default tests/out). Uses the system Chromium (/usr/bin/chromium or
// YT_CHROMIUM).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { BASE, PASSWORD, SHOTS, randomHanzi, iso, apiCall, must, launch, consoleHelpers } from '../lib/e2e.mjs'

test('console: order for a customer with two lines, a held coupon and points', { timeout: 240_000 }, async (t) => {
  assert.ok(PASSWORD, 'YT_ADMIN_PASSWORD must be set to the admin password of the server under test')
  fs.mkdirSync(SHOTS, { recursive: true })
  const admin = (await must(200, apiCall('POST', '/auth/login', { body: { username: 'admin', password: PASSWORD } }), 'login')).token
  const as = (method, p, body) => apiCall(method, p, { token: admin, body })

  const productName = '竹纤维毛巾' + randomHanzi(3)
  const product = await must(201, as('POST', '/products', {
    name: productName, skus: [{ name: '浅灰', price: 5000, stock: 10 }, { name: '米白', price: 8000, stock: 10 }]
  }), 'product')
  const couponName = '代客满100减10' + randomHanzi(2)
  const coupon = await must(201, as('POST', '/coupons', {
    name: couponName, kind: 'amount', threshold: 10000, amount_off: 1000, total: 10,
    claim_starts: iso(Date.now() - 60_000), claim_ends: iso(Date.now() + 86400000), valid_days: 7
  }), 'coupon')
  const customer = (await must(201, as('POST', '/customers', { name: '代客下单' + randomHanzi(3) }), 'customer')).id
  await must(201, as('POST', `/coupons/${coupon.id}/grants`, { customer_id: customer }), 'grant')
  await must(201, as('POST', `/customers/${customer}/points`, { delta: 1000, reason: 'adjust', note: '代客下单测试' }), 'points')
  const rules = await must(200, as('GET', '/loyalty/settings'), 'loyalty settings')
  assert.ok(rules.points_redeem_per_yuan > 0, 'points pay for orders under the demo rules')

  const { page, pageErrors, shot } = await launch(t)
  const { number, choose } = consoleHelpers(page)
  const dialog = page.locator('[data-test="staff-order-dialog"]')

  await t.test('sign in', async () => {
    await page.goto(BASE + '/#/login')
    await page.locator('[data-test="login-username"]').fill('admin')
    await page.locator('[data-test="login-password"]').fill(PASSWORD)
    await page.locator('[data-test="login-submit"]').click()
    await page.locator('[data-test="current-user"]').waitFor({ state: 'visible' })
  })

  await t.test('from the customer page: two lines, the held coupon, 500 points', async () => {
    await page.goto(BASE + `/#/customers/${customer}`)
    await page.locator('[data-test="staff-order-open"]').click()
    await dialog.waitFor()
    await dialog.getByText('积分余额 1,000').waitFor()
    await choose('[data-test="staff-order-sku-0"]', `${productName} · 浅灰`)
    await number('[data-test="staff-order-qty-0"]', 2)
    await page.locator('[data-test="staff-order-add-line"]').click()
    await choose('[data-test="staff-order-sku-1"]', `${productName} · 米白`)
    assert.equal((await page.locator('[data-test="staff-order-goods-total"]').innerText()).trim(), '¥180.00')
    await choose('[data-test="staff-order-coupons"]', couponName)
    await dialog.locator('.el-dialog__title').click() // closes the coupon list
    const points = rules.points_redeem_per_yuan * 5
    await number('[data-test="staff-order-points"]', points)
    await shot('staff-order-form.png', dialog)
    await page.locator('[data-test="staff-order-submit"]').click()
    await page.waitForURL(/#\/mall\/orders\/\d+$/)
    const id = Number(page.url().match(/orders\/(\d+)$/)[1])
    const o = await must(200, as('GET', `/mall-orders/${id}`), 'order')
    assert.equal(o.customer_id, customer)
    assert.equal(o.status, 'pending')
    assert.deepEqual(o.items.map((l) => [l.sku_id, l.quantity, l.unit_price]), [[product.skus[0].id, 2, 5000], [product.skus[1].id, 1, 8000]])
    assert.deepEqual([o.goods_total, o.discount, o.points_used, o.points_value], [18000, 1000, points, 500])
    assert.equal(o.total, o.goods_total - o.member_discount - o.discount - o.points_value)
    assert.equal((await must(200, as('GET', `/customers/${customer}/points`), 'points')).balance, 1000 - points)
    const held = (await must(200, as('GET', `/customers/${customer}/coupons`), 'coupons')).items.find((h) => h.coupon_id === coupon.id)
    assert.equal(held.order_id, id, 'the coupon is used by the order')
    const stock = (await must(200, as('GET', `/products/${product.id}`), 'product')).skus.map((s) => s.stock)
    assert.deepEqual(stock, [8, 9])
    await page.locator('[data-test="order-detail-status"]', { hasText: '待支付' }).waitFor()
    await shot('staff-order.png')
  })

  await t.test('the orders page fills in the filtered customer', async () => {
    await page.goto(BASE + `/#/mall/orders?customer_id=${customer}`)
    await page.locator('[data-test="order-row"]').first().waitFor()
    await page.locator('[data-test="staff-order-open"]').click()
    await dialog.waitFor()
    assert.equal(await page.locator('[data-test="staff-order-customer"]').inputValue(), String(customer))
    await dialog.getByText(`积分余额 ${(1000 - rules.points_redeem_per_yuan * 5).toLocaleString('zh-CN')}`).waitFor()
    await page.locator('[data-test="staff-order-submit"]').click()
    await dialog.getByText('请至少选择一个商品 SKU').waitFor()
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
  })
})
