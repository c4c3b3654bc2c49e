// Browser test of the audience pages: a segment typed as text with a mistake underlined where it is, fixed to a
// live count equal to the API's, saved, its members and CSV export; the same segment built in the visual mode;
// the RFM heatmap and groups opening the builder; the lifetime-value model and charts; a customer's audience card;
// the lifecycle and tag-rule pages when the server offers them.
// Needs a running server with the demo brand: YT_BASE_URL (default http://127.0.0.1:18080), YT_ADMIN_PASSWORD;
// screenshots go to YT_SCREENSHOT_DIR (default tests/out). Uses the system Chromium (/usr/bin/chromium or YT_CHROMIUM).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const BASE = (process.env.YT_BASE_URL || 'http://127.0.0.1:18080').replace(/\/+$/, '')
const PASSWORD = process.env.YT_ADMIN_PASSWORD || ''
const SHOTS = path.resolve(ROOT, process.env.YT_SCREENSHOT_DIR || 'tests/out')
const CHROMIUM = process.env.YT_CHROMIUM || '/usr/bin/chromium'
const STEP = 30_000

async function apiCall(method, p, { token, body } = {}) {
  const headers = {}
  if (token) headers.Authorization = `Bearer ${token}`
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await fetch(BASE + '/api/v1' + p, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(STEP)
  })
  const text = await res.text()
  let json = null
  try { json = text ? JSON.parse(text) : null } catch { /* not JSON */ }
  return { status: res.status, json, text }
}

async function settled(page) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'))
}

// The live count of the builder once it answers for what is typed now.
async function liveCount(page, scope = page) {
  const el = scope.locator('[data-test="seg-count"][data-state="ok"]')
  await el.waitFor({ state: 'visible' })
  return Number(await el.getAttribute('data-count'))
}

// Opens an Element Plus select and clicks the visible option whose text matches.
async function pick(page, select, text) {
  await select.click()
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: text }).first()
  await option.waitFor({ state: 'visible' })
  await option.click()
}

