// Browser test of the console's mall and marketing pages (商城营销) at a desktop viewport in Chinese: a product with
// two SKUs made through the form (yuan typed, fen stored) and its stock adjusted; a flash sale and a coupon made
// through the forms, their figures charted (a canvas of non-zero size); a coupon granted to a customer and to a saved
// segment; a paid order refunded by units (paid through the sandbox provider); a lottery and red packets made and
// opened; the member level ladder edited; points given on the customer page and a member link made and opened.
// Needs a running server: YT_BASE_URL (default http://127.0.0.1:18080), YT_ADMIN_PASSWORD and the server's
// YUTANG_PAY_SANDBOX_SECRET as YT_PAY_SANDBOX_SECRET (scripts/browser-test.sh sets both); screenshots go to
// YT_SCREENSHOT_DIR (default tests/out). Uses the system Chromium (/usr/bin/chromium or YT_CHROMIUM).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import { BASE, PASSWORD, SANDBOX, SHOTS, STEP, randomHanzi, iso, apiCall, must, launch, consoleHelpers } from '../lib/e2e.mjs'

test('console mall pages: products, flash sale, coupon, charts, refund, lottery, red packets, levels, points, member link', { timeout: 300_000 }, async (t) => {
  assert.ok(PASSWORD, 'YT_ADMIN_PASSWORD must be set to the admin password of the server under test')
  assert.ok(SANDBOX, 'YT_PAY_SANDBOX_SECRET must be the server\'s YUTANG_PAY_SANDBOX_SECRET (scripts/browser-test.sh sets it)')
  fs.mkdirSync(SHOTS, { recursive: true })

  const admin = (await must(200, apiCall('POST', '/auth/login', { body: { username: 'admin', password: PASSWORD } }), 'login')).token
  const as = (method, p, body) => apiCall(method, p, { token: admin, body })
  const pay = async (orderId, amount) => {
    const raw = JSON.stringify({ order_id: orderId, amount, transaction_id: 'e2e-' + crypto.randomUUID() })
    const sig = crypto.createHmac('sha256', SANDBOX).update(raw).digest('hex')
    await must(200, apiCall('POST', '/payments/sandbox/notify', { raw, headers: { 'Content-Type': 'application/json', 'X-Sandbox-Signature': sig } }), 'payment')
  }
  const tag = 'e2e商城' + randomHanzi(4)
  const buyer = (await must(201, as('POST', '/customers', { name: '商城客户' + randomHanzi(4), tags: [tag] }), 'customer')).id
  const other = (await must(201, as('POST', '/customers', { name: '人群客户' + randomHanzi(4), tags: [tag] }), 'customer')).id

  const { context, page, pageErrors, shot } = await launch(t)

  // an Element Plus number input: type the value and leave the field so it commits
  const { number, choose, chartDrawn, toastGone } = consoleHelpers(page)

  const productName = '山茶花面霜' + randomHanzi(3)
  let product, sale, coupon

  await t.test('sign in', async () => {
    await page.goto(BASE + '/#/login')
    await page.locator('[data-test="login-username"]').fill('admin')
    await page.locator('[data-test="login-password"]').fill(PASSWORD)
    await page.locator('[data-test="login-submit"]').click()
    await page.locator('[data-test="current-user"]').waitFor({ state: 'visible' })
  })

  await t.test('create a product with two SKUs: prices typed in yuan are stored in fen', async () => {
    await page.locator('[data-test="menu-products"]').click()
    await page.waitForURL(/#\/mall\/products$/)
    await page.locator('[data-test="product-create"]').click()
    await page.locator('[data-test="product-name"]').fill(productName)
    await page.locator('[data-test="sku-size-0"]').fill('50ml')
    await page.locator('[data-test="sku-color-0"]').fill('白色')
    await number('[data-test="sku-price-0"]', '199.9')
    await number('[data-test="sku-stock-0"]', 100)
    await page.locator('[data-test="sku-add"]').click()
    await page.locator('[data-test="sku-size-1"]').fill('100ml')
    await page.locator('[data-test="sku-color-1"]').fill('白色')
    await number('[data-test="sku-price-1"]', '299')
    await number('[data-test="sku-stock-1"]', 50)
    await shot('commerce-product-form.png', page.locator('[data-test="product-dialog"]'))
    await page.locator('[data-test="product-submit"]').click()
    await page.waitForURL(/#\/mall\/products\/\d+$/)
    const id = Number(page.url().match(/products\/(\d+)$/)[1])
    await page.locator('[data-test="product-title"]', { hasText: productName }).waitFor()
    assert.equal(await page.locator('[data-test="sku-table"] .el-table__body tr').count(), 2, 'two SKUs listed')
    product = await must(200, as('GET', `/products/${id}`), 'product')
    assert.deepEqual(product.skus.map((s) => [s.name, s.price, s.stock, s.specs]), [
      ['50ml 白色', 19990, 100, { 规格: '50ml', 颜色: '白色' }], ['100ml 白色', 29900, 50, { 规格: '100ml', 颜色: '白色' }]
    ])
  })

  await t.test('adjust a SKU\'s stock with a reason; the move is in its history', async () => {
    await page.locator('[data-test="sku-adjust"]').first().click()
    await number('[data-test="adjust-qty"]', 10)
    await page.locator('[data-test="adjust-reason"]').fill('到货入库')
    await page.locator('[data-test="adjust-submit"]').click()
    await page.locator(`[data-test="sku-stock"][data-sku-id="${product.skus[0].id}"]`, { hasText: '110' }).waitFor()
    await page.locator('[data-test="moves-table"] .el-table__body tr', { hasText: '到货入库' }).first().waitFor()
    await toastGone()
    await shot('commerce-product.png')
    await page.goto(BASE + '/#/mall/products')
    await page.locator('[data-test="product-row"]', { hasText: productName }).waitFor()
    await shot('commerce-products.png')
  })

  await t.test('create a flash sale on the first SKU', async () => {
    await page.locator('[data-test="menu-flashSales"]').click()
    await page.waitForURL(/#\/mall\/flash-sales$/)
    await page.locator('[data-test="flash-create"]').click()
    await page.locator('[data-test="flash-name"]').fill('会员秒杀' + randomHanzi(2))
    await choose('[data-test="flash-sku"]', `${productName} · 50ml 白色`)
    await number('[data-test="flash-price"]', '99')
    await number('[data-test="flash-stock"]', 20)
    await number('[data-test="flash-limit"]', 2)
    await page.locator('[data-test="flash-submit"]').click()
    await page.waitForURL(/#\/mall\/flash-sales\/\d+$/)
    const id = Number(page.url().match(/flash-sales\/(\d+)$/)[1])
    sale = await must(200, as('GET', `/flash-sales/${id}`), 'flash sale')
    assert.equal(sale.price, 9900)
    assert.equal(sale.stock, 20)
    assert.equal(sale.per_customer_limit, 2)
    assert.equal(sale.sku_id, product.skus[0].id)
    assert.equal((await page.locator('[data-test="flash-stock-left"]').innerText()).trim(), '20')
  })

  await t.test('the flash sale\'s figures are charted', async () => {
    // an order of 2 units, paid, so the figures are not all zero
    const saleNow = await must(201, as('POST', '/flash-sales', {
      name: '进行中秒杀' + randomHanzi(2), sku_id: product.skus[0].id, price: 9900, stock: 5, per_customer_limit: 2,
      starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000)
    }), 'running flash sale')
    const o = await must(201, as('POST', `/flash-sales/${saleNow.id}/orders`, { customer_id: buyer, quantity: 2 }), 'flash order')
    await pay(o.order_id, o.total)
    await page.goto(BASE + `/#/mall/flash-sales/${saleNow.id}`)
    await page.locator('[data-test="stats-participants"]', { hasText: '1' }).waitFor()
    assert.equal((await page.locator('[data-test="stats-gmv"]').innerText()).trim(), '¥198.00')
    assert.equal((await page.locator('[data-test="stats-conversion"]').innerText()).trim(), '100.0%')
    await chartDrawn('[data-test="activity-stats-chart"]')
    await shot('commerce-flash-sale.png')
    await page.goto(BASE + '/#/mall/flash-sales')
    await chartDrawn('[data-test="activity-compare-chart"]')
    await shot('commerce-flash-sales.png')
    // ended early from its page: confirmed, then no more orders, and the order paid before stays paid
    await page.goto(BASE + `/#/mall/flash-sales/${saleNow.id}`)
    await page.locator('[data-test="flash-stop"]').click()
    const box = page.locator('.el-message-box')
    await box.waitFor()
    assert.match(await box.innerText(), /停止接单/)
    await box.locator('.el-message-box__btns button', { hasText: '提前结束' }).click()
    await page.locator('[data-test="flash-detail-state"]', { hasText: '已停止' }).waitFor()
    await page.locator('[data-test="flash-stop"]').waitFor({ state: 'detached' })
    await page.locator('[data-test="flash-stopped-at"]').waitFor()
    const ended = await must(200, as('GET', `/flash-sales/${saleNow.id}`), 'flash sale after the stop')
    assert.equal(ended.state, 'stopped')
    assert.equal(ended.orders.paid, 1)
    await must(422, as('POST', `/flash-sales/${saleNow.id}/orders`, { customer_id: buyer, quantity: 1 }), 'an order after the stop')
  })

  await t.test('create a coupon (满减, scoped to the product) and grant it to a customer', async () => {
    await page.locator('[data-test="menu-coupons"]').click()
    await page.waitForURL(/#\/mall\/coupons$/)
    await page.locator('[data-test="coupon-create"]').click()
    const name = '满100减10' + randomHanzi(2)
    await page.locator('[data-test="coupon-name"]').fill(name)
    await number('[data-test="coupon-threshold"]', '100')
    await number('[data-test="coupon-amount-off"]', '10')
    await page.locator('[data-test="coupon-dialog"] .el-radio-button', { hasText: '指定商品' }).click()
    await choose('[data-test="coupon-products"]', productName)
    await page.locator('[data-test="coupon-dialog"] .el-dialog__title').click() // closes the product list
    await number('[data-test="coupon-total"]', 500)
    assert.equal((await page.locator('[data-test="coupon-preview"]').innerText()).trim(), '满¥100.00减¥10.00')
    await shot('commerce-coupon-form.png', page.locator('[data-test="coupon-dialog"]'))
    await page.locator('[data-test="coupon-submit"]').click()
    await page.waitForURL(/#\/mall\/coupons\/\d+$/)
    const id = Number(page.url().match(/coupons\/(\d+)$/)[1])
    coupon = await must(200, as('GET', `/coupons/${id}`), 'coupon')
    assert.deepEqual([coupon.kind, coupon.threshold, coupon.amount_off, coupon.total, coupon.scope.products],
      ['amount', 10000, 1000, 500, [product.id]])

    await page.locator('[data-test="coupon-detail-grant"]').click()
    await page.locator('[data-test="grant-customer"]').fill(String(buyer))
    await page.locator('[data-test="grant-submit"]').click()
    await page.locator('[data-test="coupon-detail-issued"]', { hasText: '1' }).waitFor()
    const held = await must(200, as('GET', `/customers/${buyer}/coupons`), 'held coupons')
    assert.ok(held.items.some((h) => h.coupon_id === coupon.id), 'the customer holds the coupon')
  })

  await t.test('the coupon\'s figures are charted once an order used it', async () => {
    const held = (await must(200, as('GET', `/customers/${buyer}/coupons?status=usable`), 'held')).items.find((h) => h.coupon_id === coupon.id)
    const o = await must(201, as('POST', '/mall-orders', { customer_id: buyer, lines: [{ sku_id: product.skus[1].id, quantity: 1 }], coupon_ids: [held.id] }), 'order')
    assert.equal(o.discount, 1000)
    await pay(o.id, o.total)
    await page.reload()
    await page.locator('[data-test="stats-orders"]', { hasText: '1' }).waitFor()
    await chartDrawn('[data-test="activity-stats-chart"]')
    await toastGone()
    await shot('commerce-coupon.png')
    await page.goto(BASE + '/#/mall/coupons')
    await chartDrawn('[data-test="activity-compare-chart"]')
    await shot('commerce-coupons.png')
  })

  await t.test('grant the coupon to a saved segment from its bulk actions', async () => {
    const seg = await must(201, as('POST', '/segments', { name: '商城人群' + randomHanzi(4), query: `tag = "${tag}"` }), 'segment')
    await page.goto(BASE + `/#/segments/${seg.id}`)
    await page.locator('[data-test="segment-detail-count"][data-count="2"]').waitFor()
    await page.locator('[data-test="segment-actions"]').click()
    await page.locator('[data-test="action-grant-coupon"]').click()
    await choose('[data-test="action-coupon"]', coupon.name)
    await shot('commerce-segment-grant.png', page.locator('[data-test="action-dialog"]'))
    await page.locator('[data-test="action-submit"]').click()
    await page.locator('.el-message', { hasText: '1 位领到优惠券' }).waitFor()
    const held = await must(200, as('GET', `/customers/${other}/coupons`), 'the other member\'s coupons')
    assert.ok(held.items.some((h) => h.coupon_id === coupon.id), 'the segment\'s other member got the coupon; the buyer was at the limit')
  })

  await t.test('refund an order partially through the order page', async () => {
    const o = await must(201, as('POST', '/mall-orders', { customer_id: buyer, lines: [{ sku_id: product.skus[0].id, quantity: 2 }, { sku_id: product.skus[1].id, quantity: 1 }] }), 'order')
    await pay(o.id, o.total)
    const stockBefore = (await must(200, as('GET', `/products/${product.id}`), 'product')).skus[0].stock
    await page.locator('[data-test="menu-mallOrders"]').click()
    await page.locator('[data-test="order-customer"]').fill(String(buyer))
    await page.locator('[data-test="order-search"]').click()
    // the buyer's paid normal orders only: the filters go to the server and into the page's address
    await choose('[data-test="order-status-filter"]', '已支付')
    await choose('[data-test="order-kind-filter"]', '普通')
    await page.waitForURL(/status=paid.*kind=normal|kind=normal.*status=paid/)
    await page.locator(`[data-test="order-row"][data-order-id="${o.id}"]`).waitFor()
    await page.waitForFunction(() => {
      const tags = [...document.querySelectorAll('[data-test="order-status"]')]
      return tags.length > 0 && tags.every((e) => e.innerText.trim() === '已支付')
    })
    await page.locator(`[data-test="order-row"][data-order-id="${o.id}"]`).click()
    await page.waitForURL(new RegExp(`#/mall/orders/${o.id}$`))
    await page.locator('[data-test="order-detail-status"]', { hasText: '已支付' }).waitFor()
    await page.locator('[data-test="order-refund-open"]').click()
    await number('[data-test="refund-qty-0"]', 1)
    await page.locator('[data-test="refund-reason"]').fill('尺码不合适')
    await shot('commerce-refund-form.png', page.locator('[data-test="refund-dialog"]'))
    await page.locator('[data-test="refund-submit"]').click()
    await page.locator('[data-test="order-refunds"] .el-table__body tr', { hasText: '尺码不合适' }).waitFor()
    const after = await must(200, as('GET', `/mall-orders/${o.id}`), 'order after')
    const line = after.items[0]
    assert.equal(after.items[0].refunded_quantity, 1)
    assert.equal(after.items[1].refunded_quantity, 0)
    assert.equal(after.refunded, Math.floor(o.total * (line.unit_price) / o.goods_total), 'one unit of the first line, in proportion to what was paid')
    assert.ok(['paid', 'shipped', 'completed'].includes(after.status), `a partial refund leaves the order ${after.status}`)
    assert.equal((await must(200, as('GET', `/products/${product.id}`), 'product')).skus[0].stock, stockBefore + 1, 'the unit is restocked')
    assert.match(await page.locator('[data-test="order-refunded"]').innerText(), /¥[1-9]/)
    await toastGone()
    await shot('commerce-order.png')
    // a refund WeChat Pay closed, asked for again, then returned by hand: this server's refunds go through the sandbox and never
    // fail, so the page is shown WeChat Pay's answer for this refund, and what it sends is checked
    const real = (await must(200, as('GET', `/mall-orders/${o.id}/refunds`), 'refunds')).items[0]
    let failed = { ...real, provider: 'wechatpay', status: 'failed', provider_status: 'CLOSED', settled_by_hand: null }
    let sent = null
    await page.route(`**/api/v1/mall-orders/${o.id}/refunds`, (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ items: [failed] }) }))
    await page.route(`**/api/v1/mall-orders/${o.id}/refunds/${real.id}/settle-by-hand`, (route) => {
      sent = { method: route.request().method(), body: JSON.parse(route.request().postData()) }
      failed = { ...failed, status: 'settled_by_hand', settled_by_hand: { note: sent.body.note, staff_id: 1, at: new Date().toISOString() } }
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(failed) })
    })
    let asked = null
    await page.route(`**/api/v1/mall-orders/${o.id}/refunds/${real.id}/ask-again`, (route) => {
      asked = { method: route.request().method(), body: JSON.parse(route.request().postData()) }
      failed = { ...failed, status: 'pending', round: 2, provider_status: null, provider_note: '' }
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(failed) })
    })
    await page.reload()
    // asked for again first (a new round), and WeChat Pay closes that one too
    await page.locator(`[data-test="refund-again-${real.id}"]`).click()
    const box = page.locator('.el-message-box')
    await box.locator('button', { hasText: /OK|确定/ }).click()
    await page.locator(`[data-test="refund-round-${real.id}"]`, { hasText: '第 2 次发起' }).waitFor()
    assert.deepEqual(asked, { method: 'POST', body: {} })
    assert.equal(await page.locator(`[data-test="refund-again-${real.id}"]`).count(), 0, 'no button while the new round waits')
    await page.unroute(`**/api/v1/mall-orders/${o.id}/refunds/${real.id}/ask-again`)
    // WeChat Pay holds it ABNORMAL (a frozen card): not asked for again, but paid out to a debit card the buyer names
    failed = { ...failed, status: 'failed', provider_status: 'ABNORMAL' }
    let abnormalSent = null
    await page.route(`**/api/v1/mall-orders/${o.id}/refunds/${real.id}/abnormal-refund`, (route) => {
      abnormalSent = { method: route.request().method(), body: JSON.parse(route.request().postData()) }
      failed = { ...failed, status: 'pending', provider_status: 'PROCESSING' }
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(failed) })
    })
    await page.reload()
    await page.locator(`[data-test="refund-abnormal-${real.id}"]`).click()
    assert.equal(await page.locator(`[data-test="refund-again-${real.id}"]`).count(), 0, 'an ABNORMAL refund is not asked for again')
    const abDialog = page.locator('[data-test="abnormal-dialog"]')
    await abDialog.locator('[data-test="abnormal-account"]').fill('6212-26')
    await page.locator('[data-test="abnormal-submit"]').click()
    await abDialog.locator('.el-form-item__error', { hasText: '请选择开户银行' }).waitFor()
    await abDialog.locator('.el-form-item__error', { hasText: '10-30 位数字' }).waitFor()
    await abDialog.locator('.el-form-item__error', { hasText: '请填写持卡人姓名' }).waitFor()
    assert.equal(abnormalSent, null, 'nothing sent while the form is wrong')
    await choose('[data-test="abnormal-bank"]', '工商银行')
    await abDialog.locator('[data-test="abnormal-account"]').fill('6212261234567890123')
    await abDialog.locator('[data-test="abnormal-name"]').fill('王小美')
    for (let i = 0; i < 40 && await abDialog.locator('.el-form-item__error').count() > 0; i++) await page.waitForTimeout(50) // they fade out
    assert.equal(await abDialog.locator('.el-form-item__error').count(), 0, 'each error goes once its field is mended')
    await shot('commerce-abnormal-refund.png', abDialog)
    await page.locator('[data-test="abnormal-submit"]').click()
    await page.locator(`[data-test="refund-abnormal-${real.id}"]`).waitFor({ state: 'detached' })
    assert.deepEqual(abnormalSent, { method: 'POST', body: { type: 'USER_BANK_CARD', bank_type: 'ICBC_DEBIT', bank_account: '6212261234567890123', real_name: '王小美' } })
    await page.unroute(`**/api/v1/mall-orders/${o.id}/refunds/${real.id}/abnormal-refund`)
    await toastGone()
    failed = { ...failed, status: 'failed', provider_status: 'CLOSED' }
    await page.reload()
    await page.locator(`[data-test="refund-settle-${real.id}"]`).click()
    await box.locator('button', { hasText: /OK|确定/ }).click()
    await box.locator('.el-message-box__errormsg', { hasText: '请填写退回方式' }).waitFor()
    assert.equal(sent, null, 'no note, nothing sent')
    await box.locator('input').fill('  已在商户平台原路退回  ')
    await box.locator('button', { hasText: /OK|确定/ }).click()
    await page.locator(`[data-test="refund-hand-${real.id}"]`, { hasText: '已在商户平台原路退回' }).waitFor()
    assert.deepEqual(sent, { method: 'POST', body: { note: '已在商户平台原路退回' } })
    assert.equal(await page.locator(`[data-test="refund-settle-${real.id}"]`).count(), 0, 'the button goes once it is settled')
    await page.locator('[data-test="order-refunds"] .el-tag', { hasText: '已线下退回' }).waitFor()
    await page.unroute(`**/api/v1/mall-orders/${o.id}/refunds`)
    await page.unroute(`**/api/v1/mall-orders/${o.id}/refunds/${real.id}/settle-by-hand`)
    await page.goto(BASE + `/#/mall/orders?customer_id=${buyer}`)
    await page.locator(`[data-test="order-row"][data-order-id="${o.id}"]`).waitFor()
    await shot('commerce-orders.png')
    // an after-sales ticket on it, in the queue
    await must(201, as('POST', '/after-sales', { order_id: o.id, kind: 'exchange', reason: '想换 100ml' }), 'ticket')
    await page.locator('[data-test="menu-afterSales"]').click()
    await page.locator('[data-test="after-sale-table"] .el-table__body tr', { hasText: '想换 100ml' }).waitFor()
    await shot('commerce-after-sales.png')
  })

  await t.test('create a lottery and red packets; their pages show prizes, draws, claims and figures', async () => {
    await page.locator('[data-test="menu-lotteries"]').click()
    await page.locator('[data-test="lottery-create"]').click()
    await page.locator('[data-test="lottery-name"]').fill('幸运转盘' + randomHanzi(2))
    await page.locator('[data-test="lottery-submit"]').click()
    await page.waitForURL(/#\/mall\/lotteries\/\d+$/)
    const lotteryId = Number(page.url().match(/lotteries\/(\d+)$/)[1])
    const link = (await must(201, as('POST', `/customers/${buyer}/member-links`, { ttl_hours: 1 }), 'link')).token
    await must(201, apiCall('POST', `/member/lotteries/${lotteryId}/draws`, { token: link, body: {} }), 'draw')
    await page.reload()
    await page.locator('[data-test="lottery-draws"]', { hasText: '1' }).waitFor()
    await page.locator('[data-test="draw-log"] .el-table__body tr').first().waitFor()
    await chartDrawn('[data-test="activity-stats-chart"]')
    await shot('commerce-lottery.png')
    await page.goto(BASE + '/#/mall/lotteries')
    await shot('commerce-lotteries.png')

    await page.locator('[data-test="menu-redPackets"]').click()
    await page.locator('[data-test="packet-create"]').click()
    await page.locator('[data-test="packet-name"]').fill('新春红包' + randomHanzi(2))
    await number('[data-test="packet-total"]', '1')
    await number('[data-test="packet-count"]', 1)
    await page.locator('[data-test="packet-submit"]').click()
    await page.waitForURL(/#\/mall\/red-packets\/\d+$/)
    const packetId = Number(page.url().match(/red-packets\/(\d+)$/)[1])
    const packet = await must(200, as('GET', `/red-packets/${packetId}`), 'red packets')
    assert.deepEqual([packet.total, packet.count, packet.mode], [100, 1, 'lucky'])
    await must(201, apiCall('POST', `/member/red-packets/${packetId}/claims`, { token: link, body: {} }), 'claim')
    await page.reload()
    await page.locator('[data-test="packet-best-luck"]', { hasText: `#${buyer}` }).waitFor()
    await page.locator('[data-test="claim-log"] .el-table__body tr').first().waitFor()
    await chartDrawn('[data-test="activity-stats-chart"]')
    await shot('commerce-red-packet.png')
    // another set, stopped from its page, confirmed: nobody claims after it
    const more = await must(201, as('POST', '/red-packets', { name: '限时红包' + randomHanzi(2), mode: 'lucky', total: 500, count: 5,
      starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 3600000) }), 'a second red packet')
    await page.goto(BASE + `/#/mall/red-packets/${more.id}`)
    await page.locator('[data-test="packet-stop"]').click()
    const box = page.locator('.el-message-box')
    await box.waitFor()
    assert.match(await box.innerText(), /不再能领取/)
    await box.locator('.el-message-box__btns button', { hasText: '停止发放' }).click()
    await page.locator('[data-test="packet-state"]', { hasText: '已停止' }).waitFor()
    await page.locator('[data-test="packet-stopped-at"]').waitFor()
    await page.locator('[data-test="packet-stop"]').waitFor({ state: 'detached' })
    assert.equal((await must(200, as('GET', `/red-packets/${more.id}`), 'red packets after the stop')).state, 'stopped')
    await must(422, apiCall('POST', `/member/red-packets/${more.id}/claims`, { token: link, body: {} }), 'a claim after the stop')
    await page.goto(BASE + '/#/mall/red-packets')
    await shot('commerce-red-packets.png')
  })

  await t.test('edit the member level ladder: a new top level', async () => {
    await page.locator('[data-test="menu-loyalty"]').click()
    await page.locator('[data-test="set-points-per-yuan"]').waitFor()
    await shot('commerce-loyalty.png')
    await page.locator('[data-test="loyalty-tabs"] .el-tabs__item', { hasText: '会员等级' }).click()
    const before = (await must(200, as('GET', '/member-levels'), 'levels')).levels
    await page.locator('[data-test="level-add"]').click()
    const n = before.length
    const name = '黑金' + randomHanzi(2)
    await page.locator(`[data-test="level-name-${n}"]`).fill(name)
    await number(`[data-test="level-growth-${n}"]`, before[n - 1].growth_min + 1000000)
    await number(`[data-test="level-discount-${n}"]`, 85)
    await page.locator('[data-test="levels-save"]').click()
    await page.locator('.el-message-box .el-button--primary').click()
    await page.locator('.el-message', { hasText: '会员等级已保存' }).waitFor()
    const after = (await must(200, as('GET', '/member-levels'), 'levels')).levels
    assert.equal(after.length, n + 1)
    assert.deepEqual([after[n].name, after[n].growth_min, after[n].discount_percent], [name, before[n - 1].growth_min + 1000000, 85])
    await toastGone()
    await shot('commerce-levels.png')
  })

  await t.test('the customer page: give points with a reason, see the ledger and coupons, make a member link', async () => {
    await page.goto(BASE + `/#/customers/${buyer}`)
    const panel = page.locator('[data-test="loyalty-panel"]')
    await panel.waitFor()
    const balance = async () => Number((await page.locator('[data-test="points-balance"]').innerText()).replace(/[^0-9]/g, ''))
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-test="points-balance"]')?.innerText || ''))
    const start = await balance()
    await page.locator('[data-test="points-adjust-open"]').click()
    await number('[data-test="points-amount"]', 30)
    await page.locator('[data-test="points-note"]').fill('开业礼')
    await page.locator('[data-test="points-submit"]').click()
    await page.waitForFunction((n) => Number((document.querySelector('[data-test="points-balance"]')?.innerText || '').replace(/[^0-9]/g, '')) === n, start + 30)
    await page.locator('[data-test="points-ledger"] .el-table__body tr', { hasText: '开业礼' }).waitFor()
    await page.locator('[data-test="loyalty-panel"] .el-tabs__item', { hasText: '优惠券' }).click()
    await page.locator('[data-test="held-coupons"] .el-table__body tr', { hasText: coupon.name }).waitFor()
    await toastGone()
    await panel.scrollIntoViewIfNeeded()
    await shot('commerce-customer-points.png', panel)

    await page.locator('[data-test="member-link-open"]').click()
    await page.locator('[data-test="member-link-warning"]').waitFor()
    await page.locator('[data-test="member-link-create"]').click()
    const url = await page.locator('[data-test="member-link-url"]').inputValue()
    assert.match(url, new RegExp(`^${BASE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/member\\.html#/\\?t=ytm_${buyer}_\\d+_[A-Za-z0-9_-]{43}$`))
    await shot('commerce-member-link.png', page.locator('[data-test="member-link-dialog"]'))
    // the link opens the member's own pages
    const member = await context.newPage()
    await member.goto(url)
    await member.locator('[data-test="member-level"]').waitFor({ timeout: STEP })
    await member.close()
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
  })
})
