// Browser test of the web console: sign in, find a customer by Chinese name, add a tag and edit the profile on the detail page.
// Needs a running server: YT_BASE_URL (default http://127.0.0.1:18080), YT_ADMIN_PASSWORD; screenshots go to
// YT_SCREENSHOT_DIR (default tests/out). Uses the system Chromium (/usr/bin/chromium or YT_CHROMIUM).
import { test } from 'node:test'
import assert from 'node:assert/strict'
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

const HANZI = '春夏秋冬梅兰竹菊山水云月星海林风雨雪花鸟鱼虫金木火土明亮清新安宁和乐'
function randomHanzi(n) {
  let s = ''
  for (let i = 0; i < n; i++) s += HANZI[Math.floor(Math.random() * HANZI.length)]
  return s
}

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

test('console: login, search a customer by Chinese name, add a tag and edit the profile on the detail page', { timeout: 110_000 }, async (t) => {
  assert.ok(PASSWORD, 'YT_ADMIN_PASSWORD must be set to the admin password of the server under test')
  fs.mkdirSync(SHOTS, { recursive: true })

  // Arrange through the API: an admin token and a customer with a unique Chinese name.
  const login = await apiCall('POST', '/auth/login', { body: { username: 'admin', password: PASSWORD } })
  assert.equal(login.status, 200, `API login failed: ${login.text}`)
  const token = login.json.token
  const name = '测试客户' + randomHanzi(6)
  const tagName = '回头客' + randomHanzi(3)
  const created = await apiCall('POST', '/customers', { token, body: { name } })
  assert.equal(created.status, 201, `creating the customer failed: ${created.text}`)
  const id = created.json.id
  assert.ok(Number.isInteger(id), 'customer id is an integer')

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

  await t.test('sign in through the login page', async () => {
    await page.goto(BASE + '/#/login')
    await page.locator('[data-test="login-username"]').fill('admin')
    await page.locator('[data-test="login-password"]').fill(PASSWORD)
    await page.locator('[data-test="login-submit"]').click()
    await page.locator('[data-test="current-user"]').waitFor({ state: 'visible' })
    assert.ok(!page.url().includes('#/login'), `still on the login page: ${page.url()}`)
  })

  await t.test('the overview shows the demo brand at a glance', async () => {
    const kpi = page.locator('[data-test="kpi-customers"]')
    await kpi.waitFor({ state: 'visible' })
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-test="kpi-customers"]')
      return el && /[1-9]/.test(el.innerText.replace(/客户总数|Customers/, ''))
    }, null, { timeout: 30_000 })
    const text = await kpi.innerText()
    const n = Number(text.replace(/[^0-9]/g, ''))
    assert.ok(n >= 20000, `the demo brand has tens of thousands of customers, saw "${text}"`)
    await page.screenshot({ path: path.join(SHOTS, 'console-overview.png'), fullPage: true })
  })

  await t.test('search the customer list by Chinese name', async () => {
    await page.goto(BASE + '/#/customers')
    const search = page.locator('[data-test="customer-search"]')
    await search.waitFor({ state: 'visible' })
    await search.fill(name)
    await search.press('Enter')
    const rows = page.locator('[data-test="customer-row"]')
    await rows.filter({ hasText: name }).first().waitFor({ state: 'visible' })
    // Every row left after the search matches the unique name.
    await page.waitForFunction((n) => {
      const links = [...document.querySelectorAll('[data-test="customer-row"]')]
      return links.length > 0 && links.every((a) => a.textContent.includes(n))
    }, name, { timeout: STEP })
    assert.equal(await rows.count(), 1, 'exactly one customer matches the unique name')
    await page.screenshot({ path: path.join(SHOTS, 'console-customers.png'), fullPage: true })
  })

  await t.test('open the detail page and add a tag', async () => {
    await page.locator('[data-test="customer-row"]', { hasText: name }).first().click()
    await page.waitForURL(new RegExp(`#/customers/${id}$`))
    await page.locator('[data-test="customer-name"]', { hasText: name }).waitFor({ state: 'visible' })
    await page.locator('[data-test="tag-input"]').fill(tagName)
    await page.locator('[data-test="tag-add"]').click()
    const tag = page.locator('[data-test="customer-tag"]', { hasText: tagName })
    await tag.waitFor({ state: 'visible' })
    assert.equal((await tag.first().innerText()).trim(), tagName)
    await page.keyboard.press('Escape')
    await page.screenshot({ path: path.join(SHOTS, 'console-customer.png'), fullPage: true })
  })

  await t.test('the tag is stored on the server', async () => {
    const got = await apiCall('GET', `/customers/${id}`, { token })
    assert.equal(got.status, 200, got.text)
    assert.equal(got.json.name, name)
    assert.ok(Array.isArray(got.json.tags) && got.json.tags.includes(tagName),
      `tags ${JSON.stringify(got.json.tags)} include ${tagName}`)
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
  })

  await t.test('edit the profile: change the city to 杭州', async () => {
    await page.locator('[data-test="edit-profile"]').click()
    const city = page.locator('[data-test="edit-city"]')
    await city.waitFor({ state: 'visible' })
    await city.fill('杭州')
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'))
    await page.screenshot({ path: path.join(SHOTS, 'console-customer-edit.png') })
    await page.locator('[data-test="profile-save"]').click()
    await city.waitFor({ state: 'hidden' })
    await page.locator('[data-test="customer-city"]', { hasText: '杭州' }).waitFor({ state: 'visible' })
    const got = await apiCall('GET', `/customers/${id}`, { token })
    assert.equal(got.status, 200, got.text)
    assert.equal(got.json.city, '杭州')
    assert.equal(got.json.name, name, 'the name is left as it was')
    assert.ok(got.json.tags.includes(tagName), 'the tags are left as they were')
    assert.equal((await page.locator('[data-test="customer-city"]').innerText()).trim(), '杭州')
    await page.screenshot({ path: path.join(SHOTS, 'console-customer-edited.png'), fullPage: true })
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
  })
})
