// vue-i18n for the member pages: Chinese (zh-CN) only for now; another language is one more messages file.
import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN.js'

export default createI18n({ legacy: false, locale: 'zh-CN', fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN } })
