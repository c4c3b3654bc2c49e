// Entry of the members' H5 pages: takes the link token out of the address, then starts the Vue app with Vant,
// the Chinese texts and the hash router over the page table (routes.js).
import { createApp } from 'vue'
import { createRouter, createWebHashHistory } from 'vue-router'
import { closeToast } from 'vant'
import App from './App.vue'
import vant from './vant.js'
import i18n from './i18n.js'
import { routes } from './routes.js'
import { captureToken, memberToken } from './token.js'
import { onExpired } from './api.js'
import './style.css'

// before the router reads the address, so no route, history entry or title ever holds the token
captureToken()

const router = createRouter({
  history: createWebHashHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 })
})

router.beforeEach((to) => {
  if (!(to.meta && to.meta.public) && !memberToken()) return { name: 'expired', replace: true }
  return true
})

router.afterEach((to) => {
  closeToast() // a message belongs to the page it was shown on
  const t = i18n.global.t, te = i18n.global.te
  const page = te(`nav.${String(to.name)}`) ? t(`nav.${String(to.name)}`) : ''
  document.title = page ? `${page} · ${t('app.title')}` : t('app.title')
})

onExpired(() => {
  if (router.currentRoute.value.name !== 'expired') router.replace({ name: 'expired' })
})

createApp(App).use(vant).use(i18n).use(router).mount('#app')
