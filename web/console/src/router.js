// Hash-based routes of the console, with a guard that loads the mall pages' strings before those pages and sends
// signed-out users to the login page.
import { createRouter, createWebHashHistory } from 'vue-router'
import { session } from './session.js'
import { loadMallMessages } from './i18n/index.js'
import Login from './views/Login.vue'
import Layout from './views/Layout.vue'

// pages that show the mall and marketing strings (loaded before the page)
const MALL = { mallStrings: true }

const routes = [
  { path: '/login', name: 'login', component: Login, meta: { public: true } },
  {
    path: '/',
    component: Layout,
    children: [
      { path: '', name: 'dashboard', component: () => import('./views/Dashboard.vue') },
      { path: 'customers', name: 'customers', component: () => import('./views/Customers.vue') },
      { path: 'customers/:id', name: 'customer', component: () => import('./views/CustomerDetail.vue'), props: true, meta: MALL },
      { path: 'tags', name: 'tags', component: () => import('./views/Tags.vue') },
      { path: 'segments', name: 'segments', component: () => import('./views/Segments.vue') },
      { path: 'segments/new', name: 'segment-new', component: () => import('./views/SegmentEdit.vue') },
      { path: 'segments/:id', name: 'segment', component: () => import('./views/SegmentDetail.vue'), props: true, meta: MALL },
      { path: 'segments/:id/edit', name: 'segment-edit', component: () => import('./views/SegmentEdit.vue'), props: true },
      { path: 'audience/rfm', name: 'rfm', component: () => import('./views/Rfm.vue') },
      { path: 'audience/clv', name: 'clv', component: () => import('./views/Clv.vue') },
      { path: 'audience/lifecycle', name: 'lifecycle', component: () => import('./views/Lifecycle.vue') },
      { path: 'tag-rules', name: 'tag-rules', component: () => import('./views/TagRules.vue') },
      { path: 'staff', name: 'staff', component: () => import('./views/Staff.vue') },
      { path: 'audit', name: 'audit', component: () => import('./views/Audit.vue') },
      // the mall and marketing pages, each its own chunk
      { path: 'mall/products', name: 'products', component: () => import('./views/mall/Products.vue'), meta: MALL },
      { path: 'mall/products/:id', name: 'product', component: () => import('./views/mall/ProductDetail.vue'), props: true, meta: MALL },
      { path: 'mall/flash-sales', name: 'flash-sales', component: () => import('./views/mall/FlashSales.vue'), meta: MALL },
      { path: 'mall/flash-sales/:id', name: 'flash-sale', component: () => import('./views/mall/FlashSaleDetail.vue'), props: true, meta: MALL },
      { path: 'mall/group-buys', name: 'group-buys', component: () => import('./views/mall/GroupBuys.vue'), meta: MALL },
      { path: 'mall/group-buys/:id', name: 'group-buy', component: () => import('./views/mall/GroupBuyDetail.vue'), props: true, meta: MALL },
      { path: 'mall/orders', name: 'mall-orders', component: () => import('./views/mall/Orders.vue'), meta: MALL },
      { path: 'mall/orders/:id', name: 'mall-order', component: () => import('./views/mall/OrderDetail.vue'), props: true, meta: MALL },
      { path: 'mall/after-sales', name: 'after-sales', component: () => import('./views/mall/AfterSales.vue'), meta: MALL },
      { path: 'mall/coupons', name: 'coupons', component: () => import('./views/mall/Coupons.vue'), meta: MALL },
      { path: 'mall/coupons/:id', name: 'coupon', component: () => import('./views/mall/CouponDetail.vue'), props: true, meta: MALL },
      { path: 'mall/lotteries', name: 'lotteries', component: () => import('./views/mall/Lotteries.vue'), meta: MALL },
      { path: 'mall/lotteries/:id', name: 'lottery', component: () => import('./views/mall/LotteryDetail.vue'), props: true, meta: MALL },
      { path: 'mall/red-packets', name: 'red-packets', component: () => import('./views/mall/RedPackets.vue'), meta: MALL },
      { path: 'mall/red-packets/:id', name: 'red-packet', component: () => import('./views/mall/RedPacketDetail.vue'), props: true, meta: MALL },
      { path: 'mall/points-mall', name: 'points-mall', component: () => import('./views/mall/PointsMall.vue'), meta: MALL },
      { path: 'mall/distribution', name: 'distribution', component: () => import('./views/mall/Distribution.vue'), meta: MALL },
      { path: 'mall/distribution/distributors/:id', name: 'distributor', component: () => import('./views/mall/DistributorDetail.vue'), props: true, meta: MALL },
      { path: 'mall/loyalty', name: 'loyalty', component: () => import('./views/mall/Loyalty.vue'), meta: MALL },
      { path: 'mall/member-plans', name: 'member-plans', component: () => import('./views/mall/MemberPlans.vue'), meta: MALL },
      { path: 'mall/point-tasks', name: 'point-tasks', component: () => import('./views/mall/PointTasks.vue'), meta: MALL }
    ]
  },
  { path: '/:pathMatch(.*)*', redirect: '/' }
]

const router = createRouter({ history: createWebHashHistory(), routes })

router.beforeEach(async (to) => {
  if (to.meta.mallStrings) {
    try { await loadMallMessages() } catch { /* the page shows its keys; the next visit tries again */ }
  }
  if (!to.meta.public && !session.token) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (to.name === 'login' && session.token) return { name: 'dashboard' }
  return true
})

export default router
