// Console entry point: creates the Vue app with Element Plus, i18n and the router.
import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import i18n from './i18n/index.js'
import router from './router.js'
import { onUnauthorized } from './api.js'
import './style.css'

onUnauthorized(() => {
  const current = router.currentRoute.value
  if (current.name !== 'login') {
    router.replace({ name: 'login', query: { redirect: current.fullPath } })
  }
})

document.documentElement.lang = i18n.global.locale.value
createApp(App).use(ElementPlus).use(i18n).use(router).mount('#app')
