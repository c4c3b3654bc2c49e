// The member pages, one row each. A row's meta says how it is reached: `tab` puts it in the bottom tab bar,
// `entry` on the home page's grid (both with a Vant icon name); pages with neither are opened by links
// (a product, a flash sale, a group buy, a coupon, a lottery or red packets the brand shares; a team or an
// invitation members pass on; an order from 我的订单). `back` pages have a title bar with a way back. To add a
// page, write its view and add its row here; its title is the i18n key nav.<name>.
import Home from './views/Home.vue'

export const routes = [
  { path: '/', name: 'home', component: Home, meta: { tab: { icon: 'home-o' } } },
  {
    path: '/checkin', name: 'checkin', component: () => import('./views/Checkin.vue'),
    meta: { tab: { icon: 'calendar-o' }, entry: { icon: 'calendar-o', color: '#ff976a' } }
  },
  {
    path: '/points', name: 'points', component: () => import('./views/Points.vue'),
    meta: { tab: { icon: 'gold-coin-o' }, entry: { icon: 'gold-coin-o', color: '#ffb400' } }
  },
  {
    path: '/orders', name: 'orders', component: () => import('./views/Orders.vue'),
    meta: { tab: { icon: 'orders-o' }, entry: { icon: 'orders-o', color: '#1989fa' } }
  },
  {
    path: '/coupons', name: 'coupons', component: () => import('./views/Coupons.vue'),
    meta: { back: true, entry: { icon: 'coupon-o', color: '#ee0a24' } }
  },
  {
    path: '/points-mall', name: 'pointsMall', component: () => import('./views/PointsMall.vue'),
    meta: { back: true, entry: { icon: 'gift-o', color: '#ff6034' } }
  },
  {
    path: '/vip', name: 'vip', component: () => import('./views/Vip.vue'),
    meta: { back: true, entry: { icon: 'vip-card-o', color: '#c6862a' } }
  },
  {
    path: '/tasks', name: 'tasks', component: () => import('./views/Tasks.vue'),
    meta: { back: true, entry: { icon: 'todo-list-o', color: '#00b8a9' } }
  },
  {
    path: '/after-sales', name: 'afterSales', component: () => import('./views/AfterSales.vue'),
    meta: { back: true, entry: { icon: 'after-sale', color: '#07c160' } }
  },
  {
    path: '/distribution', name: 'distribution', component: () => import('./views/Distribution.vue'),
    meta: { back: true, entry: { icon: 'cluster-o', color: '#7232dd' } }
  },
  { path: '/orders/:id(\\d+)', name: 'order', component: () => import('./views/OrderDetail.vue'), props: true, meta: { back: true } },
  { path: '/product/:id(\\d+)', name: 'product', component: () => import('./views/Product.vue'), props: true, meta: { back: true } },
  { path: '/flash/:id(\\d+)', name: 'flash', component: () => import('./views/FlashSale.vue'), props: true, meta: { back: true } },
  { path: '/group-buy/:id(\\d+)', name: 'groupBuy', component: () => import('./views/GroupBuy.vue'), props: true, meta: { back: true } },
  {
    path: '/group-team/:code([0-9A-Za-z]{1,16})', name: 'groupTeam', component: () => import('./views/GroupTeam.vue'), props: true,
    meta: { back: true }
  },
  { path: '/invite/:code([0-9A-Za-z]{1,64})', name: 'invite', component: () => import('./views/Invite.vue'), props: true },
  { path: '/coupon/:id(\\d+)', name: 'couponClaim', component: () => import('./views/CouponClaim.vue'), props: true, meta: { back: true } },
  { path: '/lottery/:id(\\d+)', name: 'lottery', component: () => import('./views/Lottery.vue'), props: true, meta: { back: true } },
  { path: '/red-packet/:id(\\d+)', name: 'redPacket', component: () => import('./views/RedPacket.vue'), props: true, meta: { back: true } },
  { path: '/expired', name: 'expired', component: () => import('./views/Expired.vue'), meta: { public: true } },
  { path: '/:pathMatch(.*)*', redirect: '/' }
]

export const tabs = routes.filter((r) => r.meta && r.meta.tab)
export const entries = routes.filter((r) => r.meta && r.meta.entry)
