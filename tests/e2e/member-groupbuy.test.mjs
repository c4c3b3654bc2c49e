// Browser test of the member pages for group buys (拼团) and distribution (分销) at a phone's viewport: a leader
// opens a team from the activity page and pays; the team's share link (no token in it) brings a second and a
// third member, who join and pay until the team forms (拼团成功); a fourth, whose page still offered the last seat,
// is refused 已满员 and then sees the full team; a team still short when its activity ends shows 拼团失败, refunded.
// A member applies to distribute, staff approve, the page shows the balances and the invitation link; a friend
// bound through it buys, and the commission shows frozen, then withdrawable; a withdrawal above the balance shows
// the server's refusal with its detail, a valid one is listed.
// Needs a running server with the sandbox payment provider on: YT_BASE_URL, YT_ADMIN_PASSWORD,
// YT_PAY_SANDBOX_SECRET (scripts/browser-test.sh sets them); screenshots go to YT_SCREENSHOT_DIR (default
// tests/out). Uses the system Chromium (/usr/bin/chromium or YT_CHROMIUM).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import { BASE, PASSWORD, SANDBOX, SHOTS, randomHanzi, iso, yuan, apiCall, must, until, launch, shot as pageShot } from '../lib/e2e.mjs'

test('member pages: group buys (open, share, join, form, full) and distribution (apply, invite, commission, withdraw)', { timeout: 420_000 }, async (t) => {
  assert.ok(PASSWORD, 'YT_ADMIN_PASSWORD must be set to the admin password of the server under test')
  assert.ok(SANDBOX, 'YT_PAY_SANDBOX_SECRET must be the sandbox payment secret of the server under test')
  fs.mkdirSync(SHOTS, { recursive: true })
  const shot = (page, name) => pageShot(page, name, { settle: 8000 })

  // Arrange through the API, as staff: four members for the team, a product and a three-person group buy running
  // for two hours; a distributor-to-be and a friend, another product to buy.
  const admin = (await must(200, apiCall('POST', '/auth/login', { body: { username: 'admin', password: PASSWORD } }), 'login')).token
  const as = (token) => (method, p, body) => apiCall(method, p, { token, body })
  const tokens = [] // every member link made here
  const member = async (name) => {
    const id = (await must(201, as(admin)('POST', '/customers', { name }), 'customer')).id
    const token = (await must(201, as(admin)('POST', `/customers/${id}/member-links`, { ttl_hours: 2 }), 'link')).token
    tokens.push(token)
    return { id, name, token }
  }
  const pay = async (orderId, amount) => {
    const raw = JSON.stringify({ order_id: orderId, amount, transaction_id: 'e2e-' + crypto.randomUUID() })
    const sig = crypto.createHmac('sha256', SANDBOX).update(raw).digest('hex')
    await must(200, apiCall('POST', '/payments/sandbox/notify', { raw, headers: { 'X-Sandbox-Signature': sig } }), 'sandbox payment')
  }

  const [leader, second, third, late] = [await member('团长' + randomHanzi(3)), await member('李' + randomHanzi(2)),
    await member('王' + randomHanzi(2)), await member('赵' + randomHanzi(2))]
  const goods = await must(201, as(admin)('POST', '/products', {
    name: '手冲咖啡礼盒' + randomHanzi(2), category: '食品', skus: [{ name: '12杯装', price: 8800, stock: 100 }]
  }), 'product')
  const gb = await must(201, as(admin)('POST', '/group-buys', {
    name: '三人拼·咖啡礼盒' + randomHanzi(2), sku_id: goods.skus[0].id, price: 5900, stock: 30, team_size: 3, team_minutes: 120,
    per_customer_limit: 2, starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 2 * 3600_000)
  }), 'group buy')

  const { context, page: firstPage, pageErrors, watch: settle } = await launch(t, {
    phone: true, prefix: 'yt-e2e-member-gb-', permissions: ['clipboard-read', 'clipboard-write']
  })
  const requests = []
  const record = (p) => {
    p.on('request', (req) => requests.push({ url: req.url(), method: req.method(), auth: req.headers().authorization || '' }))
    return p
  }
  const watch = (p) => record(settle(p))
  // each member in a tab of their own: a tab keeps one member's token (sessionStorage)
  const tab = async () => watch(await context.newPage())
  const page = record(firstPage)
  const toast = (p, text) => p.locator('.van-toast', { hasText: text })
  const clipboard = (p) => p.evaluate(() => navigator.clipboard.readText())
  const teamApi = (m, code) => must(200, as(m.token)('GET', `/member/group-teams/${code}`), 'team')

  let code = '', shared = ''

  await t.test('拼团页: prices, team size and time limit, the countdown; 发起拼团 opens a team awaiting payment, then paid', async () => {
    await page.goto(`${BASE}/member.html#/group-buy/${gb.id}?t=${leader.token}`)
    assert.ok(!page.url().includes('t='), 'the token leaves the address')
    await page.locator('[data-test="group-name"]', { hasText: gb.name }).waitFor({ state: 'visible' })
    assert.match(await page.locator('[data-test="group-price"]').innerText(), /^¥\s*59\.00$/)
    assert.match(await page.locator('[data-test="group-original"]').innerText(), /单买价 ¥88\.00/)
    assert.equal((await page.locator('[data-test="group-size"]').innerText()).trim(), '3人团')
    assert.match(await page.locator('[data-test="group-rule"]').innerText(), /3人成团 · 2小时内有效/)
    assert.match(await page.locator('[data-test="group-stock"]').innerText(), /仅剩 30 件/)
    // the countdown to the activity's end, on the server's clock, and it runs
    const countdown = page.locator('[data-test="group-countdown"]')
    assert.equal(await countdown.getAttribute('data-phase'), 'running')
    const first = await countdown.innerText()
    const [, hh, mm, ss] = /(\d{2}):(\d{2}):(\d{2})/.exec(first)
    const shown = (Number(hh) * 3600 + Number(mm) * 60 + Number(ss)) * 1000
    const left = Date.parse(gb.ends_at) - Date.now()
    assert.ok(Math.abs(shown - left) < 60_000, `距结束 ${first} against ${Math.round(left / 1000)} s`)
    await page.waitForFunction((before) => document.querySelector('[data-test="group-countdown"]').innerText !== before, first, { timeout: 5000 })
    assert.equal(await page.locator('[data-test="group-my-team"]').count(), 0)
    await page.locator('[data-test="group-no-teams"]').waitFor({ state: 'visible' })
    const open = page.locator('[data-test="group-open"]')
    assert.equal(await open.getAttribute('data-state'), 'open')
    assert.match(await open.innerText(), /¥59\.00\s*发起拼团/)
    await shot(page, 'member-group-buy.png')

    await open.click()
    await page.waitForURL(/#\/group-team\/[0-9A-Z]{8}$/)
    code = /#\/group-team\/([0-9A-Z]{8})$/.exec(page.url())[1]
    const mine = (await must(200, as(leader.token)('GET', `/member/group-buys/${gb.id}`), 'activity')).my_teams
    assert.deepEqual(mine.map((x) => [x.code, x.leader, x.status, x.order_status]), [[code, true, 'open', 'pending']])
    const team = page.locator(`[data-test="team"][data-code="${code}"]`)
    await team.waitFor({ state: 'visible' })
    assert.equal(await team.getAttribute('data-state'), 'open')
    assert.equal(await page.locator('[data-test="team-seats-left"]').innerText(), '2')
    assert.match(await page.locator('[data-test="team-state"]').innerText(), /还差\s*2\s*人，拼团成功[\s\S]*剩余\s*\d{2}\s*:\s*\d{2}\s*:\s*\d{2}\s*结束/)
    assert.equal(await page.locator('[data-test="team-seat"]').count(), 3)
    assert.equal(await page.locator('[data-test="team-seat"][data-filled="true"]').count(), 1)
    assert.equal(await page.locator('[data-test="team-seat"][data-paid="true"]').count(), 0)
    const myOrder = page.locator('[data-test="team-mine"]')
    assert.equal(await myOrder.getAttribute('data-status'), 'pending')
    assert.match(await page.locator('[data-test="team-mine-total"]').innerText(), /59\.00/)
    assert.match(await page.locator('[data-test="team-pay-hint"]').innerText(), /请在 .+ 前完成支付/)
    assert.match(await page.locator('[data-test="team-tally"]').innerText(), /已参团 1\/3 人 · 已支付 0 人/)
    await toast(page, '开团成功').waitFor({ state: 'hidden' })
    await shot(page, 'member-group-team-pending.png')

    // paid (the sandbox provider): the page, polling, shows the seat paid
    const orderId = Number(await myOrder.getAttribute('data-order'))
    assert.equal(orderId, mine[0].order_id)
    await pay(orderId, 5900)
    await page.locator('[data-test="team-mine"][data-status="paid"]').waitFor({ state: 'visible' })
    await page.locator('[data-test="team-seat"][data-paid="true"]').waitFor({ state: 'visible' })
    assert.match(await page.locator('[data-test="team-tally"]').innerText(), /已支付 1 人/)
  })

  await t.test('邀请好友参团: the share link holds the team\'s code and no token, and is copied', async () => {
    const invite = page.locator('[data-test="team-action"]')
    assert.equal(await invite.getAttribute('data-state'), 'invite')
    await invite.click()
    const sheet = page.locator('[data-test="team-share-sheet"]')
    await sheet.locator('[data-test="team-share-copy"]').waitFor({ state: 'visible' })
    shared = (await sheet.locator('[data-test="team-share-link"]').innerText()).trim()
    assert.equal(shared, `${BASE}/member.html#/group-team/${code}`)
    assert.ok(!shared.includes(leader.token) && !shared.includes('t='), 'no token in a shared link')
    await sheet.locator('[data-test="team-share-copy"]').click()
    await sheet.locator('[data-test="team-share-copy"][data-copied="true"]').waitFor({ state: 'visible' })
    assert.equal(await clipboard(page), shared)
    await toast(page, '链接已复制').waitFor({ state: 'hidden' })
    await shot(page, 'member-group-team-share.png')
    await sheet.locator('.van-popup__close-icon').click()
    await sheet.waitFor({ state: 'hidden' })
    await shot(page, 'member-group-team.png')
  })

  let latePage
  await t.test('参团: a second member joins through the link and pays; the third takes the last seat; the fourth is refused 已满员', async () => {
    // the friend opens the shared link in their own session (their own token, as their pages always carry it)
    const p2 = await tab()
    await p2.goto(`${shared}?t=${second.token}`)
    const action2 = p2.locator('[data-test="team-action"]')
    await p2.locator(`[data-test="team"][data-code="${code}"][data-state="open"]`).waitFor({ state: 'visible' })
    assert.equal(await action2.getAttribute('data-state'), 'join')
    assert.match(await action2.innerText(), /¥59\.00 立即参团/)
    assert.equal(await p2.locator('[data-test="team-seats-left"]').innerText(), '2')
    assert.equal(await p2.locator('[data-test="team-mine"]').count(), 0)
    assert.equal((await p2.locator('[data-test="team-invited"]').innerText()).trim(), `${Array.from(leader.name)[0]}** 邀请你参团，成团即享拼团价`)
    await shot(p2, 'member-group-team-join.png')
    await action2.click()
    await p2.locator('[data-test="team-mine"][data-status="pending"]').waitFor({ state: 'visible' })
    await toast(p2, '参团成功').waitFor({ state: 'visible' })
    assert.equal(await p2.locator('[data-test="team-seats-left"]').innerText(), '1')
    assert.equal(await action2.getAttribute('data-state'), 'invite')
    const seat2 = await teamApi(second, code)
    assert.deepEqual([seat2.joined, seat2.seats_left, seat2.mine.status, seat2.mine.total], [2, 1, 'pending', 5900])
    await pay(seat2.mine.order_id, 5900)
    await p2.locator('[data-test="team-mine"][data-status="paid"]').waitFor({ state: 'visible' })

    // the fourth member's page offers the last seat; its reads are held, so it still does when they tap
    latePage = await tab()
    await latePage.goto(`${shared}?t=${late.token}`)
    const actionLate = latePage.locator('[data-test="team-action"]')
    await latePage.locator('[data-test="team-action"][data-state="join"]').waitFor({ state: 'visible' })
    assert.equal(await latePage.locator('[data-test="team-seats-left"]').innerText(), '1')
    const held = []
    const pattern = `**/api/v1/member/group-teams/${code}`
    await latePage.route(pattern, (route) => { held.push(route) })

    const p3 = await tab()
    await p3.goto(`${shared}?t=${third.token}`)
    await p3.locator('[data-test="team-action"][data-state="join"]').click()
    await p3.locator('[data-test="team-mine"][data-status="pending"]').waitFor({ state: 'visible' })
    // every seat taken, one not paid yet: full, waiting
    await p3.locator('[data-test="team"][data-state="full"]').waitFor({ state: 'visible' })
    assert.equal(await p3.locator('[data-test="team-action"]').getAttribute('data-state'), 'waiting')
    assert.match(await p3.locator('[data-test="team-state"]').innerText(), /该团已满员[\s\S]*等待 1 位团员完成支付/)

    try {
      assert.equal(await actionLate.getAttribute('data-state'), 'join', 'the page has not seen it yet')
      await actionLate.click()
      await toast(latePage, '来晚了，该团已满员').waitFor({ state: 'visible' })
      await shot(latePage, 'member-group-team-refused.png')
    } finally {
      await latePage.unroute(pattern)
      for (const r of held) await r.continue().catch(() => {})
    }
    await latePage.locator('[data-test="team"][data-state="full"]').waitFor({ state: 'visible' })
    assert.equal(await actionLate.getAttribute('data-state'), 'full')
    assert.ok(await actionLate.isDisabled(), 'no joining a full team')
    assert.match(await actionLate.innerText(), /该团已满员/)
    assert.equal(await latePage.locator('[data-test="team-mine"]').count(), 0)
    const seen = await teamApi(late, code)
    assert.deepEqual([seen.joined, seen.seats_left, seen.mine], [3, 0, null], 'the refused member holds no seat')

    // the third pays: 拼团成功 on every page
    const seat3 = await teamApi(third, code)
    await pay(seat3.mine.order_id, 5900)
    await p3.locator('[data-test="team"][data-status="formed"][data-state="formed"]').waitFor({ state: 'visible' })
    assert.match(await p3.locator('[data-test="team-state"]').innerText(), /拼团成功/)
    assert.equal(await p3.locator('[data-test="team-seat"][data-paid="true"]').count(), 3)
    assert.match(await p3.locator('[data-test="team-tally"]').innerText(), /已参团 3\/3 人 · 已支付 3 人/)
    assert.equal(await p3.locator('[data-test="team-action"]').getAttribute('data-state'), 'formed')
    await shot(p3, 'member-group-team-formed.png')
    await page.locator('[data-test="team"][data-status="formed"]').waitFor({ state: 'visible' })
    const formed = await teamApi(leader, code)
    assert.deepEqual([formed.status, formed.paid, formed.seats_left], ['formed', 3, 0])
    await p2.close()
    await p3.close()
  })

  await t.test('an extra member on the formed team sees 拼团成功 and 已满员, and cannot join', async () => {
    await latePage.reload()
    await latePage.locator('[data-test="team"][data-status="formed"]').waitFor({ state: 'visible' })
    const action = latePage.locator('[data-test="team-action"]')
    assert.equal(await action.getAttribute('data-state'), 'full')
    assert.ok(await action.isDisabled())
    assert.match(await action.innerText(), /该团已满员/)
    assert.match(await latePage.locator('[data-test="team-state"]').innerText(), /拼团成功[\s\S]*该团已满员/)
    await latePage.locator('[data-test="team-own"]').waitFor({ state: 'visible' })
    await shot(latePage, 'member-group-team-full.png')
    // 我也开一团 leads to the activity
    await latePage.locator('[data-test="team-own"]').click()
    await latePage.waitForURL(new RegExp(`#/group-buy/${gb.id}$`))
    await latePage.locator('[data-test="group-open"][data-state="open"]').waitFor({ state: 'visible' })
    await latePage.close()
  })

  await t.test('我的拼团 on the activity page, and the group order\'s detail', async () => {
    await page.goto(`${BASE}/member.html#/group-buy/${gb.id}`)
    const row = page.locator(`[data-test="group-my-team"][data-code="${code}"]`)
    await row.waitFor({ state: 'visible' })
    assert.equal(await row.getAttribute('data-status'), 'formed')
    assert.match(await row.innerText(), /团长[\s\S]*3\/3人[\s\S]*拼团成功[\s\S]*待发货/)
    assert.match(await page.locator('[data-test="group-stock"]').innerText(), /仅剩 27 件/)
    assert.equal(await page.locator('[data-test="group-no-teams"]').count(), 0)
    await row.scrollIntoViewIfNeeded()
    await shot(page, 'member-group-buy-mine.png')
    const orderId = (await teamApi(leader, code)).mine.order_id
    await page.goto(`${BASE}/member.html#/orders/${orderId}`)
    await page.locator(`[data-test="order-detail"][data-order="${orderId}"][data-status="paid"]`).waitFor({ state: 'visible' })
    await page.locator('[data-test="order-to-group"]').waitFor({ state: 'visible' })
    assert.equal(await page.locator('[data-test="order-cancel"]').count(), 0)
  })

  await t.test('拼团失败: a team still short when the activity ends is refunded, and the page says so', async () => {
    // a team's deadline never passes its activity's end: an activity ending in a few seconds
    const brief = await must(201, as(admin)('POST', '/group-buys', {
      name: '限时两人团' + randomHanzi(2), sku_id: goods.skus[0].id, price: 6600, stock: 5, team_size: 2, team_minutes: 60,
      starts_at: iso(Date.now() - 1000), ends_at: iso(Date.now() + 15_000)
    }), 'group buy')
    const solo = await member('孙' + randomHanzi(2))
    const opened = await must(201, as(solo.token)('POST', `/member/group-buys/${brief.id}/teams`, {}), 'open')
    await pay(opened.mine.order_id, 6600)
    const p = await tab()
    await p.goto(`${BASE}/member.html#/group-team/${opened.code}?t=${solo.token}`)
    await p.locator('[data-test="team"][data-state="open"]').waitFor({ state: 'visible' })
    assert.match(await p.locator('[data-test="team-countdown"]').innerText(), /剩余\s*00\s*:\s*00\s*:\s*[01]\d\s*结束/)
    // the page, polling, follows the team to its end
    await p.locator('[data-test="team"][data-status="failed"]').waitFor({ state: 'visible', timeout: 40_000 })
    await p.locator('[data-test="team-mine"][data-status="refunded"]').waitFor({ state: 'visible' })
    assert.match(await p.locator('[data-test="team-state"]').innerText(), /拼团失败[\s\S]*款项已原路退回/)
    const action = p.locator('[data-test="team-action"]')
    assert.equal(await action.getAttribute('data-state'), 'failed')
    assert.ok(await action.isDisabled())
    const order = await must(200, as(solo.token)('GET', `/member/orders/${opened.mine.order_id}`), 'order')
    assert.deepEqual([order.status, order.refunded], ['refunded', 6600])
    await shot(p, 'member-group-team-failed.png')
    await p.close()
  })

  // Distribution: 10% at level 1, 5% at level 2, released as soon as the order completes (settle_days 0, as the
  // API tests do; the sweep runs every second), withdrawals from ¥1.00.
  const before = await must(200, as(admin)('GET', '/distribution/settings'), 'settings')
  t.after(async () => {
    await as(admin)('PUT', '/distribution/settings', before)
  })
  await must(200, as(admin)('PUT', '/distribution/settings', {
    enabled: true, binding_mode: 'first', binding_days: 0, rate_unit: 'percent', level1_rate: 10, level2_rate: 5, settle_days: 0,
    withdraw_min: 100, rule_min_spend: 0, rule_tag_id: null
  }), 'settings')
  const promoter = await member('推广' + randomHanzi(3))
  const friend = await member('好友' + randomHanzi(2))
  const cream = await must(201, as(admin)('POST', '/products', {
    name: '玫瑰精华' + randomHanzi(2), category: '护肤', skus: [{ name: '30ml', price: 12800, stock: 50 }]
  }), 'product')
  const dpage = await tab()
  let distCode = '', link = ''
  const balance = (what) => dpage.locator(`[data-test="dist-${what}"]`)

  await t.test('分销中心 from the home grid: the rates and the application; pending until staff approve', async () => {
    await dpage.goto(`${BASE}/member.html#/?t=${promoter.token}`)
    await dpage.locator('[data-test="entry-distribution"]').click()
    await dpage.waitForURL(/#\/distribution$/)
    await dpage.locator('[data-test="dist-view"][data-view="apply"]').waitFor({ state: 'visible' })
    assert.deepEqual((await dpage.locator('[data-test="dist-rate"]').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim()),
      ['10% 直接推广佣金', '5% 间接推广佣金'])
    const reason = '我有很多宝妈朋友' + randomHanzi(2)
    await dpage.locator('[data-test="dist-application"] textarea').fill(reason)
    await shot(dpage, 'member-distribution-apply.png')
    await dpage.locator('[data-test="dist-apply"]').click()
    await dpage.locator('[data-test="dist-view"][data-view="pending"]').waitFor({ state: 'visible' })
    assert.match(await dpage.locator('[data-test="dist-status"]').innerText(), /申请审核中/)
    assert.equal((await dpage.locator('[data-test="dist-pending-application"]').innerText()).trim(), reason)
    const acct = await must(200, as(admin)('GET', `/distributors/${promoter.id}`), 'distributor')
    assert.deepEqual([acct.status, acct.application], ['pending', reason])
    await toast(dpage, '申请已提交').waitFor({ state: 'hidden' })
    await shot(dpage, 'member-distribution-pending.png')

    await must(200, as(admin)('POST', `/distributors/${promoter.id}/approve`), 'approve')
    await dpage.reload()
    await dpage.locator('[data-test="dist-view"][data-view="active"]').waitFor({ state: 'visible' })
    distCode = (await must(200, as(promoter.token)('GET', '/member/distribution'), 'mine')).distributor.code
    assert.equal((await balance('code').innerText()).trim(), distCode)
    link = (await balance('link').innerText()).trim()
    assert.equal(link, `${BASE}/member.html#/invite/${distCode}`)
    assert.ok(!link.includes(promoter.token) && !link.includes('t='), 'no token in an invitation')
    for (const [what, text] of [['withdrawable', /^¥\s*0\.00$/], ['frozen', /^¥0\.00$/], ['withdrawing', /^¥0\.00$/], ['withdrawn', /^¥0\.00$/]])
      assert.match((await balance(what).innerText()).trim(), text, what)
    assert.match(await balance('members').innerText(), /已邀请 0 人/)
    await dpage.locator('[data-test="dist-share"]').click()
    const sheet = dpage.locator('[data-test="dist-share-sheet"]')
    await sheet.locator('[data-test="dist-share-copy"]').click()
    await sheet.locator('[data-test="dist-share-copy"][data-copied="true"]').waitFor({ state: 'visible' })
    assert.equal((await sheet.locator('[data-test="dist-share-link"]').innerText()).trim(), link)
    assert.equal(await clipboard(dpage), link)
    await sheet.locator('.van-popup__close-icon').click()
    await sheet.waitFor({ state: 'hidden' })
  })

  let commission = 0
  await t.test('a friend bound through the invitation buys: the commission shows frozen, then withdrawable', async () => {
    const fpage = await tab()
    await fpage.goto(`${link}?t=${friend.token}`)
    const result = fpage.locator('[data-test="invite-result"]')
    await result.waitFor({ state: 'visible' })
    assert.equal(await result.getAttribute('data-outcome'), 'bound')
    const masked = Array.from(promoter.name)[0] + '**'
    assert.equal((await result.innerText()).trim(), `你已成为 ${masked} 的好友`)
    await shot(fpage, 'member-distribution-invite.png')
    const bound = await must(200, as(friend.token)('GET', '/member/distribution'), 'friend')
    assert.equal(bound.bound_to.name, masked)
    await fpage.close()

    const order = await must(201, as(friend.token)('POST', '/mall-orders', { lines: [{ sku_id: cream.skus[0].id, quantity: 2 }] }), 'order')
    await pay(order.id, order.total)
    commission = Math.floor(order.total * 10 / 100)
    assert.ok(commission >= 100, `a commission worth withdrawing (${commission})`)
    await dpage.reload()
    const row = dpage.locator(`[data-test="dist-commission"][data-order="${order.id}"]`)
    await row.waitFor({ state: 'visible' })
    assert.deepEqual([await row.getAttribute('data-level'), await row.getAttribute('data-status')], ['1', 'frozen'])
    assert.equal((await row.locator('[data-test="dist-commission-amount"]').innerText()).trim(), `+¥${yuan(commission)}`)
    assert.equal((await row.locator('[data-test="dist-commission-status"]').innerText()).trim(), '待结算')
    assert.match(await row.innerText(), new RegExp(`一级[\\s\\S]*订单实付 ¥${yuan(order.total).replace('.', '\\.')} · 佣金比例 10%[\\s\\S]*确认收货后结算`))
    assert.equal((await balance('frozen').innerText()).trim(), `¥${yuan(commission)}`)
    assert.match((await balance('withdrawable').innerText()).trim(), /^¥\s*0\.00$/)
    assert.match(await balance('members').innerText(), /已邀请 1 人/)

    await must(200, as(admin)('POST', `/mall-orders/${order.id}/ship`, { carrier: '顺丰速运', tracking_no: 'SF' + Date.now() }), 'ship')
    await must(200, as(friend.token)('POST', `/mall-orders/${order.id}/complete`), 'complete')
    await until('the release', async () => (await must(200, as(admin)('GET', `/distributors/${promoter.id}`), 'distributor')).balance.withdrawable === commission)
    await dpage.reload()
    await row.waitFor({ state: 'visible' })
    assert.equal(await row.getAttribute('data-status'), 'released')
    assert.equal((await row.locator('[data-test="dist-commission-status"]').innerText()).trim(), '可提现')
    assert.match((await balance('withdrawable').innerText()).trim(), new RegExp(`^¥\\s*${yuan(commission).replace('.', '\\.')}$`))
    assert.equal((await balance('frozen').innerText()).trim(), '¥0.00')
    await shot(dpage, 'member-distribution.png')
  })

  await t.test('提现: checked on the page, refused above the balance with the server\'s detail, a valid one listed', async () => {
    const posts = () => requests.filter((r) => r.method === 'POST' && r.url.endsWith('/api/v1/member/distribution/withdrawals')).length
    await dpage.locator('[data-test="dist-withdraw-open"]').click()
    const sheet = dpage.locator('[data-test="dist-withdraw-sheet"]')
    const amount = sheet.locator('[data-test="dist-amount"]')
    const submit = sheet.locator('[data-test="dist-withdraw-submit"]')
    const fieldError = sheet.locator('[data-test="dist-amount-error"]')
    await submit.waitFor({ state: 'visible' })
    for (const [typed, said] of [['', '请输入提现金额'], ['12.345', '请输入正确的金额（最多两位小数）'], ['-5', '请输入正确的金额（最多两位小数）'],
      ['abc', '请输入正确的金额（最多两位小数）'], ['0.99', '单笔最低提现 ¥1.00']]) {
      await amount.fill(typed)
      await submit.click()
      assert.equal((await fieldError.innerText()).trim(), said, `typed ${JSON.stringify(typed)}`)
    }
    assert.equal(posts(), 0, 'nothing sent while the amount is wrong')

    // above the balance: the server's refusal, in Chinese and with its own detail
    const tooMuch = commission + 1000
    const expected = await as(promoter.token)('POST', '/member/distribution/withdrawals', { amount: tooMuch })
    assert.equal(expected.status, 409)
    await amount.fill(yuan(tooMuch))
    await submit.click()
    const refusal = sheet.locator('[data-test="dist-withdraw-error"]')
    await refusal.waitFor({ state: 'visible' })
    assert.equal(posts(), 1)
    assert.match(await refusal.innerText(), /可提现余额不足/)
    assert.equal((await sheet.locator('[data-test="dist-withdraw-error-detail"]').innerText()).trim(), expected.json.detail)
    assert.match(expected.json.detail, new RegExp(`\\(${commission} fen\\)`))
    await shot(dpage, 'member-distribution-withdraw-refused.png')

    // ¥10.50 (typed as yuan, sent as 1050 fen)
    await amount.fill('10.5')
    await submit.click()
    await sheet.waitFor({ state: 'hidden' })
    const listed = dpage.locator('[data-test="dist-withdrawal"][data-amount="1050"]')
    await listed.waitFor({ state: 'visible' })
    assert.equal(await listed.getAttribute('data-status'), 'pending')
    assert.equal((await listed.locator('[data-test="dist-withdrawal-amount"]').innerText()).trim(), '¥10.50')
    assert.equal((await listed.locator('[data-test="dist-withdrawal-status"]').innerText()).trim(), '审核中')
    assert.match((await balance('withdrawable').innerText()).trim(), new RegExp(`^¥\\s*${yuan(commission - 1050).replace('.', '\\.')}$`))
    assert.equal((await balance('withdrawing').innerText()).trim(), '¥10.50')
    const mine = (await must(200, as(promoter.token)('GET', '/member/distribution/withdrawals'), 'withdrawals')).items
    assert.deepEqual(mine.map((w) => [w.amount, w.status]), [[1050, 'pending']])
    await toast(dpage, '已提交提现').waitFor({ state: 'hidden' })
    await shot(dpage, 'member-distribution-withdrawals.png')

    // staff pay it out: 已打款 with the reference
    await must(200, as(admin)('POST', `/distribution/withdrawals/${mine[0].id}/approve`, { payout_ref: 'WX-E2E-001' }), 'approve')
    await dpage.reload()
    await dpage.locator('.van-tab', { hasText: '提现记录' }).click()
    const paid = dpage.locator('[data-test="dist-withdrawal"][data-amount="1050"][data-status="paid"]')
    await paid.waitFor({ state: 'visible' })
    assert.match(await paid.innerText(), /打款凭证 WX-E2E-001[\s\S]*已打款/)
    assert.equal((await balance('withdrawn').innerText()).trim(), '¥10.50')
  })

  await t.test('the pages call only this server, with a member\'s token, never put one in an address, and raise no errors', async () => {
    const external = requests.filter((r) => /^https?:/.test(r.url) && !r.url.startsWith(BASE + '/'))
    assert.deepEqual(external, [])
    const apiCalls = requests.filter((r) => r.url.startsWith(BASE + '/api/'))
    assert.ok(apiCalls.length > 20)
    assert.ok(apiCalls.every((r) => tokens.some((tok) => r.auth === `Bearer ${tok}`)), 'every API call carries a member token')
    assert.ok(requests.every((r) => tokens.every((tok) => !r.url.includes(tok))), 'no address carries a token')
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the pages')
  })
})
