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
      { path: 'segments', name: 'segments', component: () => import('./views/Segments.vue') },
      { path: 'segments/new', name: 'segment-new', component: () => import('./views/SegmentEdit.vue') },
      { path: 'segments/:id', name: 'segment', component: () => import('./views/SegmentDetail.vue'), props: true },
      { path: 'segments/:id/edit', name: 'segment-edit', component: () => import('./views/SegmentEdit.vue'), props: true },
      { path: 'audience/rfm', name: 'rfm', component: () => import('./views/Rfm.vue') },
      { path: 'audience/clv', name: 'clv', component: () => import('./views/Clv.vue') },
      { path: 'audience/lifecycle', name: 'lifecycle', component: () => import('./views/Lifecycle.vue') },
      { path: 'tag-rules', name: 'tag-rules', component: () => import('./views/TagRules.vue') },
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
