// Browser test of the staff page's tokens dialog: a manager sees a person's live session and API token and
// revokes the API token, which the server then refuses.
// Needs a running server: YT_BASE_URL (default http://127.0.0.1:18080), YT_ADMIN_PASSWORD; screenshots go to
// YT_SCREENSHOT_DIR (default tests/out). Uses the system Chromium (/usr/bin/chromium or YT_CHROMIUM).
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

test('console: a manager sees a person\'s live session and API token on the staff page and revokes the token', { timeout: 110_000 }, async (t) => {
  assert.ok(PASSWORD, 'YT_ADMIN_PASSWORD must be set to the admin password of the server under test')
  fs.mkdirSync(SHOTS, { recursive: true })

  // Arrange through the API: a new staff member who signs in (a session) and mints an API token. Minting needs
  // tokens.write, which of the roles only owner and admin hold, so the person is an admin (whom an owner manages).
  const login = await apiCall('POST', '/auth/login', { body: { username: 'admin', password: PASSWORD } })
  assert.equal(login.status, 200, `API login failed: ${login.text}`)
  const adminToken = login.json.token
  const suffix = crypto.randomBytes(4).toString('hex')
  const username = `e2e.tokens.${suffix}`
  const displayName = `令牌测试 ${suffix}`
  const personPassword = `pw-${crypto.randomBytes(8).toString('hex')}`
  const created = await apiCall('POST', '/staff', {
    token: adminToken, body: { username, display_name: displayName, role: 'admin', password: personPassword }
  })
  assert.equal(created.status, 201, `creating the staff member failed: ${created.text}`)
  const personId = created.json.id
  const personLogin = await apiCall('POST', '/auth/login', { body: { username, password: personPassword } })
  assert.equal(personLogin.status, 200, `the new person cannot sign in: ${personLogin.text}`)
  const sessionToken = personLogin.json.token
  const tokenName = `数据同步-${suffix}`
  const minted = await apiCall('POST', '/tokens', {
    token: sessionToken, body: { name: tokenName, scopes: ['customers.read', 'tags.write'], ttl_days: 7 }
  })
  assert.equal(minted.status, 201, `minting the API token failed: ${minted.text}`)
  const apiToken = minted.json.token
  assert.equal((await apiCall('GET', '/me', { token: apiToken })).status, 200, 'the API token works before it is revoked')

  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-e2e-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timeout: STEP,
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
  const dialog = page.locator('.el-dialog[data-test="tokens-dialog"]')
  const rows = dialog.locator('.el-table__body tr.el-table__row')
  const apiRow = rows.filter({ hasText: tokenName })

  await t.test('sign in as admin and open the staff page', async () => {
    await page.goto(BASE + '/#/login')
    await page.locator('[data-test="login-username"]').fill('admin')
    await page.locator('[data-test="login-password"]').fill(PASSWORD)
    await page.locator('[data-test="login-submit"]').click()
    await page.locator('[data-test="current-user"]').waitFor({ state: 'visible' })
    await page.goto(BASE + '/#/staff')
    await page.locator(`[data-test="staff-tokens"][data-username="${username}"]`).waitFor({ state: 'visible' })
  })

  await t.test('the person\'s tokens: the API token with its scopes and the console session', async () => {
    await page.locator(`[data-test="staff-tokens"][data-username="${username}"]`).click()
    await dialog.waitFor({ state: 'visible' })
    assert.ok((await dialog.locator('.el-dialog__title').innerText()).includes(displayName), 'the title names the person')
    await apiRow.waitFor({ state: 'visible' })
    await page.waitForFunction(() => !document.querySelector('.el-dialog[data-test="tokens-dialog"] .el-loading-mask'))
    assert.equal(await rows.count(), 2, 'one API token and one session are live')

    assert.equal(await apiRow.locator('[data-test="token-kind"]').getAttribute('data-kind'), 'api')
    assert.equal((await apiRow.locator('[data-test="token-kind"]').innerText()).trim(), 'API 令牌')
    const scopes = await apiRow.locator('[data-test="token-scope"]').evaluateAll((els) => els.map((e) => e.dataset.scope))
    assert.deepEqual(scopes.sort(), ['customers.read', 'tags.write'])
    assert.deepEqual((await apiRow.locator('[data-test="token-scope"]').allInnerTexts()).map((s) => s.trim()).sort(),
      ['查看客户', '给客户打标签'].sort())

    const sessionRow = rows.filter({ has: page.locator('[data-kind="session"]') })
    assert.equal(await sessionRow.count(), 1, 'the session is listed')
    assert.equal((await sessionRow.locator('[data-test="token-kind"]').innerText()).trim(), '会话')
    assert.equal((await sessionRow.locator('[data-test="token-scope"]').innerText()).trim(), '角色全部权限')
    assert.equal((await sessionRow.locator('[data-test="token-name"]').innerText()).trim(), '控制台登录')

    const hint = await dialog.locator('.el-alert').first().innerText()
    assert.ok(hint.includes('新密码') && hint.includes('停用'), `the dialog says what ends tokens: ${hint}`)
    await settled(page)
    await page.screenshot({ path: path.join(SHOTS, 'console-staff-tokens.png') })
  })

  await t.test('revoke the API token after confirming', async () => {
    await apiRow.locator('[data-test="token-revoke"]').click()
    const box = page.locator('.el-message-box')
    await box.waitFor({ state: 'visible' })
    assert.ok((await box.innerText()).includes(tokenName), 'the confirmation names the token')
    await settled(page)
    await page.screenshot({ path: path.join(SHOTS, 'console-staff-tokens-revoke.png') })
    await box.getByRole('button', { name: '撤销', exact: true }).click()
    await apiRow.waitFor({ state: 'detached' })
    await page.waitForFunction(() => !document.querySelector('.el-dialog[data-test="tokens-dialog"] .el-loading-mask'))
    assert.equal(await rows.count(), 1, 'only the session is left')
    assert.equal(await rows.first().locator('[data-test="token-kind"]').getAttribute('data-kind'), 'session')
    assert.equal(await dialog.locator('[data-test="tokens-error"]').count(), 0, 'no error is shown')
  })

  await t.test('the server refuses the revoked token and keeps the session', async () => {
    const refused = await apiCall('GET', '/me', { token: apiToken })
    assert.equal(refused.status, 401, `the revoked API token is refused: ${refused.status} ${refused.text}`)
    assert.equal((await apiCall('GET', '/me', { token: sessionToken })).status, 200, 'the session still works')
    const live = await apiCall('GET', `/staff/${personId}/tokens`, { token: adminToken })
    assert.equal(live.status, 200, live.text)
    assert.deepEqual(live.json.items.map((x) => x.kind), ['session'])
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
  })

  await t.test('an admin who may not manage the owner sees the server\'s refusal in the dialog', async () => {
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    await page.locator('[data-test="logout"]').click()
    await page.locator('[data-test="login-username"]').fill(username)
    await page.locator('[data-test="login-password"]').fill(personPassword)
    await page.locator('[data-test="login-submit"]').click()
    await page.locator('[data-test="current-user"]').waitFor({ state: 'visible' })
    await page.goto(BASE + '/#/staff')
    await page.locator('[data-test="staff-tokens"][data-username="admin"]').click()
    const error = dialog.locator('[data-test="tokens-error"]')
    await error.waitFor({ state: 'visible' })
    assert.match(await error.innerText(), /没有权限/, 'the 403 is shown in the reader\'s language')
    assert.equal(await rows.count(), 0, 'no tokens are listed')
    await settled(page)
    await page.screenshot({ path: path.join(SHOTS, 'console-staff-tokens-refused.png') })
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
  })
})
