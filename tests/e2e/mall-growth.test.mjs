// Browser test of the console's group buy (拼团) and distribution (分销) pages at a desktop viewport in Chinese.
// A group buy made through the dialog (yuan typed, fen stored) and listed; a team opened through the member API shown
// on its page with its leader, seats and deadline; the group buy stopped. Distribution settings saved through the form
// and read back from the API; a member's application approved from the console; a withdrawal (commission earned on a
// paid, shipped and completed order, released with a freeze window of 0 days) approved as paid out; the leaderboard's
// chart drawn with the distributors ranked by name; a distributor's page with the member bound and the commission;
// menu entries shown only to tokens whose permissions allow them.
// Needs a running server: YT_BASE_URL, YT_ADMIN_PASSWORD and the server's YUTANG_PAY_SANDBOX_SECRET as
// YT_PAY_SANDBOX_SECRET (scripts/browser-test.sh sets them); screenshots go to YT_SCREENSHOT_DIR (default tests/out).
// Uses the system Chromium (/usr/bin/chromium or YT_CHROMIUM).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import { BASE, PASSWORD, SANDBOX, SHOTS, randomHanzi, apiCall, must, until, launch, consoleHelpers } from '../lib/e2e.mjs'

// date-times as the console shows them (Asia/Shanghai, minutes)
const shown = (iso) => {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'
  }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]))
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}
const yuan = (fen) => `¥${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`

