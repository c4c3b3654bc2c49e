// Simplified Chinese strings of the mall and marketing pages, loaded with the first page that needs them (i18n/index.js).
export default {
  segment: {
    actionGrantCoupon: '给全部成员发优惠券', coupon: '优惠券', couponLeft: '剩余 {n} · 每人限 {per}',
    couponHint: '每位成员发一张（已达每人限领的跳过）；剩余数量不足以覆盖全部成员时不会发放。',
    couponDone: '已发放：{m} 位成员中 {n} 位领到优惠券'
  },
  activityState: { upcoming: '未开始', running: '进行中', over: '已结束', stopped: '已停止', claimed: '已领完' },
  stats: {
    title: '活动效果', participants: '参与人数', orders: '成交订单', buyersAxis: '下单人数', buyers: '{n} 位客户下单',
    gmv: '成交额（GMV）', refunded: '其中已退款 {v}', conversion: '转化率', conversionHint: '下单人数 ÷ 参与人数',
    entries: { flash: '共下单 {n} 次', coupon: '共持有 {n} 张', lottery: '共抽奖 {n} 次', packet: '共领取 {n} 个' },
    ownOrders: {
      flash: '成交订单为本场秒杀中已支付的订单（含之后退款的）。',
      coupon: '成交订单为使用了这张券的已支付订单；整单退款的订单会退回优惠券，不再计入。'
    },
    attributedUntil: '成交订单为参与者自首次参与起、至 {at}（结束后 7 天）前下单并已支付的商城订单。',
    compareTitle: '最近 {n} 场活动对比', people: '人 / 单', yuan: '元'
  },
  product: {
    title: '商品', create: '新建商品', editTitle: '编辑商品', empty: '还没有商品', name: '商品名称', category: '类目',
    categoryPlaceholder: '选择或输入类目', description: '商品描述', onSale: '上架', status: '状态', skus: 'SKU',
    totalStock: '总库存', stockN: '库存 {n}', state: { on: '在售', off: '已下架' }, skuName: 'SKU 名称',
    skuNamePlaceholder: '如 50ml 白色', specs: '规格', specSize: '规格', specSizePlaceholder: '如 50ml',
    specColor: '颜色', specColorPlaceholder: '如 白色', priceYuan: '价格（元）', price: '价格', stock: '库存',
    addSku: '添加 SKU', nameRequired: '请输入商品名称', skuNameRequired: '每个 SKU 需要名称或规格', putOn: '上架', takeOff: '下架',
    skusFixed: 'SKU 的规格和价格创建后不能修改；库存请在 SKU 列表中调整。', adjustStock: '调整库存', moves: '库存流水',
    movesTitle: '库存流水', moveAt: '时间', moveDelta: '变动', stockAfter: '变动后', moveReason: '类型', moveRef: '说明',
    moveStaff: '操作人', adjustTitle: '调整库存：{name}', adjustDirection: '方向', stockIn: '入库（增加）', stockOut: '出库（减少）',
    adjustQty: '数量', adjustAfter: '调整后库存 {n}', adjustReason: '原因', adjustReasonPlaceholder: '如 到货入库、盘点差异、破损',
    adjustReasonRequired: '请填写调整原因', adjusted: '库存已调整为 {n}',
    reason: { opening: '期初库存', manual: '手工调整', flash_sale: '秒杀锁定', order: '订单占用', order_cancel: '订单取消', refund: '退款退回' }
  },
  flash: {
    title: '秒杀', create: '新建秒杀', empty: '还没有秒杀活动', name: '活动名称', sku: '商品 SKU', pickSku: '选择商品 SKU',
    price: '秒杀价', priceYuan: '秒杀价（元）', stock: '活动库存', limit: '每人限购', stockLeft: '剩余库存', window: '活动时间',
    state: '状态', ordersCol: '订单', ordersShort: '已付 {paid} · 待付 {pending}', payWindow: '支付时限（分钟）',
    payWindowShort: '支付时限', payWindowHint: '超时未支付的订单自动关闭，库存退回活动', stockHint: '活动库存从该 SKU 扣出：当前库存 {n}，原价 {price}',
    nameRequired: '请输入活动名称', skuRequired: '请选择商品 SKU', windowRequired: '请选择活动时间', terms: '活动规则',
    listPrice: '原价 {v}', minutes: '{n} 分钟', progress: '库存与订单', paid: '已支付订单', pending: '待支付订单',
    released: '超时关闭', units: '{n} 件'
  },
  order: {
    title: '订单', titleN: '订单 #{id}', empty: '还没有订单', id: '订单号', customer: '客户', customerFilter: '按客户 ID 筛选',
    customerInvalid: '请输入有效的客户 ID', kind: '类型', kinds: { normal: '普通', flash: '秒杀', points: '积分兑换' }, goods: '商品', total: '实付',
    refunded: '已退款', status: '状态', createdAt: '下单时间',
    statuses: { pending: '待支付', paid: '已支付', shipped: '已发货', completed: '已完成', released: '超时关闭', cancelled: '已取消', refunded: '已退款' },
    info: '订单信息', activity: '所属活动', flashN: '秒杀 #{id}', pointsItemN: '积分商城商品 #{id}', payBy: '支付截止', paidAt: '支付时间', payment: '支付',
    providers: { sandbox: '沙箱支付', wechatpay: '微信支付', points: '积分支付' }, shipping: '物流', completedAt: '完成时间', closedAt: '关闭时间',
    cancelReasons: { customer: '客户取消', staff: '员工取消', timeout: '超时未支付' }, amounts: '金额明细',
    goodsTotal: '商品原价', memberDiscount: '会员优惠', couponDiscount: '优惠券', pointsPaid: '积分抵扣', pointsN: '{n} 积分',
    unitsN: '{n} 件', pointsBack: '积分退回', pointsBackText: '退回抵扣积分 {r}，扣回赠送积分 {c}', items: '商品明细',
    itemName: '商品', unitPrice: '单价', quantity: '数量', subtotal: '小计', refundedQty: '已退件数', refunds: '退款记录',
    noRefunds: '没有退款', refundAmount: '退款金额', refundLines: '退款商品', restock: '退回库存', refundOnly: '仅退款',
    refundReason: '退款原因', refundStatus: '状态', refundAt: '退款时间', refundStatuses: { pending: '处理中', succeeded: '已退款', failed: '失败' },
    refund: '退款', refundTitle: '退款', refundMode: '退款方式', refundByLine: '按商品件数', refundFull: '全部剩余',
    refundFullHint: '退还订单中尚未退款的全部商品与金额。', refundable: '可退', refundQty: '退款件数',
    restockHint: '商品退回，库存加回', refundOnlyHint: '仅退款，商品不退回，库存不变', refundSubmit: '确认退款',
    refundReasonRequired: '请填写退款原因', refundPickUnits: '请至少选择一件要退款的商品', refundDone: '已退款 {v}',
    ship: '发货', shipTitle: '订单发货', carrier: '快递公司', trackingNo: '快递单号', carrierRequired: '请选择快递公司',
    trackingRequired: '请填写快递单号', shipped: '已发货', complete: '确认收货', completeConfirm: '确认客户已收到商品？',
    cancel: '取消订单', cancelConfirm: '取消后库存、优惠券和积分会退回，确定取消这笔未支付的订单吗？', cancelled: '订单已取消',
    afterSale: '发起售后', customerMallOrders: '商城订单 →'
  },
  staffOrder: {
    button: '代客下单', title: '代客下单', customerId: '客户 ID', balance: '积分余额 {n}', lines: '商品', addLine: '添加商品',
    linesRequired: '请至少选择一个商品 SKU', coupons: '使用优惠券', pickCoupons: '选择客户持有的可用优惠券（最多 3 张）',
    noCoupons: '客户没有可用的优惠券', points: '积分抵扣', pointsOff: '当前规则不允许积分抵现',
    pointsRule: '{per} 积分抵 1 元，最多抵 {max}%，当前抵 {v}', goodsTotal: '商品原价合计',
    priced: '会员价、会员日、优惠券和积分抵扣由下单时计算；订单待客户在会员页面支付，超时未付自动关闭。',
    submit: '提交订单', created: '已创建订单 #{id}'
  },
  afterSale: {
    title: '售后', empty: '没有售后工单', statuses: { open: '待处理', resolved: '已处理', rejected: '已驳回' },
    queueHint: '待处理队列按会员等级的售后优先级从高到低排列，同一优先级先到先处理。', priority: '优先级', order: '订单',
    kind: '类型', kinds: { return: '退货', exchange: '换货', repair: '维修' }, reason: '问题描述', openedAt: '提交时间',
    resolution: '处理说明', resolvedAt: '处理时间', resolve: '处理完成', reject: '驳回', resolveTitle: '处理完成',
    rejectTitle: '驳回售后', ticketLine: '工单 #{id} · 订单 #{order}：{reason}', resolutionRequired: '请填写处理说明',
    closed: '工单已关闭', reasonRequired: '请描述问题', opened: '已创建售后工单'
  },
  coupon: {
    title: '优惠券', create: '新建优惠券', empty: '还没有优惠券', name: '名称', namePlaceholder: '如 满100减10、新人专享',
    kind: '类型', kinds: { amount: '满减券', percent: '折扣券' }, rule: '优惠', scope: '适用范围', issued: '已发放',
    issuedCol: '已发 / 总量', left: '剩余', used: '已使用', claimWindow: '领取时间', status: '状态',
    statuses: { active: '发放中', stopped: '已停止' }, stackable: '可叠加', newOnly: '仅限新客', grant: '发放', stop: '停止',
    thresholdYuan: '使用门槛（元，0 为无门槛）', amountOffYuan: '减免金额（元）', percentOff: '优惠比例（%）',
    maxOffYuan: '最多减（元，0 不限）', scopeAll: '全部商品', scopeProducts: '指定商品', scopeCategories: '指定类目',
    pickProducts: '请选择商品', pickCategories: '请选择或输入类目', scopeProductsN: '{names} 等 {n} 个商品',
    scopeCategoriesN: '类目：{names}', total: '发放总量', perCustomer: '每人限领', validity: '有效期', validDays: '领取后 N 天',
    validUntil: '固定截止', daysAfterClaim: '天内有效', validDaysN: '领取后 {n} 天内有效', validUntilAt: '{at} 前有效',
    stackableHint: '可与其他可叠加的券同时使用', newOnlyHint: '仅限未下过单的新客领取', nameRequired: '请输入名称',
    windowRequired: '请选择领取时间', stopConfirm: '停止后“{name}”不能再领取或发放，已领到的仍可使用。确定停止吗？',
    stopped: '已停止发放', grantTitle: '发放优惠券', customerId: '客户 ID', customerIdPlaceholder: '如 10086',
    customerIdInvalid: '请输入有效的客户 ID', pickCoupon: '请选择优惠券', leftN: '剩余 {n}', granted: '已发给客户 #{id}',
    segmentHint: '要发给一个人群的全部成员，请在人群详情页的“批量操作”中选择“给全部成员发优惠券”。',
    ruleAmount: '满{threshold}减{off}', ruleAmountFree: '无门槛减{off}', rulePercent: '{zhe}折',
    rulePercentAbove: '满{threshold}享{zhe}折', ruleCap: '（最多减{cap}）'
  },
  heldCoupon: {
    statuses: { usable: '可使用', 'not-yet': '未生效', used: '已使用', expired: '已过期' }, validUntil: '有效期至',
    source: '来源', sources: { claim: '领取', grant: '发放', birthday: '生日礼', points: '积分兑换' }, order: '订单'
  },
  lottery: {
    title: '抽奖', create: '新建抽奖', empty: '还没有抽奖活动', name: '活动名称', rules: '规则', prizes: '奖品', draws: '抽奖次数',
    window: '活动时间', state: '状态', freePerDay: '每日免费次数', costPoints: '每次消耗积分', maxPerDay: '每日上限（0 不限）',
    maxPerDayShort: '每日上限', maxHint: '免费与积分抽奖合计', noLimit: '不限', freeN: '每日免费 {n} 次', costN: '之后每次 {n} 积分', maxN: '每日最多 {n} 次',
    prizeName: '奖品名称', prizeKind: '类型', kinds: { points: '积分', coupon_placeholder: '优惠券', goods: '实物', none: '谢谢参与' },
    prizePoints: '积分数', prizeStock: '库存', weight: '权重', probability: '概率', addPrize: '添加奖品',
    nameRequired: '请输入活动名称', windowRequired: '请选择活动时间', prizeNameRequired: '每个奖品都需要名称',
    stockLeft: '剩余 / 库存', drawn: '已抽中', stop: '停止活动', stoppedAt: '停止时间',
    stopConfirm: '停止后“{name}”不能再抽奖，且无法恢复。确定停止吗？', stopped: '活动已停止', drawLog: '抽奖记录',
    prize: '抽中', cost: '消耗', free: '免费', pointsN: '{n} 积分', random: '随机数 / 总权重', day: '日期', at: '时间'
  },
  packet: {
    title: '红包', create: '新建红包', empty: '还没有红包', name: '活动名称', mode: '类型', modes: { fixed: '普通红包', lucky: '拼手气红包' },
    total: '总金额', totalYuan: '总金额（元）', count: '红包个数', claimedCol: '已领 / 总数', window: '领取时间', state: '状态',
    fixedHint: '每个约 {each}，余数的每一分依次加到前几个红包', luckyHint: '随机金额，每个至少 0.01 元，总额恰好等于总金额',
    nameRequired: '请输入活动名称', windowRequired: '请选择领取时间', totalTooSmall: '总金额至少为每个红包 0.01 元',
    claimedCount: '已领个数', claimedAmount: '已领金额', bestLuck: '手气最佳', bestLuckLater: '全部领完后揭晓',
    claims: '领取记录', amount: '金额', claimedAt: '领取时间'
  },
  pointsMall: {
    title: '积分商城', tabItems: '兑换商品', tabRedemptions: '兑换记录', create: '新建兑换商品', editTitle: '编辑兑换商品',
    empty: '还没有兑换商品，点击右上角新建', intro: '会员用积分（或积分加现金）兑换实物商品或优惠券；会员只能看到上架中的商品。',
    searchPlaceholder: '搜索商品名称', allKinds: '全部类型', allStatuses: '全部状态', shown: '已加载 {n} 个',
    item: '兑换商品', kind: '类型', kinds: { goods: '实物商品', coupon: '优惠券' }, goods: '关联商品', coupon: '关联优惠券',
    price: '兑换价', pointsN: '{n} 积分', pointsUnit: '积分', plusCash: '+ {v}', stockLeft: '剩余库存', redeemed: '已兑换', perCustomer: '每人限兑',
    perN: '限 {n} 件', status: '状态', statuses: { on: '上架中', off: '已下架' }, on: '上架', off: '下架', edit: '编辑',
    redemptions: '兑换记录', soldOut: '已兑完', lowStock: '库存紧张', pickSku: '选择商品 SKU', pickCoupon: '选择优惠券',
    skuRequired: '请选择商品 SKU', couponRequired: '请选择优惠券', name: '商品名称', namePlaceholder: '会员在积分商城里看到的名称',
    nameRequired: '请输入商品名称', mode: '兑换方式', modes: { points: '纯积分', mixed: '积分 + 现金' }, points: '所需积分',
    cashYuan: '另付现金（元）', cashRequired: '积分 + 现金的商品需要填写现金金额', stock: '兑换库存', stockEdit: '剩余库存',
    couponPointsOnly: '优惠券只能用积分兑换，不能加现金。', pointsOnlyNote: '纯积分兑换：不需要另付现金，兑换后订单即为已支付。', fixedAfterCreate: '类型和关联的商品或优惠券创建后不能修改。',
    skuHint: '兑换时从该 SKU 扣减商品库存：当前库存 {n}，原价 {price}', couponHint: '{rule} · 剩余 {n} 张',
    preview: '会员兑换价', previewEach: '每人最多兑换 {n} 件', previewCash: '现金部分需在支付时限内付款，超时未付自动取消并退回积分和库存。',
    onShelfNote: '保存后立即上架。', offConfirm: '下架后会员将看不到“{name}”，也不能再兑换；已兑换的订单和优惠券不受影响。确定下架吗？',
    offTitle: '下架兑换商品', putOn: '已上架', takenOff: '已下架', saved: '已保存', redemptionsOf: '兑换记录 · {name}',
    at: '兑换时间', customer: '客户', quantity: '数量', pointsSpent: '消耗积分', cash: '现金', order: '订单',
    rStatuses: { done: '已完成', pending_payment: '待支付', cancelled: '已取消' }, noRedemptions: '还没有兑换记录',
    redeemFor: '代客兑换', redeemTitle: '为客户兑换：{name}', customerId: '客户 ID', customerIdPlaceholder: '如 10086',
    customerIdInvalid: '请输入有效的客户 ID', redeemHint: '从该客户的积分中扣除 {points}；每人限兑 {per} 件。',
    redeemCashHint: '另需客户支付 {cash}，生成待支付订单。', redeemSubmit: '确认兑换', redeemed_ok: '已为客户 #{id} 兑换',
    itemFilter: '商品', customerFilter: '按客户 ID 筛选', filter: '筛选', allItems: '全部商品'
  },
  loyalty: {
    title: '会员', tabPoints: '积分与签到', tabLevels: '会员等级', earning: '积分与成长值', pointsPerYuan: '每消费 1 元得积分',
    expireDays: '积分有效期（天）', expireHint: '0 为永不过期', growthPerYuan: '每消费 1 元得成长值', redeeming: '积分抵现',
    redeemPerYuan: '多少积分抵 1 元', redeemHint: '0 为不能抵现', redeemMax: '最多抵订单金额（%）', checkin: '签到',
    checkinPoints: '每日签到积分', makeupDays: '可补签天数', makeupDaysHint: '0 为不能补签', makeupCost: '补签一天消耗积分',
    streaks: '连续签到奖励', streakDays: '连续', streakPoints: '天，奖励积分', addStreak: '添加连续签到奖励',
    memberDay: '会员日', memberDayOf: '每月会员日', noMemberDay: '不设会员日', dayN: '每月 {n} 日',
    memberDayDiscount: '会员日价格（会员价的 %）', memberDayDiscountHint: '100 为不再打折',
    memberDayMultiplier: '会员日积分倍数', discard: '撤销修改'
  },
  level: {
    hint: '按成长值划分等级：第一级从 0 开始，每一级的门槛都要高于上一级。保存后所有客户的等级立即按新门槛调整。',
    level: '等级', name: '等级名称', growthMin: '成长值门槛', discount: '会员价（%）', freeShipping: '包邮',
    priority: '售后优先级', birthdayCoupon: '生日券', add: '添加等级', nameRequired: '每个等级都需要名称',
    firstZero: '第一级的成长值门槛必须为 0', increasing: '第 {n} 级的门槛必须高于上一级',
    saveTitle: '保存会员等级', saveConfirm: '保存后所有客户的等级会立即按新门槛重新计算。确定保存吗？', saved: '会员等级已保存'
  },
  points: {
    title: '积分与优惠券', adjust: '调整积分', grantCoupon: '发优惠券', balance: '积分余额', expiring: '{n} 积分将于 {at} 过期',
    noExpiring: '近期没有将过期的积分', ledger: '积分明细', coupons: '优惠券', redemptions: '积分兑换', checkins: '签到', at: '时间', delta: '变动',
    after: '余额', reason: '类型', ref: '说明', expiresAt: '过期日',
    reasons: {
      order: '下单奖励', checkin: '签到', streak: '连签奖励', task: '任务奖励', adjust: '人工调整', mall: '积分商城兑换', lottery: '抽奖',
      makeup: '补签', refund: '退款扣回', expire: '过期', redeem: '积分抵现', return: '积分退回'
    },
    checkinSummary: '本月签到 {n} 天，当前连续 {streak} 天', checkedToday: '今日已签到', notToday: '今日未签到', makeup: '补签',
    checkinRules: '规则：每日签到 {p} 积分；可补签最近 {d} 天，每次 {c} 积分。', adjustTitle: '调整积分', give: '增加',
    take: '扣减', amount: '积分数', note: '备注', notePlaceholder: '如 开业礼、活动补偿', noteRequired: '请填写备注',
    adjusted: '积分已调整，当前余额 {n}'
  },
  memberLink: {
    button: '生成会员链接', title: '生成会员链接',
    warning: '打开这个链接的人将以该会员的身份使用会员页面（查看积分和订单、签到、下单），直到链接过期。请只发给客户本人，不要公开转发。',
    ttl: '有效期', hours: '{n} 小时', days: '{n} 天', url: '会员链接', copy: '复制', copied: '已复制到剪贴板',
    copyByHand: '无法自动复制，请选中链接手动复制', expires: '链接将于 {at} 失效。', create: '生成链接', close: '完成'
  }
}