test('console audience: segments (text and visual), RFM, lifetime value, audience card, lifecycle, tag rules', { timeout: 120_000 }, async (t) => {
  assert.ok(PASSWORD, 'YT_ADMIN_PASSWORD must be set to the admin password of the server under test')
  fs.mkdirSync(SHOTS, { recursive: true })

  const login = await apiCall('POST', '/auth/login', { body: { username: 'admin', password: PASSWORD } })
  assert.equal(login.status, 200, `API login failed: ${login.text}`)
  const token = login.json.token
  const suffix = crypto.randomBytes(3).toString('hex')
  const segmentName = `宝妈高消费-${suffix}`
  const goodText = 'tag = "宝妈" and spend_90d >= 30000'

  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-e2e-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timeout: STEP,
    acceptDownloads: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  t.after(async () => {
    await context.close().catch(() => {})
    fs.rmSync(userDataDir, { recursive: true, force: true })
  })

  const page = context.pages()[0] || await context.newPage()
  page.setDefaultTimeout(STEP)
  page.setDefaultNavigationTimeout(STEP)
  const pageErrors = []
  page.on('pageerror', (err) => pageErrors.push(String(err)))

  let segmentId = null
  let memberId = null
  let textCount = null

  await t.test('sign in', async () => {
    await page.goto(BASE + '/#/login')
    await page.locator('[data-test="login-username"]').fill('admin')
    await page.locator('[data-test="login-password"]').fill(PASSWORD)
    await page.locator('[data-test="login-submit"]').click()
    await page.locator('[data-test="current-user"]').waitFor({ state: 'visible' })
  })

  await t.test('a mistake in the text is underlined at its character, with the message beside it', async () => {
    await page.locator('[data-test="menu-segments"]').click()
    await page.waitForURL(/#\/segments$/)
    await page.locator('[data-test="segment-create"]').click()
    await page.waitForURL(/#\/segments\/new/)
    await page.locator('[data-test="mode-text"]').click()
    const box = page.locator('[data-test="seg-text"]')
    await box.waitFor({ state: 'visible' })

    // A character outside the BMP before the mistake: the server counts code points, the page UTF-16 units.
    const astral = 'tag = "🍼" annd orders >= 1'
    const astralProblem = await apiCall('POST', '/segments/preview', { token, body: { query: astral } })
    assert.equal(astralProblem.status, 422, astralProblem.text)
    assert.equal(astralProblem.json.position, [...astral.slice(0, astral.indexOf('annd'))].length)
    await box.fill(astral)
    const mark = page.locator('[data-test="seg-error-mark"]')
    await page.locator('[data-test="seg-error-mark"]', { hasText: 'annd' }).waitFor({ state: 'visible' })
    assert.equal(Number(await mark.getAttribute('data-start')), astral.indexOf('annd'))

    const bad = 'tag = "宝妈" annd spend_90d >= 30000'
    const problem = await apiCall('POST', '/segments/preview', { token, body: { query: bad } })
    assert.equal(problem.status, 422, problem.text)
    assert.equal(problem.json.position, bad.indexOf('annd'))
    await box.fill(bad)
    await page.locator('[data-test="seg-error-mark"]', { hasText: 'annd' }).waitFor({ state: 'visible' })
    assert.equal((await mark.innerText()).trim(), 'annd')
    assert.equal(Number(await mark.getAttribute('data-start')), bad.indexOf('annd'))
    assert.equal(Number(await mark.getAttribute('data-end')), bad.indexOf('annd') + 4)
    // The wavy red underline is drawn under exactly that word.
    const style = await mark.evaluate((el) => getComputedStyle(el).textDecorationStyle)
    assert.equal(style, 'wavy')
    const message = page.locator('[data-test="seg-error"]')
    await message.waitFor({ state: 'visible' })
    const said = await message.innerText()
    assert.match(said, /第 12 个字符/, said)
    assert.match(said, /无法识别“annd”/, `the message is in Chinese: ${said}`)
    assert.equal(await page.locator('[data-test="seg-count"]').getAttribute('data-state'), 'error')
    assert.ok(await page.locator('[data-test="segment-save"]').isDisabled(), 'a query with a mistake cannot be saved')
    await page.screenshot({ path: path.join(SHOTS, 'audience-segment-error.png'), fullPage: true })
  })

  await t.test('fixed, the live count equals the API preview of the same text', async () => {
    await page.locator('[data-test="seg-text"]').fill(goodText)
    await page.locator('[data-test="seg-error-mark"]').waitFor({ state: 'detached' })
    textCount = await liveCount(page)
    const api = await apiCall('POST', '/segments/preview', { token, body: { query: goodText, sample: 0 } })
    assert.equal(api.status, 200, api.text)
    assert.ok(api.json.count > 0, 'the demo brand has big-spending mums')
    assert.equal(textCount, api.json.count)
    await page.screenshot({ path: path.join(SHOTS, 'audience-segment-count.png'), fullPage: true })
  })

  await t.test('save it, open it: members, and the CSV export', async () => {
    await page.locator('[data-test="segment-name"]').fill(segmentName)
    await page.locator('[data-test="segment-save"]').click()
    await page.waitForURL(/#\/segments\/\d+$/)
    segmentId = Number(page.url().match(/segments\/(\d+)$/)[1])
    await page.locator('[data-test="segment-title"]', { hasText: segmentName }).waitFor({ state: 'visible' })
    const saved = await apiCall('GET', `/segments/${segmentId}`, { token })
    assert.equal(saved.status, 200, saved.text)
    assert.equal(saved.json.query, goodText)
    assert.equal(Number(await page.locator('[data-test="segment-detail-count"]').getAttribute('data-count')), textCount)
    const rows = page.locator('[data-test="member-row"]')
    await rows.first().waitFor({ state: 'visible' })
    assert.equal(await rows.count(), Math.min(textCount, 50))
    memberId = Number(await rows.first().getAttribute('data-customer-id'))

    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-test="segment-export"]').click()
    ])
    assert.match(dl.suggestedFilename(), /\.csv$/)
    const csv = fs.readFileSync(await dl.path(), 'utf8').replace(/^\uFEFF/, '')
    const lines = csv.trim().split('\n')
    assert.match(lines[0], /^id,name,/)
    assert.equal(lines.length - 1, textCount, 'one CSV row per member')
    await page.screenshot({ path: path.join(SHOTS, 'audience-segment-detail.png'), fullPage: true })
  })

  await t.test('a bulk action tags every member of the segment', async () => {
    const tagName = `批量${suffix}`
    await page.locator('[data-test="segment-actions"]').click()
    await page.locator('[data-test="action-tag"]:visible').click()
    const dialog = page.locator('[data-test="action-dialog"]')
    await dialog.locator('[data-test="action-tags"]').click()
    await page.keyboard.type(tagName)
    await page.keyboard.press('Enter')
    await dialog.locator('p.muted').click() // closes the select's dropdown
    await dialog.locator('[data-test="action-submit"]').click()
    await dialog.waitFor({ state: 'hidden' })
    const tagged = await apiCall('POST', '/segments/preview', { token, body: { query: `tag = "${tagName}"`, sample: 0 } })
    assert.equal(tagged.json.count, textCount, 'every member got the tag')
    await page.locator('[data-test="segment-members"] .el-tag', { hasText: tagName }).first().waitFor({ state: 'visible' })
  })

  await t.test('the same segment built in the visual mode has the same count', async () => {
    await page.goto(BASE + '/#/segments/new')
    const rows = page.locator('[data-test="seg-cond"]')
    await rows.first().waitFor({ state: 'visible' })
    await pick(page, rows.nth(0).locator('[data-test="cond-attr"]'), /^标签tag$/)
    await rows.nth(0).locator('[data-test="cond-value"]').click()
    await page.keyboard.type('宝妈')
    await page.locator('.el-select-dropdown__item:visible', { hasText: /^宝妈\d+$/ }).first().click()
    await page.locator('[data-test="add-condition"]').first().click()
    await pick(page, rows.nth(1).locator('[data-test="cond-attr"]'), /^近 90 天消费spend_90d$/)
    await pick(page, rows.nth(1).locator('[data-test="cond-op"]'), /^大于等于$/)
    await rows.nth(1).locator('input[data-test="cond-value"]').fill('300')
    const visualCount = await liveCount(page)
    assert.equal(visualCount, textCount, 'visual mode (300 yuan) counts as the text (30000 fen)')
    await page.locator('[data-test="seg-canonical"]', { hasText: goodText }).waitFor({ state: 'visible' })
    await page.screenshot({ path: path.join(SHOTS, 'audience-segment-visual.png'), fullPage: true })
    await page.locator('[data-test="mode-text"]').click()
    assert.equal(await page.locator('[data-test="seg-text"]').inputValue(), goodText, 'switching to text shows the canonical text')
  })

  await t.test('RFM: 25 cells adding up to the buyers; a group opens the builder prefilled', async () => {
    const rfm = await apiCall('GET', '/audience/rfm', { token })
    assert.equal(rfm.status, 200, rfm.text)
    await page.locator('[data-test="menu-rfm"]').click()
    await page.waitForURL(/#\/audience\/rfm$/)
    const cells = page.locator('[data-test="rfm-cell"]')
    await page.waitForFunction(() => document.querySelectorAll('[data-test="rfm-cell"]').length === 25)
    const grid = await cells.evaluateAll((els) => els.map((e) => ({ r: +e.dataset.r, f: +e.dataset.f, count: +e.dataset.count })))
    assert.equal(new Set(grid.map((c) => `${c.r}${c.f}`)).size, 25, 'every R x F pair once')
    assert.equal(grid.reduce((s, c) => s + c.count, 0), rfm.json.buyers, 'the cells add up to the buyers')
    for (const c of rfm.json.grid) assert.equal(grid.find((g) => g.r === c.r && g.f === c.f).count, c.count)
    assert.ok(await page.locator('[data-test="rfm-heatmap"] canvas').count() > 0, 'the heatmap is drawn')
    const groups = page.locator('[data-test="rfm-group"]')
    assert.equal(await groups.count(), 8)
    await settled(page)
    await page.screenshot({ path: path.join(SHOTS, 'audience-rfm.png'), fullPage: true })

    const group = rfm.json.groups.find((g) => g.name === '重要价值客户')
    await page.locator('[data-test="rfm-group"][data-group="重要价值客户"]').click()
    await page.waitForURL(/#\/segments\/new\?/)
    await page.locator('[data-test="seg-cond"][data-attr="rfm_group"]').waitFor({ state: 'visible' })
    assert.equal(await liveCount(page), group.count, 'the builder counts the group as the report does')
    await page.locator('[data-test="seg-canonical"]', { hasText: 'rfm_group = "重要价值客户"' }).waitFor({ state: 'visible' })
    assert.equal(await page.locator('[data-test="segment-name"]').inputValue(), '重要价值客户')
    await page.screenshot({ path: path.join(SHOTS, 'audience-rfm-builder.png'), fullPage: true })
  })

  await t.test('lifetime value: the model parameters and the two charts', async () => {
    const clv = await apiCall('GET', '/audience/clv', { token })
    assert.equal(clv.status, 200, clv.text)
    assert.ok(clv.json.model, 'the demo brand has a fitted model')
    await page.locator('[data-test="menu-clv"]').click()
    await page.waitForURL(/#\/audience\/clv$/)
    for (const k of ['r', 'alpha', 'a', 'b']) {
      const el = page.locator(`[data-test="clv-param-${k}"]`)
      await el.waitFor({ state: 'visible' })
      assert.equal((await el.innerText()).trim(), clv.json.model.bgnbd[k].toFixed(4), `BG/NBD ${k}`)
    }
    assert.ok(await page.locator('[data-test="clv-palive-chart"] canvas').count() > 0, 'the P(alive) chart is drawn')
    assert.ok(await page.locator('[data-test="clv-value-chart"] canvas').count() > 0, 'the value chart is drawn')
    const total = await page.locator('[data-test="clv-total"]').innerText()
    assert.ok(total.replace(/[^0-9]/g, '').length > 0, `the expected 90-day revenue is shown: ${total}`)
    await settled(page)
    await page.screenshot({ path: path.join(SHOTS, 'audience-clv.png'), fullPage: true })

    // Refit: a new model is saved and shown.
    await page.locator('[data-test="clv-refit"]').click()
    await page.locator('[data-test="clv-fit-submit"]').click()
    await page.locator('.el-message--success', { hasText: /模型已重新拟合/ }).waitFor({ state: 'visible' })
    const refit = await apiCall('GET', '/audience/clv', { token })
    assert.ok(refit.json.model.id > clv.json.model.id, 'a new model is in use')
    assert.equal((await page.locator('[data-test="clv-param-r"]').innerText()).trim(), refit.json.model.bgnbd.r.toFixed(4))
  })

  await t.test('a customer of the segment has the audience card', async () => {
    assert.ok(memberId, 'a member was seen')
    const aud = await apiCall('GET', `/customers/${memberId}/audience`, { token })
    assert.equal(aud.status, 200, aud.text)
    await page.goto(BASE + `/#/customers/${memberId}`)
    const card = page.locator('[data-test="audience-card"]')
    await card.locator('[data-test="audience-palive"]').waitFor({ state: 'visible' })
    assert.equal((await card.locator('[data-test="audience-group"]').innerText()).trim(), aud.json.rfm.group)
    for (const k of ['r', 'f', 'm']) {
      assert.match(await card.locator(`[data-test="audience-${k}"]`).innerText(), new RegExp(`\\b${aud.json.rfm[k]}\\b`))
    }
    assert.equal((await card.locator('[data-test="audience-palive"]').innerText()).trim(), `${(aud.json.clv.p_alive * 100).toFixed(1)}%`)
    assert.match(await card.locator('[data-test="audience-spend90"]').innerText(), /^¥[\d,]+\.\d\d$/)
    await card.scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(SHOTS, 'audience-customer.png'), fullPage: true })
  })

  await t.test('lifecycle: stages and weekly flows', async (st) => {
    const lc = await apiCall('GET', '/audience/lifecycle', { token })
    if (lc.status === 404) {
      st.skip('the server has no GET /api/v1/audience/lifecycle yet')
      return
    }
    assert.equal(lc.status, 200, lc.text)
    await page.locator('[data-test="menu-lifecycle"]').click()
    await page.waitForURL(/#\/audience\/lifecycle$/)
    await page.locator('[data-test="lifecycle-stages"] canvas').first().waitFor({ state: 'attached' })
    const shown = await page.locator('[data-test="lifecycle-stage"]').evaluateAll((els) =>
      Object.fromEntries(els.map((e) => [e.dataset.stage, +e.dataset.count])))
    for (const s of lc.json.stages) assert.equal(shown[s.stage], s.count, `stage ${s.stage}`)
    if (lc.json.flows.some((f) => f.count > 0)) {
      assert.ok(await page.locator('[data-test="lifecycle-sankey"] canvas').count() > 0, 'the Sankey is drawn')
    }
    await settled(page)
    await page.screenshot({ path: path.join(SHOTS, 'audience-lifecycle.png'), fullPage: true })

    // The rules in the order they are tried; a mistake in one is underlined, fixed it is counted, saved it holds.
    const rulesApi = await apiCall('GET', '/audience/lifecycle/rules', { token })
    assert.equal(rulesApi.status, 200, rulesApi.text)
    const rows = page.locator('[data-test="lifecycle-rule"]')
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.dataset.stage)), rulesApi.json.items.map((r) => r.stage))
    const first = rows.nth(0)
    const original = rulesApi.json.items[0].query
    await first.locator('[data-test="seg-text"]').fill(original + ' annd')
    await first.locator('[data-test="seg-error-mark"]', { hasText: 'annd' }).waitFor({ state: 'visible' })
    assert.ok(await page.locator('[data-test="lifecycle-rules-save"]').isDisabled(), 'a rule with a mistake cannot be saved')
    await first.locator('[data-test="seg-text"]').fill(original)
    const counted = first.locator('[data-test="seg-input-count"][data-state="ok"]')
    await counted.waitFor({ state: 'visible' })
    const preview = await apiCall('POST', '/segments/preview', { token, body: { query: original, sample: 0 } })
    assert.equal(Number(await counted.getAttribute('data-count')), preview.json.count)
    await page.locator('[data-test="lifecycle-rules-save"]').click()
    await page.locator('.el-message--success', { hasText: /规则已保存/ }).waitFor({ state: 'visible' })
    const after = await apiCall('GET', '/audience/lifecycle/rules', { token })
    assert.deepEqual(after.json.items, rulesApi.json.items, 'the same rules are stored')
  })

  await t.test('tag rules: a loop is refused and shown, a rule is saved and has history', async (st) => {
    const list = await apiCall('GET', '/tag-rules', { token })
    if (list.status === 404) {
      st.skip('the server has no /api/v1/tag-rules yet')
      return
    }
    assert.equal(list.status, 200, list.text)
    const a = `甲${suffix}`, b = `乙${suffix}`, c = `丙${suffix}`
    const first = await apiCall('POST', '/tag-rules', { token, body: { name: `甲到乙-${suffix}`, query: `tag = "${a}"`, add: [b] } })
    assert.equal(first.status, 201, first.text)

    await page.locator('[data-test="menu-tag-rules"]').click()
    await page.waitForURL(/#\/tag-rules$/)
    await page.locator('[data-test="rule-row"]', { hasText: `甲到乙-${suffix}` }).waitFor({ state: 'visible' })
    await page.locator('[data-test="rule-create"]').click()
    const dialog = page.locator('[data-test="rule-dialog"]')
    await dialog.locator('[data-test="rule-name"]').fill(`乙到甲-${suffix}`)
    await dialog.locator('[data-test="mode-text"]').click()
    await dialog.locator('[data-test="seg-text"]').fill(`tag = "${b}"`)
    await liveCount(page, dialog)
    await dialog.locator('[data-test="rule-add"]').click()
    await page.keyboard.type(a)
    await page.keyboard.press('Enter')
    await dialog.locator('[data-test="rule-name"]').click() // closes the select's dropdown
    await dialog.locator('[data-test="rule-save"]').click()
    const cycle = dialog.locator('[data-test="rule-cycle"]')
    await cycle.waitFor({ state: 'visible' })
    const loopText = await cycle.innerText()
    assert.ok(loopText.includes(a) && loopText.includes(b), `the loop names both tags: ${loopText}`)
    assert.match(loopText, /→/)
    await settled(page)
    await page.screenshot({ path: path.join(SHOTS, 'audience-tag-rules-cycle.png'), fullPage: true })

    // Add another tag instead: no loop, saved and applied.
    await dialog.locator('[data-test="rule-add"] .el-tag__close').first().click()
    await dialog.locator('[data-test="rule-add"]').click()
    await page.keyboard.type(c)
    await page.keyboard.press('Enter')
    await dialog.locator('[data-test="rule-name"]').click()
    await dialog.locator('[data-test="rule-save"]').click()
    await dialog.waitFor({ state: 'hidden' })
    const row = page.locator('[data-test="rule-row"]', { hasText: `乙到甲-${suffix}` })
    await row.waitFor({ state: 'visible' })
    const rules = await apiCall('GET', '/tag-rules?limit=200', { token })
    const saved = rules.json.items.find((r) => r.name === `乙到甲-${suffix}`)
    assert.ok(saved, 'the rule is stored')
    assert.deepEqual(saved.add, [c])
    t.after(async () => {
      for (const r of [first.json.rule, saved]) await apiCall('DELETE', `/tag-rules/${r.id}`, { token })
    })
    await page.locator('tr', { has: row }).locator('[data-test="rule-history"]').click()
    await page.locator('[data-test="rule-history-drawer"]').waitFor({ state: 'visible' })
    await settled(page)
    await page.screenshot({ path: path.join(SHOTS, 'audience-tag-rules.png'), fullPage: true })
    await page.keyboard.press('Escape')
  })

  await t.test('no uncaught errors in the page', async () => {
    assert.deepEqual(pageErrors, [])
    if (segmentId) await apiCall('DELETE', `/segments/${segmentId}`, { token })
  })
})
