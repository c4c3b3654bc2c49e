// The member pages' texts (简体中文).
export default {
  app: { title: '会员中心' },
  nav: {
    home: '首页', checkin: '签到', points: '积分', orders: '我的订单', product: '商品详情', flash: '限时秒杀',
    coupons: '优惠券', couponClaim: '领取优惠券', lottery: '幸运抽奖', redPacket: '红包', pointsMall: '积分商城',
    order: '订单详情', afterSales: '售后服务', expired: '链接已失效'
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
    empty: '还没有订单', number: '订单号 {id}', unit: '¥{price} × {n}', count: '共 {n} 件', total: '合计',
    payBy: '请在 {time} 前完成支付，超时订单将自动关闭',
    status: {
      pending: '待支付', paid: '待发货', shipped: '已发货', completed: '已完成', released: '已关闭', cancelled: '已取消',
      refunded: '已退款'
    },
    kind: { flash: '秒杀', points: '积分兑换' }
  },
  order: {
    missing: '订单不存在',
    hint: {
      pending: '请在 {time} 前完成支付，超时订单将自动关闭',
      paid: '商家正在备货，请耐心等待',
      shipped: '商品已发出，收到后请确认收货',
      completed: '交易已完成，感谢您的支持',
      released: '超时未支付，订单已关闭',
      refunded: '订单已退款'
    },
    cancelHint: { customer: '您已取消订单', staff: '订单已被商家取消', timeout: '超时未支付，订单已自动取消' },
    shipping: '物流信息', carrier: '快递公司', trackingNo: '运单号', shippedAt: '发货时间',
    goods: '商品', refundedUnits: '已退 {n} 件',
    amounts: '费用明细', goodsTotal: '商品金额', memberDiscount: '会员优惠', couponDiscount: '优惠券',
    pointsDeduct: '积分抵扣（{n} 积分）', pointsPaid: '兑换积分', pointsValue: '{n} 积分',
    toPay: '需付款', paid: '实付款', orderTotal: '订单金额', refunded: '已退款',
    info: '订单信息', number: '订单编号', createdAt: '下单时间', paidAt: '支付时间', completedAt: '完成时间', closedAt: '关闭时间',
    payment: '支付方式', provider: { sandbox: '测试支付', wechatpay: '微信支付' },
    afterSales: '售后记录',
    cancel: '取消订单', cancelTitle: '取消订单', cancelConfirm: '确定取消这个订单吗？订单中使用的优惠券和积分将退回。',
    cancelOk: '确定取消', keep: '再想想', cancelled: '订单已取消',
    receive: '确认收货', receiveTitle: '确认收货', receiveConfirm: '请确认您已收到商品，确认后订单将完成。',
    receiveOk: '确认收货', received: '已确认收货',
    apply: '申请售后', applying: '售后处理中',
    applyTitle: '申请售后', kindLabel: '售后类型', reasonLabel: '问题描述',
    reasonPlaceholder: '请描述遇到的问题（必填）', reasonRequired: '请填写问题描述', submit: '提交申请',
    applied: '售后申请已提交',
    error: {
      conflict_status: '订单状态已变化，请刷新后再试',
      conflict_order_id: '该订单已有处理中的售后申请'
    }
  },
  afterSales: {
    empty: '暂无售后记录', number: '售后单号 {id}', order: '订单号 {id}', reason: '问题描述', resolution: '处理结果',
    createdAt: '申请时间 {time}', resolvedAt: '处理时间 {time}',
    kind: { return: '退货', exchange: '换货', repair: '维修' },
    status: { open: '处理中', resolved: '已处理', rejected: '未通过' }
  },
  coupons: {
    tabs: { usable: '可用', used: '已使用', expired: '已过期' },
    empty: { usable: '暂无可用优惠券', used: '暂无已使用的优惠券', expired: '暂无已过期的优惠券' },
    off: '满{threshold}减{off}', noThreshold: '无门槛', thresholdUse: '满{n}元可用', maxOff: '最多减{n}元', zhe: '折',
    valid: '{from} 至 {until}', notYet: '未生效',
    source: { claim: '领取', grant: '商家赠送', birthday: '生日礼', points: '积分兑换' },
    stamp: { used: '已使用', expired: '已过期' }
  },
  couponClaim: {
    title: '优惠券', lead: '专属优惠券送给您', hint: '领取后可在「我的优惠券」中查看', claim: '立即领取',
    claimed: '领取成功', claimedHint: '优惠券已放入「我的优惠券」', held: '您已领到的这张券',
    refused: '未能领取', toCoupons: '查看我的优惠券',
    error: {
      exhausted: '优惠券已领完',
      'limit-reached': '已达领取上限',
      stopped: '活动已结束',
      'new-customers-only': '仅限新客领取',
      'invalid-request_coupon_id': '不在领取时间内',
      'not-found': '优惠券不存在'
    }
  },
  lottery: {
    missing: '抽奖活动不存在',
    state: { upcoming: '未开始', running: '进行中', over: '已结束', stopped: '已结束' },
    go: '抽奖',
    hub: { loading: '', free: '免费', paid: '{n}积分', upcoming: '未开始', over: '已结束', soldOut: '已抽完', noMore: '明日再来' },
    chances: {
      free: '今日还有 {n} 次免费机会', paid: '免费次数已用完，每次消耗 {n} 积分', upcoming: '活动将于 {time} 开始',
      over: '活动已结束', soldOut: '奖品已抽完，感谢参与', noMore: '今日抽奖次数已用完，明天再来'
    },
    freeLeft: '今日免费次数', balance: '我的积分', perDraw: '每次消耗积分', freeOnly: '仅限免费抽奖',
    prizes: '奖品与中奖概率', gone: '已抽完', rules: '活动规则',
    ruleTime: '活动时间：{from} 至 {until}', ruleFree: '每人每天可免费抽奖 {n} 次', ruleCost: '免费次数用完后，每次消耗 {n} 积分',
    ruleMax: '每人每天最多抽奖 {n} 次', ruleServer: '抽奖结果由系统随机产生，转盘仅展示结果',
    winTitle: '恭喜中奖', loseTitle: '谢谢参与',
    winPoints: '{n} 积分已存入您的账户', winGoods: '工作人员会联系您发放「{name}」',
    lose: '差一点就中了，下次好运', ok: '知道了',
    paid: '本次消耗 {n} 积分', freeUsed: '本次使用免费机会',
    error: {
      conflict_points: '积分不足，无法抽奖',
      'sold-out': '奖品已抽完',
      'limit-reached_max_draws_per_day': '今日抽奖次数已用完',
      'limit-reached_free_per_day': '今日免费次数已用完',
      unprocessable: '活动未开始或已结束'
    }
  },
  redPacket: {
    missing: '红包不存在', lucky: '拼手气红包', fixed: '普通红包', from: '品牌福利',
    open: '开', count: '共 {count} 个，已领 {claimed} 个', allGone: '已抢完',
    got: '恭喜您抢到', best: '手气最佳', saved: '已存入红包余额（暂不可提现）', balance: '红包余额 ¥{n}',
    soldOut: '手慢了，红包已抢完', upcoming: '红包将于 {time} 开抢', over: '红包活动已结束',
    error: {
      'sold-out': '红包已抢完',
      unprocessable: '红包活动未开始或已结束'
    }
  },
  pointsMall: {
    balance: '我的积分', ledger: '积分明细', tabs: { items: '兑换好礼', mine: '我的兑换' },
    empty: '暂无可兑换的商品', mineEmpty: '还没有兑换记录',
    price: '{points}积分', priceCash: '{points}积分 + ¥{cash}',
    stock: '剩余 {n} 件', soldOut: '已兑完', limit: '每人限兑 {n} 件', coupon: '优惠券',
    redeem: '兑换', quantity: '兑换数量', total: '合计', notEnough: '积分不足',
    redeemNow: '立即兑换', confirmTitle: '确认兑换',
    confirm: '使用 {points} 积分兑换「{name}」× {n}？',
    confirmCash: '使用 {points} 积分并支付 ¥{cash} 兑换「{name}」× {n}？',
    ok: '确认兑换',
    doneTitle: '兑换成功', doneGoods: '订单号 {id}，商品将尽快为您发出', donePending: '订单号 {id}，还需支付 ¥{cash}，超时未支付将自动取消并退回积分',
    doneCoupon: '优惠券已放入「我的优惠券」', toOrder: '查看订单', toCoupons: '查看优惠券', stay: '继续逛逛',
    status: { done: '已完成', pending_payment: '待支付', cancelled: '已取消' },
    when: '兑换时间 {time}', orderLink: '订单号 {id}',
    error: {
      'sold-out': '库存不足，已兑完',
      'limit-reached': '已达每人兑换上限',
      conflict_points: '积分不足'
    }
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
