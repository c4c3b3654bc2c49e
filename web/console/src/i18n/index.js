// vue-i18n setup: zh-CN by default, English switchable, choice kept in localStorage.
import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN.js'
import en from './en.js'
import mallCore from './mall.core.js'

const LOCALE_KEY = 'yt.locale'
export const LOCALES = [
  { value: 'zh-CN', label: '简体中文' },
  { value: 'en', label: 'English' }
]

// The mall strings every page needs beside the rest: sections both have (menu, problem, field, ...) are joined.
function join(base, more) {
  const out = { ...base }
  for (const [k, v] of Object.entries(more)) out[k] = base[k] && typeof v === 'object' ? { ...base[k], ...v } : v
  return out
}

const saved = localStorage.getItem(LOCALE_KEY)
const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': join(zhCN, mallCore['zh-CN']), en: join(en, mallCore.en) }
})

// The mall and marketing pages' own strings, loaded once, before the first route that needs them (router.js).
let mallLoad = null
export function loadMallMessages() {
  if (!mallLoad) {
    mallLoad = Promise.all([import('./zh-CN.mall.js'), import('./en.mall.js')]).then(([zh, enMall]) => {
      i18n.global.mergeLocaleMessage('zh-CN', zh.default)
      i18n.global.mergeLocaleMessage('en', enMall.default)
    }).catch((e) => {
      mallLoad = null
      throw e
    })
  }
  return mallLoad
}

export function setLocale(locale) {
  i18n.global.locale.value = locale
  localStorage.setItem(LOCALE_KEY, locale)
  document.documentElement.lang = locale
}

export default i18n
