// The member pages' texts (简体中文).
export default {
  app: { title: '会员中心' },
  nav: {
    home: '首页', checkin: '签到', points: '积分', orders: '我的订单', product: '商品详情', flash: '限时秒杀',
    coupons: '优惠券', couponClaim: '领取优惠券', lottery: '幸运抽奖', redPacket: '红包', pointsMall: '积分商城',
    order: '订单详情', afterSales: '售后服务', expired: '链接已失效', groupBuy: '拼团', groupTeam: '拼团详情',
    distribution: '分销中心', invite: '好友邀请', tasks: '任务中心', vip: '付费会员'
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
    checkinNow: '今日还未签到', checkinHint: '每天签到得 {n} 积分', go: '去签到', view: '查看', services: '会员服务',
    paid: '{name} · 付费会员'
  },
  vip: {
    none: '未开通', noneHint: '开通付费会员，立享会员价、包邮等专属权益', until: '有效期至 {date}',
    growth: '成长等级 Lv.{n} {name}', levelN: 'Lv.{n} 会员', plans: '选择方案', empty: '暂无可开通的方案，敬请期待',
    days: '{n} 天', perDay: '约 ¥{v}/天', open: '开通', renew: '续费',
    confirmTitle: '开通付费会员', confirmRenewTitle: '续费付费会员', confirm: '「{name}」{level} {days} 天，需支付 ¥{price}。',
    confirmStack: '当前有效期至 {until}，新购时长将在其后顺延。', toPay: '去支付',
    pendingTitle: '待支付：{name}', pendingTotal: '需付款 ¥{total}', payLeft: '剩余 ', toOrder: '查看订单',
    rulesTitle: '开通说明',
    rule1: '支付成功后立即生效，有效期内享受对应会员等级的会员价、包邮和售后优先等权益',
    rule2: '已开通付费会员再次购买，新购时长在当前有效期结束后顺延',
    rule3: '订单需在支付时限内完成支付，超时未支付将自动关闭',
    rule4: '付费会员订单退款后，对应的会员时长随之结束',
    error: {
      conflict_status: '该方案已停售，请选择其他方案',
      'not-found': '方案不存在或已停售'
    }
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
    tasks: '做任务赚积分', tasksHint: '浏览、入群、下单都能领积分', tasksGo: '去赚积分',
    reason: {
      order: '购物奖励', checkin: '每日签到', streak: '连签奖励', task: '任务奖励', adjust: '积分调整',
      mall: '积分商城兑换', lottery: '抽奖', makeup: '补签消耗', refund: '退款退回', expire: '积分过期'
    }
  },
  orders: {
    empty: '还没有订单', number: '订单号 {id}', unit: '¥{price} × {n}', count: '共 {n} 件', total: '合计',
    payLeft: '剩余', payLeftSuffix: '自动关闭', payOver: '支付已超时',
    status: {
      pending: '待支付', paid: '待发货', shipped: '已发货', completed: '已完成', released: '已关闭', cancelled: '已取消',
      refunded: '已退款'
    },
    kind: { flash: '秒杀', points: '积分兑换', group: '拼团', membership: '付费会员' }
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
    groupPaid: '支付成功，拼团成功后商家将尽快发货',
    payLeft: '剩余', payLeftSuffix: '后订单自动关闭', payOver: '支付已超时，订单即将关闭', payByShort: '请在 {time} 前完成支付',
    cancelHint: {
      customer: '您已取消订单', staff: '订单已被商家取消', timeout: '超时未支付，订单已自动取消', group_failed: '拼团未成功，订单已自动取消'
    },
    toGroup: '查看拼团活动', toVip: '查看我的付费会员',
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
  pay: {
    button: '去支付', cancelled: '已取消支付',
    confirming: '支付处理中', confirmingHint: '正在确认支付结果，请稍候，请勿重复支付', later: '稍后查看',
    success: '支付成功', paid: '已支付', done: '完成',
    timeout: '暂未查询到支付结果', timeoutHint: '如已完成付款，结果可能稍有延迟，可重新查询或稍后在订单中查看',
    lookAgain: '重新查询', ok: '知道了',
    error: {
      outside: '请在微信中打开本页面完成支付',
      openid: '请在微信中打开本页面完成支付',
      notSetUp: '商家暂未开通微信支付',
      missing: '订单不存在',
      status: '该订单当前无法支付',
      expired: '订单已超过支付时间',
      closed: '订单已关闭',
      upstream: '微信支付暂时无法完成，请稍后重试',
      failed: '支付未完成',
      network: '网络不给力，请稍后重试',
      busy: '操作太频繁，请稍后再试',
      generic: '暂时无法支付，请稍后再试'
    },
    hint: {
      outside: '微信支付需在微信内完成：请将会员链接发送到微信，在微信中打开后再支付',
      openid: '当前链接未关联您的微信身份，请从公众号或小程序进入会员中心后再支付',
      notSetUp: '请联系为您服务的导购完成付款',
      status: '订单可能已支付或已关闭，请以订单状态为准',
      expired: '超时未支付的订单将自动关闭',
      closed: '请在订单详情中查看最新状态',
      upstream: '您的订单仍为待支付，可稍后再试',
      failed: '您的订单仍为待支付，可重新发起支付'
    }
  },
  tasks: {
    balance: '我的积分', ledger: '积分明细', todayEarned: '今日已赚 {n} 积分', lead: '完成任务，积分自动到账',
    title: '积分任务', empty: '暂时没有进行中的任务，敬请期待', points: '+{n}', pointsUnit: '积分',
    perDay: '每日{n}次', perCustomer: '限{n}次', unlimited: '不限次数',
    today: '今日 {n}/{max}', total: '累计 {n}/{max}', times: '已完成 {n} 次',
    doneToday: '今日已完成', done: '已完成', until: '{date} 截止',
    go: { checkin: '去签到', coupon_redeemed: '去用券' },
    type: {
      page_viewed: '浏览页面', form_submitted: '提交表单', group_joined: '加入社群', contact_added: '添加企业微信',
      message_sent: '发送消息', order_paid: '完成下单', coupon_redeemed: '使用优惠券', checkin: '签到', other: '其他任务'
    },
    rulesTitle: '任务说明',
    rule1: '完成任务后积分自动发放，可在「积分明细」中查看',
    rule2: '「每日N次」按自然日（北京时间）计算，次日零点重新计数',
    rule3: '「限N次」为活动期间累计可获得奖励的次数'
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
    orderedTitle: '抢购成功，订单号 {id}', toOrder: '查看订单', payLeft: '合计 ¥{total}，剩余支付时间', payOver: '支付已超时，订单即将关闭',
    paidTitle: '支付成功，订单号 {id}', paidHint: '已支付 ¥{total}，商家将尽快为您发货',
    button: { loading: '加载中', upcoming: '即将开抢', over: '活动已结束', soldOut: '已抢光', limit: '已达限购数量', buy: '立即抢购' }
  },
  groupBuy: {
    missing: '拼团活动不存在', teamOf: '{n}人团', save: '省¥{n}', single: '单买价', over: '活动已结束',
    startsIn: '距开始', endsIn: '距结束', days: '天', viewProduct: '商品详情',
    rule: '{n}人成团 · {time}内有效', limit: '每人限购{n}件', newOnly: '老带新 · 新客参团',
    hours: '{n}小时', hoursMinutes: '{h}小时{m}分钟', minutes: '{n}分钟',
    left: '仅剩 {n} 件', soldOut: '已抢光',
    howTitle: '拼团玩法', how: '开团或参团,邀请好友,满员发货,不成团退款',
    myTeams: '我的拼团', mineUnits: '已拼 {n} 件', noTeams: '还没有参与拼团，开团后邀请好友一起买更划算',
    teamCode: '团号 {code}', teamProgress: '{joined}/{size}人', teamNeeds: '还差{n}人', teamWaiting: '等待团员支付', teamEnded: { formed: '已成团', failed: '未成团' },
    rulesTitle: '活动规则',
    ruleTime: '活动时间：{from} 至 {until}',
    ruleTeam: '开团后 {time} 内凑齐 {n} 人（均完成支付）即拼团成功',
    rulePay: '开团或参团后请在支付时限内完成支付，超时未支付将释放名额',
    ruleFail: '到时未凑齐人数即拼团失败，已付款项将原路退回',
    ruleOneTeam: '同一时间只能参加本活动的一个团',
    ruleNewOnly: '本活动为老带新：任何人都可开团，仅未下过单的新客可参团',
    quantity: '数量', opened: '开团成功，请尽快完成支付',
    button: { loading: '加载中', upcoming: '即将开始', over: '活动已结束', soldOut: '已抢光', limit: '已达限购数量', open: '发起拼团' },
    error: {
      'team-full': '来晚了，该团已满员',
      'team-expired': '该团已过期',
      'already-joined': '您已在这个团里了',
      'one-team-only': '您已在本活动的其他团中，成团或结束后才能再参加',
      'new-customers-only': '本团仅限新客参团',
      'limit-reached': '已达到每人限购数量',
      'sold-out': '手慢了，拼团商品已抢光',
      'not-found': '拼团不存在',
      unprocessable: '活动未开始或已结束'
    }
  },
  groupTeam: {
    missing: '这个团不存在，请确认链接是否完整',
    status: { open: '拼团中', formed: '拼团成功', failed: '拼团失败' },
    needPrefix: '还差', needSuffix: '人，拼团成功', left: '剩余', ends: '结束',
    full: '该团已满员', fullHint: '等待 {n} 位团员完成支付，即拼团成功',
    formedMine: '团员已到齐，商家将尽快为您发货', formedOther: '该团已满员，您可以自己开一个团',
    failedHint: '未在时限内凑齐人数', failedRefunded: '未在时限内凑齐人数，款项已原路退回',
    expired: '拼团已结束', expiredHint: '正在结算这个团，请稍后刷新',
    leader: '团长', me: '我', empty: '待邀请', vacant: '空位', unpaid: '待支付',
    tally: '已参团 {joined}/{size} 人 · 已支付 {paid} 人',
    myOrder: '我的拼团订单', orderNo: '订单号', orderQty: '数量',
    payBy: '请在 {time} 前完成支付，超时将释放名额', toOrder: '查看订单',
    joined: '参团成功，请尽快完成支付', invitedBy: '{name} 邀请你参团，成团即享拼团价', openOwn: '我也开一团',
    shareTitle: '邀请好友参团', shareLead: '还差 {n} 人，好友打开链接即可以 ¥{price} 参团',
    button: {
      loading: '加载中', join: '立即参团', invite: '邀请好友参团', waiting: '等待团员支付', full: '该团已满员', formed: '拼团成功 · 查看订单',
      failed: '拼团失败', expired: '拼团已结束', stopped: '活动已结束'
    }
  },
  share: {
    steps: '复制链接,打开微信,发送给好友', copy: '复制链接', copiedButton: '已复制，去微信粘贴给好友', copied: '链接已复制',
    copyFailed: '复制失败，请长按链接手动复制'
  },
  distribution: {
    closed: '分销活动暂未开放，敬请期待',
    joinTitle: '成为推广员', joinLead: '分享好物给朋友，朋友下单你赚佣金',
    levelRate1: '直接推广佣金', levelRate2: '间接推广佣金',
    howTitle: '如何赚佣金', how: '申请开通,分享链接,好友下单,获得佣金',
    rejected: '上次申请未通过：{reason}。可补充说明后重新申请。',
    applyTitle: '申请成为推广员', applyPlaceholder: '介绍一下你自己和你打算如何推广（选填，200字以内）',
    eligible: '您已符合条件，提交后立即开通', apply: '提交申请',
    terms: '好友通过你的链接进入即与你绑定（{binding}）；{settle}',
    termsSettle: '订单确认收货 {n} 天后佣金可提现。', termsSettleNow: '订单确认收货后佣金即可提现。',
    applied: '申请已提交，请等待审核', appliedActive: '恭喜，推广员已开通',
    pendingTitle: '申请审核中', pendingHint: '我们会尽快审核，通过后即可分享赚佣金', appliedAt: '申请时间 {time}',
    disabledTitle: '推广资格已停用', disabledReason: '原因：{reason}', disabledHint: '如有疑问请联系导购',
    withdrawable: '可提现金额（元）', withdraw: '提现', frozen: '待结算', withdrawing: '提现中', withdrawnTotal: '已提现',
    owed: '待抵扣 ¥{n}（退款扣回的佣金，将从后续佣金中抵扣）',
    inviteTitle: '邀请好友', members: '已邀请 {n} 人', myCode: '我的邀请码', share: '分享邀请链接',
    shareTitle: '分享邀请链接', shareLead: '好友打开你的链接即与你绑定，之后下单你都有佣金',
    bindDays: '绑定{n}天', bindForever: '长期绑定',
    tabs: { commissions: '佣金明细', withdrawals: '提现记录' },
    noCommissions: '还没有佣金，快去分享吧', noWithdrawals: '还没有提现记录',
    level1: '一级', level2: '二级', orderNo: '订单 {id}', base: '订单实付 ¥{n} · 佣金比例 {rate}',
    releaseAt: '预计 {date} 结算', afterReceipt: '确认收货后结算', releasedAt: '{date} 已结算', reversedNote: '订单退款，佣金已退回',
    reversedPart: '已扣回 ¥{n}',
    commissionStatus: { frozen: '待结算', released: '可提现', reversed: '已退回' },
    withdrawalTitle: '提现', requestedAt: '申请时间 {time}', payoutRef: '打款凭证 {ref}', rejectNote: '驳回原因：{reason}',
    withdrawalStatus: { pending: '审核中', paid: '已打款', rejected: '已驳回' },
    rulesTitle: '推广规则',
    ruleRate: '佣金按订单实付金额计算：{rates}',
    ruleBind: '好友通过你的邀请链接进入即与你绑定（{binding}），绑定期内的订单计入你的佣金',
    ruleSettle: '订单确认收货 {n} 天后（无售后）佣金转为可提现',
    ruleSettleNow: '订单确认收货后（无售后）佣金即转为可提现',
    ruleRefund: '订单退款时，对应佣金按退款比例扣回',
    ruleWithdraw: '单笔提现不低于 ¥{n}，由商家审核后打款',
    withdrawTitle: '申请提现', canWithdraw: '可提现', amountPlaceholder: '输入提现金额', all: '全部提现',
    amountRequired: '请输入提现金额', amountFormat: '请输入正确的金额（最多两位小数）', amountMin: '单笔最低提现 ¥{n}',
    amountMax: '单笔最多提现 ¥{n}',
    withdrawHint: '单笔最低 ¥{n}，提交后由商家审核并打款，审核期间金额计入「提现中」', withdrawSubmit: '确认提现',
    withdrawn: '已提交提现 ¥{n}，等待审核',
    boundTo: '我的推荐人：{name}',
    error: {
      conflict_amount: '可提现余额不足',
      'invalid-request_amount': '提现金额不符合要求',
      conflict_status: '您已提交过申请，请勿重复提交',
      conflict_distribution: '分销活动暂未开放',
      'not-found': '您还不是推广员'
    }
  },
  invite: {
    outcome: {
      bound: '你已成为 {name} 的好友', kept: '你的推荐人是 {name}', replaced: '你的推荐人已变更为 {name}',
      renewed: '你与 {name} 的推荐关系已续期'
    },
    title: '好友邀请', perks: '会员福利', lead: '欢迎来到会员中心，好物与福利都在这里', until: '推荐关系有效期至 {date}',
    refusedLead: '你仍可以正常逛逛和购物', go: '去逛逛', becomeToo: '我也要当推广员',
    error: {
      'not-found': '邀请链接已失效（推广员不存在或已停用）',
      conflict_code: '这是你自己或你下级的邀请链接',
      conflict_distribution: '分销活动暂未开放'
    }
  },
  expired: {
    title: '链接已失效，请联系导购重新获取',
    hint: '会员链接有有效期，过期或被改动后就无法打开了。请联系为您服务的导购，获取新的链接。'
  }
}
