// Hash-based routes of the console, with a guard that sends signed-out users to the login page.
import { createRouter, createWebHashHistory } from 'vue-router'
import { session } from './session.js'
import Login from './views/Login.vue'
import Layout from './views/Layout.vue'

const routes = [
  { path: '/login', name: 'login', component: Login, meta: { public: true } },
  {
    path: '/',
    component: Layout,
    children: [
      { path: '', name: 'dashboard', component: () => import('./views/Dashboard.vue') },
      { path: 'customers', name: 'customers', component: () => import('./views/Customers.vue') },
      { path: 'customers/:id', name: 'customer', component: () => import('./views/CustomerDetail.vue'), props: true },
      { path: 'tags', name: 'tags', component: () => import('./views/Tags.vue') },
      { path: 'staff', name: 'staff', component: () => import('./views/Staff.vue') },
      { path: 'audit', name: 'audit', component: () => import('./views/Audit.vue') }
    ]
  },
  { path: '/:pathMatch(.*)*', redirect: '/' }
]

const router = createRouter({ history: createWebHashHistory(), routes })

router.beforeEach((to) => {
  if (!to.meta.public && !session.token) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (to.name === 'login' && session.token) return { name: 'dashboard' }
  return true
})

export default router