test('console group buys and distribution: create, teams, stop, settings, approvals, withdrawals, leaderboard, permissions', { timeout: 300_000 }, async (t) => {
  assert.ok(PASSWORD, 'YT_ADMIN_PASSWORD must be set to the admin password of the server under test')
  assert.ok(SANDBOX, 'YT_PAY_SANDBOX_SECRET must be the server\'s YUTANG_PAY_SANDBOX_SECRET (scripts/browser-test.sh sets it)')
  fs.mkdirSync(SHOTS, { recursive: true })

  const admin = (await must(200, apiCall('POST', '/auth/login', { body: { username: 'admin', password: PASSWORD } }), 'login')).token
  const as = (method, p, body) => apiCall(method, p, { token: admin, body })
  const asMember = (m, method, p, body) => apiCall(method, p, { token: m.token, body })
  const pay = async (orderId, amount) => {
    const raw = JSON.stringify({ order_id: orderId, amount, transaction_id: 'e2e-' + crypto.randomUUID() })
    const sig = crypto.createHmac('sha256', SANDBOX).update(raw).digest('hex')
    await must(200, apiCall('POST', '/payments/sandbox/notify', { raw, headers: { 'Content-Type': 'application/json', 'X-Sandbox-Signature': sig } }), 'payment')
  }
  // a customer with a member link: {id, name, token}
  const member = async (prefix) => {
    const name = prefix + randomHanzi(3)
    const c = await must(201, as('POST', '/customers', { name }), 'customer')
    const l = await must(201, as('POST', `/customers/${c.id}/member-links`, { ttl_hours: 2 }), 'member link')
    return { id: c.id, name, token: l.token }
  }
  // a paid order of the member's, shipped and completed (so its commissions are released once the freeze window passes)
  const boughtAndCompleted = async (m, skuId, quantity) => {
    const o = await must(201, asMember(m, 'POST', '/mall-orders', { lines: [{ sku_id: skuId, quantity }] }), 'member order')
    await pay(o.id, o.total)
    await must(200, as('POST', `/mall-orders/${o.id}/ship`, { carrier: '顺丰', tracking_no: 'SF' + Date.now() }), 'ship')
    await must(200, asMember(m, 'POST', `/mall-orders/${o.id}/complete`), 'complete')
    return o
  }

  const productName = '拼团好物' + randomHanzi(3)
  const product = await must(201, as('POST', '/products', { name: productName, category: '家居', skus: [{ name: '标准装', price: 5000, stock: 200 }] }), 'product')
  const skuId = product.skus[0].id

  const { page, pageErrors, shot } = await launch(t)

  const { number, choose, chartDrawn, toastGone } = consoleHelpers(page)
  const text = async (locator) => (await locator.innerText()).trim()
  // the table row (tr) that holds the element sel
  const rowOf = (sel) => page.locator('tr.el-table__row', { has: page.locator(sel) })

  let group, applicant

  await t.test('sign in', async () => {
    await page.goto(BASE + '/#/login')
    await page.locator('[data-test="login-username"]').fill('admin')
    await page.locator('[data-test="login-password"]').fill(PASSWORD)
    await page.locator('[data-test="login-submit"]').click()
    await page.locator('[data-test="current-user"]').waitFor({ state: 'visible' })
  })

  await t.test('create a group buy through the dialog: the group price typed in yuan is stored in fen and listed', async () => {
    await page.locator('[data-test="menu-groupBuys"]').click()
    await page.waitForURL(/#\/mall\/group-buys$/)
    await page.locator('[data-test="group-create"]').click()
    const name = '三人团' + randomHanzi(3)
    await page.locator('[data-test="group-name"]').fill(name)
    await choose('[data-test="group-sku"]', `${productName} · 标准装`)
    await number('[data-test="group-price-input"]', '39.9')
    await number('[data-test="group-team-size"]', 3)
    await number('[data-test="group-hours"]', 24)
    await number('[data-test="group-stock"]', 20)
    await number('[data-test="group-limit"]', 2)
    assert.equal(await text(page.locator('[data-test="group-price-hint"]')), '原价 ¥50.00，拼团价约为 8 折，须低于原价')
    await shot('growth-group-form.png', page.locator('[data-test="group-dialog"]'))
    await page.locator('[data-test="group-submit"]').click()
    await page.waitForURL(/#\/mall\/group-buys\/\d+$/)
    const id = Number(page.url().match(/group-buys\/(\d+)$/)[1])
    group = await must(200, as('GET', `/group-buys/${id}`), 'group buy')
    assert.deepEqual([group.name, group.sku_id, group.price, group.list_price, group.team_size, group.team_minutes, group.stock, group.per_customer_limit, group.state],
      [name, skuId, 3990, 5000, 3, 1440, 20, 2, 'running'])
    assert.equal(await text(page.locator('[data-test="group-detail-price"]')), '¥39.90')
    assert.equal(await text(page.locator('[data-test="group-stock-left"]')), '20')

    await page.locator('[data-test="menu-groupBuys"]').click()
    const row = rowOf(`[data-test="group-row"][data-group-id="${id}"]`)
    await row.waitFor()
    assert.equal(await text(row.locator('[data-test="group-price"]')), '¥39.90')
    assert.equal(await text(row.locator('[data-test="group-size"]')), '3 人团')
    assert.equal(await text(row.locator('[data-test="group-state"]')), '进行中')
    await chartDrawn('[data-test="group-compare-chart"]')
    await toastGone()
    await shot('growth-group-buys.png')
  })

  await t.test('a team opened through the member API shows on the group buy\'s page with its leader, seats and deadline', async () => {
    const leader = await member('团长')
    const team = await must(201, asMember(leader, 'POST', `/member/group-buys/${group.id}/teams`, {}), 'open a team')
    assert.deepEqual([team.size, team.joined, team.mine.total], [3, 1, 3990])
    await page.goto(BASE + `/#/mall/group-buys/${group.id}`)
    const row = rowOf(`[data-test="team-code"]:text-is("${team.code}")`)
    await row.waitFor()
    await row.locator('[data-test="team-leader"]', { hasText: leader.name }).waitFor()
    assert.equal(await text(row.locator('[data-test="team-seats"]')), '1 / 3')
    assert.equal(await text(row.locator('[data-test="team-status-tag"]')), '拼团中')
    assert.equal(await text(row.locator('[data-test="team-expires"]')), shown(team.expires_at))
    assert.equal(await text(page.locator('[data-test="fig-opened"]')), '1')
    assert.equal(await text(page.locator('[data-test="fig-open"]')), '1')
    assert.equal(await text(page.locator('[data-test="group-stock-left"]')), '19')
    await chartDrawn('[data-test="group-teams-chart"]')
    // the expanded row lists the leader's pending order
    await row.locator('.el-table__expand-icon').click()
    const members = page.locator('[data-test="team-members"]')
    await members.locator('tr', { hasText: `#${team.mine.order_id}` }).waitFor()
    assert.match(await text(members), /待支付/)
    await shot('growth-group-buy.png')
  })

  await t.test('stop the group buy after confirming', async () => {
    await page.locator('[data-test="group-stop"]').click()
    const box = page.locator('.el-message-box')
    await box.waitFor()
    assert.match(await text(box), /确定停止吗/)
    await box.locator('.el-message-box__btns button', { hasText: '停止活动' }).click()
    await page.locator('[data-test="group-detail-state"]', { hasText: '已停止' }).waitFor()
    await page.locator('[data-test="group-stop"]').waitFor({ state: 'detached' })
    const after = await must(200, as('GET', `/group-buys/${group.id}`), 'group buy after')
    assert.equal(after.state, 'stopped')
    assert.ok(after.stopped_at)
    await page.locator('[data-test="menu-groupBuys"]').click()
    const row = rowOf(`[data-test="group-row"][data-group-id="${group.id}"]`)
    assert.equal(await text(row.locator('[data-test="group-state"]')), '已停止')
  })

  await t.test('save the distribution settings through the form and read them back from the API', async () => {
    await page.locator('[data-test="menu-distribution"]').click()
    await page.waitForURL(/#\/mall\/distribution/)
    await page.locator('[data-test="tab-settings"]').click()
    await page.waitForURL(/tab=settings/)
    const enabled = page.locator('[data-test="set-enabled"]')
    await enabled.waitFor()
    if (!(await enabled.getAttribute('class')).includes('is-checked')) await enabled.click()
    await page.locator('[data-test="set-mode"] .el-radio', { hasText: '申请审核' }).click()
    await page.locator('[data-test="set-binding-mode"] .el-radio-button', { hasText: '最后绑定' }).click()
    await number('[data-test="set-binding-days"]', 30)
    await page.locator('[data-test="set-rate-unit"] .el-radio-button', { hasText: '百分比' }).click()
    await number('[data-test="set-level1"]', 12)
    await number('[data-test="set-level2"]', 3)
    await number('[data-test="set-settle-days"]', 0)
    await number('[data-test="set-withdraw-min"]', '1')
    assert.equal(await text(page.locator('[data-test="set-example"]')), '示例：客户实付 ¥100.00，一级分销员得 ¥12.00，二级分销员得 ¥3.00')
    await page.locator('[data-test="set-save"]').click()
    await page.locator('.el-message', { hasText: '分销设置已保存' }).waitFor()
    const s = await must(200, as('GET', '/distribution/settings'), 'settings')
    assert.deepEqual(s, {
      enabled: true, binding_mode: 'last', binding_days: 30, rate_unit: 'percent', level1_rate: 12, level2_rate: 3,
      settle_days: 0, withdraw_min: 100, rule_min_spend: 0, rule_tag_id: null
    })
    await page.locator('[data-test="dist-enabled"]', { hasText: '分销已开启' }).waitFor()
    // what the form shows after a reload comes from the server
    await page.reload()
    await page.locator('[data-test="set-level1"] input').waitFor()
    assert.equal(await page.locator('[data-test="set-level1"] input').inputValue(), '12')
    assert.equal(await page.locator('[data-test="set-binding-days"] input').inputValue(), '30')
    assert.match(await text(page.locator('[data-test="dist-banner"]')), /一级佣金\s*12%[\s\S]*二级佣金\s*3%[\s\S]*最后绑定 · 30 天/)
    await toastGone()
    await shot('growth-dist-settings.png')
  })

  await t.test('a member\'s application is approved from the distributors tab', async () => {
    applicant = await member('申请分销')
    const applied = await must(201, asMember(applicant, 'POST', '/member/distribution/apply', { application: '想推荐给宝妈群的朋友' }), 'apply')
    assert.equal(applied.distributor.status, 'pending')
    await page.locator('[data-test="tab-distributors"]').click()
    await page.locator('[data-test="distributor-status"] .el-radio-button', { hasText: '待审核' }).click()
    const row = rowOf(`[data-test="distributor-row"][data-customer-id="${applicant.id}"]`)
    await row.waitFor()
    assert.match(await text(row), /想推荐给宝妈群的朋友/)
    assert.equal(await text(row.locator('[data-test="distributor-status-tag"]')), '待审核')
    await shot('growth-dist-distributors.png')
    await row.locator('[data-test="distributor-approve"]').click()
    await page.locator('.el-message-box .el-message-box__btns button', { hasText: '通过' }).click()
    await page.locator('.el-message', { hasText: `已通过 ${applicant.name} 的申请` }).waitFor()
    await row.waitFor({ state: 'detached' })
    const d = await must(200, as('GET', `/distributors/${applicant.id}`), 'distributor')
    assert.deepEqual([d.status, d.source, d.application], ['active', 'application', '想推荐给宝妈群的朋友'])
    await page.locator('[data-test="distributor-status"] .el-radio-button', { hasText: '已通过' }).click()
    const active = rowOf(`[data-test="distributor-row"][data-customer-id="${applicant.id}"]`)
    assert.equal(await text(active.locator('[data-test="distributor-status-tag"]')), '已通过')
  })

  await t.test('another application is rejected with a reason, which the API keeps', async () => {
    const other = await member('资料不全')
    await must(201, asMember(other, 'POST', '/member/distribution/apply', {}), 'apply')
    await toastGone()
    await page.locator('[data-test="distributor-status"] .el-radio-button', { hasText: '待审核' }).click()
    const row = rowOf(`[data-test="distributor-row"][data-customer-id="${other.id}"]`)
    await row.locator('[data-test="distributor-reject"]').click()
    const box = page.locator('.el-message-box')
    await box.locator('.el-message-box__btns button', { hasText: '确定' }).click()
    await box.locator('.el-message-box__errormsg', { hasText: '请填写原因' }).waitFor()
    await box.locator('textarea').fill('请补充身份信息')
    await box.locator('.el-message-box__btns button', { hasText: '确定' }).click()
    await page.locator('.el-message', { hasText: `已拒绝 ${other.name} 的申请` }).waitFor()
    await row.waitFor({ state: 'detached' })
    const d = await must(200, as('GET', `/distributors/${other.id}`), 'distributor')
    assert.deepEqual([d.status, d.decision_note], ['rejected', '请补充身份信息'])
    await toastGone()
  })

  let withdrawal, earned, top, topEarned
  await t.test('a withdrawal of released commission is approved as paid out; the API shows it paid', async () => {
    const me = await must(200, asMember(applicant, 'GET', '/member/distribution'), 'member distribution')
    const buyer = await member('分销买家')
    await must(200, asMember(buyer, 'POST', '/member/distribution/bind', { code: me.distributor.code }), 'bind')
    const o = await boughtAndCompleted(buyer, skuId, 1)
    earned = Math.floor(o.total * 12 / 100)
    assert.ok(earned > 0)
    await until('the commission to be released', async () => (await must(200, as('GET', `/distributors/${applicant.id}`), 'account')).balance.withdrawable === earned)
    withdrawal = await must(201, asMember(applicant, 'POST', '/member/distribution/withdrawals', { amount: earned }), 'withdrawal')
    const before = (await must(200, as('GET', '/distribution/withdrawals?status=pending&limit=200'), 'pending')).items.find((w) => w.id === withdrawal.id)
    assert.deepEqual([before.status, before.amount, before.customer_id], ['pending', earned, applicant.id])

    await page.locator('[data-test="tab-withdrawals"]').click()
    const row = rowOf(`[data-test="withdrawal-id"][data-withdrawal-id="${withdrawal.id}"]`)
    await row.waitFor()
    assert.equal(await text(row.locator('[data-test="withdrawal-amount"]')), yuan(earned))
    await row.locator(`a:text-is("${applicant.name}")`).waitFor()
    await toastGone()
    await shot('growth-dist-withdrawals.png')
    await row.locator('[data-test="withdrawal-approve"]').click()
    await page.locator('[data-test="withdrawal-ref"]').fill('WX-E2E-0001')
    await page.locator('[data-test="withdrawal-note"]').fill('微信转账')
    await shot('growth-dist-payout.png', page.locator('[data-test="withdrawal-dialog"]'))
    await page.locator('[data-test="withdrawal-submit"]').click()
    await page.locator('.el-message', { hasText: `已登记打款 ${yuan(earned)}` }).waitFor()
    await row.waitFor({ state: 'detached' })
    const after = (await must(200, as('GET', '/distribution/withdrawals?status=paid&limit=200'), 'paid')).items.find((w) => w.id === withdrawal.id)
    assert.deepEqual([after.status, after.payout_ref, after.note, after.amount], ['paid', 'WX-E2E-0001', '微信转账', earned])
    assert.ok(after.reviewed_at)
    const acct = await must(200, as('GET', `/distributors/${applicant.id}`), 'account')
    assert.deepEqual([acct.balance.withdrawable, acct.balance.withdrawing, acct.balance.withdrawn], [0, 0, earned])
    await page.locator('[data-test="withdrawal-status"] .el-radio-button', { hasText: '已打款' }).click()
    const paid = rowOf(`[data-test="withdrawal-id"][data-withdrawal-id="${withdrawal.id}"]`)
    assert.equal(await text(paid.locator('[data-test="withdrawal-status-tag"]')), '已打款')
    assert.match(await text(paid), /WX-E2E-0001/)
    await toastGone()
  })

  await t.test('the leaderboard charts the distributors and ranks them by commission with their names', async () => {
    // a second distributor (approved through the API) who brings a bigger order
    top = await member('金牌分销')
    await must(201, asMember(top, 'POST', '/member/distribution/apply', {}), 'apply')
    await must(200, as('POST', `/distributors/${top.id}/approve`), 'approve')
    const code = (await must(200, asMember(top, 'GET', '/member/distribution'), 'member distribution')).distributor.code
    const buyer = await member('大单买家')
    await must(200, asMember(buyer, 'POST', '/member/distribution/bind', { code }), 'bind')
    const o = await must(201, asMember(buyer, 'POST', '/mall-orders', { lines: [{ sku_id: skuId, quantity: 3 }] }), 'order')
    await pay(o.id, o.total)
    topEarned = Math.floor(o.total * 12 / 100)
    const board = await must(200, as('GET', '/distribution/leaderboard?limit=200'), 'leaderboard')
    assert.deepEqual(board.items.slice(0, 2).map((x) => [x.customer_id, x.commission]), [[top.id, topEarned], [applicant.id, earned]])

    await page.locator('[data-test="tab-leaderboard"]').click()
    await chartDrawn('[data-test="board-chart"]')
    const rows = page.locator('[data-test="board-table"] tr.el-table__row')
    await rows.nth(1).waitFor()
    const names = await page.locator('[data-test="board-table"] [data-test="board-name"]').allInnerTexts()
    assert.deepEqual(names.slice(0, 2).map((s) => s.trim()), [top.name, applicant.name])
    assert.equal(await text(rows.nth(0).locator('[data-test="board-rank"]')), '1')
    assert.equal(await text(rows.nth(0).locator('[data-test="board-commission"]')), yuan(topEarned))
    assert.equal(await text(rows.nth(1).locator('[data-test="board-commission"]')), yuan(earned))
    await shot('growth-dist-leaderboard.png')
  })

  await t.test('commissions by status, and a distributor\'s page with the member bound and the commission', async () => {
    await page.locator('[data-test="tab-commissions"]').click()
    await page.locator('[data-test="commission-status"] .el-radio-button', { hasText: '冻结中' }).click()
    const frozen = page.locator('[data-test="commission-table"] tr.el-table__row')
    await frozen.first().waitFor()
    await page.waitForFunction(() => [...document.querySelectorAll('[data-test="commission-table"] [data-test="commission-status-tag"]')]
      .every((e) => e.innerText.trim() === '冻结中'))
    const frozenRow = page.locator('[data-test="commission-table"] tr.el-table__row', { hasText: top.name })
    assert.equal(await frozenRow.count(), 1, 'the top distributor\'s commission is frozen (its order is not completed)')
    assert.equal(await text(frozenRow.locator('[data-test="commission-amount"]')), yuan(topEarned))
    assert.equal(await page.locator('[data-test="commission-table"] tr.el-table__row', { hasText: applicant.name }).count(), 0,
      'the released commission is not among the frozen ones')
    await shot('growth-dist-commissions.png')

    await page.locator('[data-test="tab-distributors"]').click()
    await page.locator('[data-test="distributor-status"] .el-radio-button', { hasText: '全部' }).click()
    await page.locator(`[data-test="distributor-row"][data-customer-id="${applicant.id}"]`).click()
    await page.waitForURL(new RegExp(`#/mall/distribution/distributors/${applicant.id}$`))
    await page.locator('[data-test="distributor-title"]', { hasText: applicant.name }).waitFor()
    assert.equal(await text(page.locator('[data-test="distributor-detail-status"]')), '已通过')
    await page.locator('[data-test="distributor-members"] tr.el-table__row', { hasText: '分销买家' }).waitFor()
    assert.equal(await page.locator('[data-test="distributor-members"] tr.el-table__row').count(), 1)
    await page.locator('.el-tabs__item', { hasText: '佣金明细' }).click()
    const c = page.locator('[data-test="commission-table"] tr.el-table__row')
    await c.first().waitFor()
    assert.equal(await c.count(), 1)
    assert.equal(await text(c.first().locator('[data-test="commission-amount"]')), yuan(earned))
    assert.equal(await text(c.first().locator('[data-test="commission-status-tag"]')), '已结算')
    await page.locator('.el-tabs__item', { hasText: '绑定客户' }).click()
    await shot('growth-distributor.png')
  })

  await t.test('the menu shows group buys and distribution only to tokens whose permissions allow them', async () => {
    const mint = async (scopes) => (await must(201, as('POST', '/tokens', { name: 'e2e-' + scopes.join('+'), scopes, ttl_days: 1 }), 'token')).token
    const signInWith = async (token) => {
      await page.evaluate((tok) => localStorage.setItem('yt.token', tok), token)
      await page.goto(BASE + '/#/customers')
      await page.reload()
      await page.locator('[data-test="menu-customers"]').waitFor()
    }
    const menu = (key) => page.locator(`[data-test="menu-${key}"]`)
    // commerce.read without customers.read: group buys, not distribution (whose lists name customers)
    await signInWith(await mint(['commerce.read']))
    await menu('groupBuys').waitFor()
    await page.waitForFunction(() => !document.querySelector('[data-test="menu-distribution"]'))
    assert.equal(await menu('distribution').count(), 0)
    // both reads, no writes: both entries, no create button nor approve buttons
    await signInWith(await mint(['commerce.read', 'customers.read']))
    await menu('distribution').waitFor()
    await menu('groupBuys').click()
    await page.locator('[data-test="group-table"]').waitFor()
    await page.waitForFunction(() => !document.querySelector('[data-test="group-create"]'))
    await menu('distribution').click()
    await page.locator('[data-test="distributor-table"]').waitFor()
    await page.locator(`[data-test="distributor-row"][data-customer-id="${applicant.id}"]`).waitFor()
    assert.equal(await page.locator('[data-test="distributor-disable"]').count(), 0)
    // customers.read alone: no mall entries at all
    await signInWith(await mint(['customers.read']))
    await page.waitForFunction(() => !document.querySelector('[data-test="menu-groupBuys"]'))
    assert.equal(await menu('distribution').count(), 0)
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
  })
})
