// The member pages' texts (简体中文).
export default {
  app: { title: '会员中心' },
  nav: {
    home: '首页', checkin: '签到', points: '积分', orders: '我的订单', product: '商品详情', flash: '限时秒杀',
    expired: '链接已失效'
  },
  common: { retry: '重试', loading: '加载中…', noMore: '没有更多了' },
  error: {
    generic: '操作失败，请稍后再试',
    network: '网络不给力，请稍后重试',
    loadFailed: '加载失败了',
    loadFailedTap: '加载失败，点击重试',
    kind: {
      'sold-out': '手慢了，商品已被抢光',
      'limit-reached': '已达到每人限购数量',
      unprocessable: '活动未开始或已结束',
      'not-found': '内容不存在或已下架',
      'too-many-requests': '操作太频繁，请稍后再试',
      unavailable: '人太多了，请稍后再试',
      conflict: '操作冲突，请刷新后再试',
      'invalid-request': '请求有误，请刷新后再试',
      internal: '服务开小差了，请稍后再试'
    },
    field: {
      conflict_day: '这一天已经签过到了',
      conflict_points: '积分不足'
    }
  },
  home: {
    member: '会员', level: 'Lv.{n} 会员', points: '积分', streak: '连续签到(天)', checkedIn: '今日已签到',
    checkinNow: '今日还未签到', checkinHint: '每天签到得 {n} 积分', go: '去签到', view: '查看', services: '会员服务'
  },
  checkin: {
    weekdays: '日,一,二,三,四,五,六',
    streakPrefix: '已连续签到', streakSuffix: '天', balance: '当前积分',
    button: '签到领 {n} 积分', doneToday: '今日已签到',
    month: '{y}年{m}月', today: '今天', madeUp: '已补', makeup: '补签',
    legendChecked: '已签到', legendMakeup: '已补签', legendMissed: '可补签',
    rules: '签到规则',
    ruleDaily: '每日签到得 {n} 积分',
    ruleStreak: '连续签到 {days} 天，额外奖励 {n} 积分',
    ruleMakeup: '漏签的日子可在 {days} 天内补签，每次消耗 {cost} 积分',
    ruleNoMakeup: '暂不支持补签',
    done: '签到成功 +{n} 积分',
    makeupDone: '补签成功 +{n} 积分',
    streakBonus: '连签奖励 +{n} 积分',
    notEnough: '补签需要 {cost} 积分，当前只有 {balance} 积分',
    makeupTitle: '补签确认',
    makeupConfirm: '补签 {m}月{d}日 需消耗 {cost} 积分（当前 {balance} 积分），补签后得 {n} 积分。确定补签吗？',
    makeupOk: '确定补签'
  },
  points: {
    balance: '我的积分', expiring: '{n} 积分将于 {date} 过期', noExpiring: '暂无即将过期的积分',
    ledger: '积分明细', empty: '暂无积分记录', after: '余额 {n}',
    reason: {
      order: '购物奖励', checkin: '每日签到', streak: '连签奖励', task: '任务奖励', adjust: '积分调整',
      mall: '积分商城兑换', lottery: '抽奖', makeup: '补签消耗', refund: '退款退回', expire: '积分过期'
    }
  },
  orders: {
    empty: '还没有订单', number: '订单号 {id}', unit: '¥{price} × {n}', total: '合计',
    payBy: '请在 {time} 前完成支付，超时订单将自动关闭',
    status: { pending: '待支付', paid: '已支付', released: '已关闭' },
    kind: { flash: '秒杀' }
  },
  product: {
    missing: '商品已下架或不存在', from: '起', flashSales: '限时秒杀', flashEnds: '{time} 结束',
    flashStarts: '{time} 开抢', skus: '规格',
    stock: { in_stock: '有货', low: '仅剩少量', sold_out: '已售罄' },
    goFlash: '¥{price} 去秒杀', askGuide: '请联系导购购买'
  },
  flash: {
    missing: '秒杀活动不存在', price: '秒杀价', running: '进行中', upcoming: '即将开始', over: '活动已结束',
    startsIn: '距开始', endsIn: '距结束', days: '天', viewProduct: '查看商品详情',
    left: '仅剩 {n} 件', soldOut: '已抢光', soldPct: '已抢 {n}%', limit: '每人限购 {n} 件，您已抢 {mine} 件',
    quantity: '购买数量', success: '抢购成功',
    orderedTitle: '抢购成功，订单号 {id}', payBy: '合计 ¥{total}，请在 {time} 前完成支付', toOrders: '查看订单',
    button: { loading: '加载中', upcoming: '即将开抢', over: '活动已结束', soldOut: '已抢光', limit: '已达限购数量', buy: '立即抢购' }
  },
  expired: {
    title: '链接已失效，请联系导购重新获取',
    hint: '会员链接有有效期，过期或被改动后就无法打开了。请联系为您服务的导购，获取新的链接。'
  }
}
