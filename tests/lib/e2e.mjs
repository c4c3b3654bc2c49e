// Shared setup for the browser tests (tests/e2e/): the server's address and secrets, API calls, Chromium and screenshots.
import crypto from 'node:crypto'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const BASE = (process.env.YT_BASE_URL || 'http://127.0.0.1:18080').replace(/\/+$/, '')
export const PASSWORD = process.env.YT_ADMIN_PASSWORD || ''
export const SANDBOX = process.env.YT_PAY_SANDBOX_SECRET || ''
export const SHOTS = path.resolve(ROOT, process.env.YT_SCREENSHOT_DIR || 'tests/out')
export const CHROMIUM = process.env.YT_CHROMIUM || '/usr/bin/chromium'
export const STEP = 30_000
// the member pages' phone
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true, locale: 'zh-CN' }
// the console's desktop
export const DESKTOP = { viewport: { width: 1440, height: 900 }, locale: 'zh-CN' }

const HANZI = '春夏秋冬梅兰竹菊山水云月星海林风雨雪花鸟鱼虫金木火土明亮清新安宁和乐'
export function randomHanzi(n) {
  let s = ''
  for (let i = 0; i < n; i++) s += HANZI[Math.floor(Math.random() * HANZI.length)]
  return s
}
export const iso = (ms) => new Date(ms).toISOString()
// fen as the member pages show yuan: 12.30
export const yuan = (fen) => (fen / 100).toFixed(2)
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

// A call to the API: a JSON body, or a raw one (sent as JSON too), and extra headers.
export async function apiCall(method, p, { token, body, raw, headers = {} } = {}) {
  const h = { ...headers }
  if (token) h.Authorization = `Bearer ${token}`
  if (body !== undefined || raw !== undefined) h['Content-Type'] = 'application/json'
  const res = await fetch(BASE + '/api/v1' + p, {
    method, headers: h, body: raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(STEP)
  })
  const text = await res.text()
  let json = null
  try { json = text ? JSON.parse(text) : null } catch { /* not JSON */ }
  return { status: res.status, json, text }
}
export async function must(status, call, what) {
  const r = await call
  assert.equal(r.status, status, `${what}: ${r.text}`)
  return r.json
}
export async function until(what, fn, ms = 20_000, every = 250) {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) assert.fail(`waited ${ms / 1000} s for ${what}`)
    await sleep(every)
  }
}

// A screenshot into SHOTS once transitions (toasts, dialogs, charts) have finished (waiting at most `settle` ms):
// the page's, or the locator's.
export async function shot(page, name, { locator, settle = 5000 } = {}) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), null, { timeout: settle }).catch(() => {})
  if (locator) await locator.screenshot({ path: path.join(SHOTS, name) })
  else await page.screenshot({ path: path.join(SHOTS, name) })
}

// The system Chromium, headless, in a user-data directory of its own that goes when the test t ends. `phone` for
// the member pages' phone, else the console's desktop; `timezoneId` (Asia/Shanghai unless null) and any other
// Playwright context options as given. The first page has the default timeouts and its errors go into pageErrors;
// `watch` does the same for another page. `shot(name, locator)` screenshots the first page.
export async function launch(t, { phone = false, prefix = 'yt-e2e-chromium-', timezoneId = 'Asia/Shanghai', ...options } = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    ...(phone ? PHONE : DESKTOP),
    ...(timezoneId ? { timezoneId } : {}),
    timeout: STEP,
    ...options,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  t.after(async () => {
    await context.close().catch(() => {})
    fs.rmSync(userDataDir, { recursive: true, force: true })
  })
  const pageErrors = []
  const watch = (p) => {
    p.setDefaultTimeout(STEP)
    p.setDefaultNavigationTimeout(STEP)
    p.on('pageerror', (err) => pageErrors.push(String(err)))
    return p
  }
  const page = watch(context.pages()[0] || await context.newPage())
  return { context, page, pageErrors, watch, shot: (name, locator) => shot(page, name, { locator }) }
}

// The console's Element Plus controls, as a person works them on page: number(sel, v) types into a number
// input and leaves it; choose(sel, text) opens a select and picks the option whose text includes text;
// chartDrawn(sel) waits until the chart has drawn into a canvas of real size; toastGone() until the message
// toast has left (or 8 s).
export function consoleHelpers(page) {
  return {
    number: async (sel, value) => {
      const input = page.locator(`${sel} input`)
      await input.fill(String(value))
      await input.press('Tab')
    },
    choose: async (sel, text) => {
      await page.locator(sel).click()
      // the option found may be one the dropdown then hides (it re-renders as its options load, or it is a
      // closed dropdown's, still in the page): a click waits on the element it found, so look again
      const option = page.locator('.el-select-dropdown:visible .el-select-dropdown__item:visible', { hasText: text }).first()
      for (let tries = 1; ; tries++) {
        try {
          await option.click({ timeout: 3000 })
          return
        } catch (e) {
          if (tries === 8) throw e
        }
        if (!(await option.count())) await page.locator(sel).click() // the dropdown closed: open it again
      }
    },
    chartDrawn: async (sel) => {
      const canvas = page.locator(`${sel} canvas`).first()
      await canvas.waitFor({ state: 'visible' })
      const box = await canvas.boundingBox()
      assert.ok(box && box.width > 100 && box.height > 100, `${sel} draws into a canvas of non-zero size, got ${JSON.stringify(box)}`)
    },
    toastGone: () => page.locator('.el-message').waitFor({ state: 'detached', timeout: 8000 }).catch(() => {}),
  }
}

// What WeChat Pay's JSAPI prepay would give the page, as the server passes it on.
export function payParams() {
  return {
    appId: 'wxd678efh567hg6787',
    timeStamp: String(Math.floor(Date.now() / 1000)),
    nonceStr: crypto.randomBytes(12).toString('hex'),
    package: 'prepay_id=wx' + crypto.randomBytes(14).toString('hex'),
    signType: 'RSA',
    paySign: crypto.randomBytes(256).toString('base64')
  }
}

// A stand-in for WeChat's bridge: records each invoke and keeps its callback for the test to answer (page.addInitScript(fakeBridge,
// { late })). With
// `late`, the page looks like WeChat (MicroMessenger in the user agent) but the bridge only comes up when the
// test calls window.__wxReady(), which sends WeixinJSBridgeReady.
export function fakeBridge({ late } = {}) {
  window.__wxCalls = []
  const bridge = {
    invoke(name, params, cb) {
      window.__wxCalls.push({ name, params: JSON.parse(JSON.stringify(params)) })
      window.__wxAnswer = (errMsg) => cb({ err_msg: errMsg })
    }
  }
  if (!late) {
    window.WeixinJSBridge = bridge
    return
  }
  const ua = navigator.userAgent + ' MicroMessenger/8.0.50(0x1800323d) NetType/WIFI Language/zh_CN'
  Object.defineProperty(Navigator.prototype, 'userAgent', { get: () => ua, configurable: true })
  window.__wxReady = () => {
    window.WeixinJSBridge = bridge
    document.dispatchEvent(new Event('WeixinJSBridgeReady'))
  }
}
