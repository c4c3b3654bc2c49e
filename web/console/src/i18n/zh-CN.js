// Simplified Chinese (default) UI strings for the console.
export default {
  app: { name: '鱼塘', subtitle: '私域客户运营' },
  common: {
    search: '搜索', reset: '重置', create: '新建', edit: '编辑', delete: '删除', save: '保存',
    cancel: '取消', confirm: '确定', actions: '操作', loadMore: '加载更多', noMore: '没有更多了',
    prev: '上一页', next: '下一页', refresh: '刷新', loading: '加载中…', empty: '暂无数据',
    yes: '是', no: '否', none: '无', all: '全部', back: '返回', name: '名称', createdAt: '创建时间',
    deleteConfirm: '确定删除“{name}”吗？', saved: '已保存', deleted: '已删除', created: '已创建',
    requestFailed: '请求失败', networkError: '无法连接服务器', sessionExpired: '登录已过期，请重新登录',
    tooManyRequests: '请求过于频繁，请 {s} 秒后再试', add: '添加'
  },
  login: {
    title: '登录鱼塘控制台', username: '用户名', password: '密码', submit: '登录',
    required: '请输入用户名和密码', failed: '用户名或密码错误'
  },
  menu: {
    dashboard: '概览', customers: '客户', tags: '标签', staff: '员工', audit: '审计日志', audience: '人群运营',
    segments: '人群', rfm: 'RFM 分析', clv: '生命周期价值', lifecycle: '生命周期', tagRules: '标签规则'
  },
  header: { logout: '退出登录', language: '语言' },
  dashboard: {
    title: '概览', tagCount: '标签数', groupCount: '标签组', staffCount: '员工数',
    topTags: '热门标签（客户数）', welcome: '欢迎回来，{name}',
    customers: '客户总数', new7d: '近 7 天新增', consent: '已授权营销', buyers: '下单客户',
    repeatRate: '复购率', gmv: '累计成交额', aov: '客单价', events7d: '近 7 天行为', ladder: '关系阶梯（客户数）',
    stores: '门店客户', scopeOwn: '以下数据仅含你负责的客户'
  },
  customer: {
    title: '客户', searchPlaceholder: '搜索姓名、昵称或备注', tagFilter: '按标签筛选',
    ownerFilter: '按负责人筛选', stageFilter: '生命周期', name: '姓名', nickname: '昵称', phone: '手机号',
    tags: '标签', owner: '负责人', store: '门店', stage: '生命周期', city: '城市', gender: '性别',
    birthday: '生日', memberLevel: '会员等级', points: '积分', consent: '营销授权',
    identities: '身份标识', createdAt: '创建时间', updatedAt: '更新时间', erased: '已删除个人信息',
    bulkTag: '批量打标签', selected: '已选 {n} 位客户', addTags: '添加标签', removeTags: '移除标签',
    bulkDone: '已更新 {n} 位客户', selectFirst: '请先选择客户', create: '新建客户', loaded: '已加载 {n} 位',
    nameRequired: '请输入姓名', profile: '客户资料', tagPlaceholder: '输入标签名，回车添加', addTag: '添加标签', tagAdded: '已添加标签“{name}”',
    tagRemoved: '已移除标签“{name}”', remarks: '备注与跟进', remarkPlaceholder: '写下备注或跟进记录…',
    addRemark: '添加备注', remarkAdded: '已添加备注', timeline: '行为时间线', orders: '订单',
    noTags: '暂无标签', identityKind: '类型', identityPlatform: '平台', identityValue: '值',
    orderPlatform: '平台', orderId: '订单号', orderedAt: '下单时间', quantity: '数量', amount: '金额',
    orderStatus: '状态', notFound: '客户不存在', mergedInto: '该客户已合并到 #{id}',
    editProfile: '编辑资料', editTitle: '编辑客户资料', marketing: '营销授权', consentStatus: '授权状态', consentSource: '授权来源',
    consentSourcePlaceholder: '如 门店登记、企业微信、小程序', selectStore: '选择门店', selectOwner: '选择负责人',
    noChanges: '没有修改', fixErrors: '请按提示修改后再保存', basicInfo: '基本信息', membership: '会员与归属',
    addIdentity: '添加身份标识', identityAdded: '已添加身份标识', platformPlaceholder: '如 tmall、jd、douyin',
    valueRequired: '请输入值', platformRequired: '电商买家需要填写平台',
    merge: '合并客户', mergeTitle: '合并客户', mergeFromId: '要并入的客户 ID', mergeNext: '下一步',
    mergeHint: '另一位客户的记录会被并入当前客户 #{id}：身份标识、标签、备注、行为和订单都转到当前客户，原 ID 以后指向当前客户。合并不可撤销。',
    mergeConfirmTitle: '确认合并客户',
    mergeConfirm: '客户 #{from}「{fromName}」将被并入当前客户 #{id}「{name}」，之后只保留 #{id}。此操作不可撤销，确定合并吗？',
    mergeConfirmButton: '确认合并', mergeIdInvalid: '请输入有效的客户 ID', mergeSelf: '不能与当前客户合并',
    mergeAlreadyOne: '客户 #{from} 此前已并入当前客户', mergeNotFound: '客户 #{from} 不存在', merged: '已将客户 #{from} 并入当前客户',
    exportPii: '导出个人信息', exportedPii: '已导出个人信息', erase: '删除个人信息', eraseTitle: '删除个人信息',
    eraseWarn: '将清除该客户的姓名、昵称、生日、城市、标签、身份标识和备注，营销授权改为已撤回；订单匿名保留，审计记录保留。此操作不可撤销。',
    eraseType: '请输入客户姓名“{name}”以确认', eraseSubmit: '永久删除', erasedDone: '已删除该客户的个人信息',
    erasedAlert: '该客户的个人信息已按《个人信息保护法》删除，资料不能再编辑。',
    orderCount: '订单数', paidTotal: '已支付合计', refundedTotal: '已退款合计', ordersMore: '仅统计已加载的前 {n} 笔订单',
    exportCsv: '导出 CSV', exportCsvHint: '导出你可见的全部客户（不受当前筛选影响）', exported: '已导出 {file}'
  },
  orderStatus: { paid: '已支付', refunded: '已退款' },
  gender: { male: '男', female: '女', unknown: '未知' },
  problem: {
    'invalid-request': '请求有误', unauthorized: '未登录或登录已过期', forbidden: '没有权限',
    'not-found': '不存在', 'method-not-allowed': '不支持的操作', conflict: '与现有数据冲突',
    'payload-too-large': '内容过大', 'unsupported-media-type': '格式不支持', 'too-many-requests': '请求过于频繁',
    unprocessable: '无法处理', internal: '服务器出错', unavailable: '服务暂不可用'
  },
  field: {
    name: '姓名', nickname: '昵称', phone: '手机号', email: '邮箱', unionid: 'UnionID', openid: 'OpenID',
    external_userid: '企业微信外部联系人', city: '城市', gender: '性别', birthday: '生日', avatar_url: '头像',
    lifecycle_stage: '生命周期', member_level: '会员等级', points: '积分', store_id: '门店', owner_id: '负责人',
    consent: '营销授权', tags: '标签', body: '内容', kind: '类型', value: '值', platform: '平台',
    username: '用户名', password: '密码', display_name: '显示名称', role: '角色', from: '被合并客户',
    customer_ids: '客户', add: '添加标签', remove: '移除标签', group_id: '标签组', q: '搜索', limit: '每页数量',
    'Idempotency-Key': '幂等键', events: '事件', query: '人群条件',
    action: '操作', owner_id: '负责人', unit: '时间单位', until: '截止日'
  },
  stage: {
    stranger: '陌生人', weak_tie: '弱关系', customer: '客户', repeat_customer: '复购客户',
    fan: '粉丝', iron_fan: '铁粉', partner: '合伙人', dormant: '沉睡', churn_risk: '流失风险'
  },
  consentState: { unknown: '未知', granted: '已授权', withdrawn: '已撤回' },
  remarkKind: { remark: '备注', follow_up: '跟进' },
  identityKind: {
    phone: '手机号', unionid: 'UnionID', openid: 'OpenID', external_userid: '企业微信外部联系人',
    email: '邮箱', buyer: '电商买家'
  },
  eventType: {
    contact_added: '添加好友', contact_removed: '删除好友', group_joined: '入群', group_left: '退群',
    message_sent: '发送消息', order_paid: '订单支付', order_refunded: '订单退款', page_viewed: '浏览页面',
    form_submitted: '提交表单', coupon_redeemed: '核销优惠券', checkin: '签到', segment_entered: '进入人群',
    segment_exited: '离开人群'
  },
  tags: {
    title: '标签', groups: '标签组', tags: '标签', newGroup: '新建标签组', newTag: '新建标签',
    groupName: '标签组名称', tagName: '标签名称', group: '所属标签组', ungrouped: '未分组',
    customerCount: '客户数', chartTitle: '客户数最多的标签', renameGroup: '重命名标签组',
    editTag: '编辑标签', deleteGroupHint: '删除标签组后，组内标签会保留为未分组。', nameRequired: '请输入名称'
  },
  staff: {
    title: '员工', username: '用户名', displayName: '显示名称', role: '角色', store: '门店', active: '启用',
    password: '初始密码', newStaff: '新建员工', passwordHint: '至少 8 位', usernameRequired: '请输入用户名',
    passwordShort: '密码至少 8 位', tokens: '令牌',
    deactivateTitle: '停用员工', deactivateConfirm: '停用“{name}”后，此人的全部登录会话和 API 令牌会立即失效，重新启用也不会恢复。确定停用吗？',
    deactivateButton: '停用'
  },
  tokens: {
    title: '{name}的令牌', hint: '这里列出此人当前有效的登录会话和 API 令牌。设置新密码、更换角色或停用账号，都会结束此人的全部会话和 API 令牌。',
    kind: '类型', session: '会话', api: 'API 令牌', name: '名称', loginName: '控制台登录', scopes: '权限范围',
    roleScopes: '角色全部权限', createdAt: '创建时间', expiresAt: '过期时间', revoke: '撤销',
    revokeTitle: '撤销令牌', revokeConfirm: '{kind}“{name}”（#{id}）撤销后，使用它的请求会立即被拒绝，且无法恢复。确定撤销吗？',
    revokeOwnSession: '这是你自己的登录会话，如果正是当前浏览器的会话，撤销后需要重新登录。',
    revoked: '已撤销', empty: '没有有效的令牌', loadFailed: '无法读取令牌'
  },
  permission: {
    customers_read: '查看客户', customers_write: '修改客户', pii_read: '查看完整手机号和邮箱', tags_write: '给客户打标签',
    events_write: '写入行为', staff_read: '查看员工', staff_write: '管理员工', audit_read: '查看审计日志',
    tokens_write: '创建 API 令牌', import_run: '导入数据', stores_write: '管理门店', tags_manage: '管理标签列表',
    segments_read: '查看人群与分析', segments_write: '管理人群与模型'
  },
  role: {
    owner: '所有者', admin: '管理员', operator: '运营', editor: '编辑', guide: '导购', service: '客服',
    analyst: '分析师'
  },
  audit: {
    title: '审计日志', at: '时间', actor: '操作人', action: '动作', entity: '对象', entityId: '对象 ID',
    actorId: '操作人 ID', summary: '摘要', page: '第 {n} 页'
  },
  segment: {
    title: '人群', create: '新建人群', editTitle: '编辑人群', empty: '还没有保存的人群', name: '人群名称', count: '人数',
    broken: '条件已失效', query: '条件', namePlaceholder: '如 杭州宝妈高消费', condition: '圈选条件',
    nameRequired: '请输入人群名称', nameTaken: '已有同名人群', exportCsv: '导出 CSV', bulk: '批量操作',
    actionTag: '给全部成员打标签', actionUntag: '移除全部成员的标签', actionAssign: '分配负责导购', members: '人群成员',
    actionScope: '将对当前全部 {n} 位成员执行（按执行时的成员计算）。', guide: '负责导购',
    actionDone: '已完成：{m} 位成员中有 {n} 位发生变化'
  },
  builder: {
    visual: '可视化', text: '文本', counting: '正在计算…', matches: '匹配', customers: '位客户', matchesN: '匹配 {n} 位客户',
    fixToCount: '条件有误，改正后显示人数', addToCount: '填写条件后显示人数', asText: '文本形式',
    textLabel: '人群条件（文本）', textPlaceholder: '例如：tag = "宝妈" and spend_90d >= 30000 and last_order within 30d',
    syntaxTitle: '语法速查', syntax0: '有标签且属于某门店', syntax1: '近 90 天消费满 300 元（金额以分为单位）或下单至少 3 次',
    syntax2: '没有某个标签', syntax3: '最近 30 天内下过单', syntax4: '首单早于某天', syntax5: '属于其中任一门店',
    syntax6: '订单数在 2 到 5 之间', syntax7: '有其中任一标签（all_tags 为全部）', syntax8: '近 7 天浏览页面至少 3 次',
    syntax9: 'RFM 分组与存活概率',
    syntaxNote: '文本用英文双引号；and 优先于 or，可用括号分组；关键字须小写；日期写作 2026-01-31。',
    unknown: '以下名称目前没有匹配：', sample: '样本客户：', cannotVisual: '这段文本无法在可视化模式中显示，请继续用文本编辑',
    errorAt: '第 {n} 个字符：', negateHint: '取反：不满足这个条件', not: '非', attribute: '选择属性', eventType: '行为类型',
    inLast: '在最近', days: '天', weeks: '周', times: '内的次数', pickTag: '选择或输入标签', pickStore: '选择门店',
    pickOwner: '选择负责人', typeValues: '输入后回车', and: '至', pickDate: '选择日期', removeCondition: '删除条件',
    badNumber: '请输入有效的数字', yuanHint: '金额（元）', percentHint: '0–100', intHint: '整数',
    all: '满足全部', any: '满足任一', groupNot: '整组取反', addCondition: '添加条件', addGroup: '添加条件组',
    removeGroup: '删除条件组', joinAnd: '且', joinOr: '或', emptyGroup: '空条件组，添加一个条件'
  },
  attrGroup: { profile: '客户资料', orders: '订单', activity: '行为', model: '模型预测与 RFM' },
  attr: {
    tag: '标签', store: '门店', owner: '负责人', city: '城市', gender: '性别', consent: '营销授权',
    lifecycle: '生命周期阶段', member_level: '会员等级', points: '积分', paid_level: '付费会员等级', paid_until: '付费会员到期日', created: '建档日期', spend: '累计消费',
    spend_30d: '近 30 天消费', spend_90d: '近 90 天消费', spend_365d: '近 365 天消费', orders: '累计订单数',
    orders_30d: '近 30 天订单数', orders_90d: '近 90 天订单数', orders_365d: '近 365 天订单数', first_order: '首单日期',
    last_order: '最近下单日期', last_seen: '最近活跃日期', count: '行为次数', rfm_group: 'RFM 分组',
    rfm_r: 'R 分（最近消费）', rfm_f: 'F 分（消费频次）', rfm_m: 'M 分（消费金额）', p_alive: '存活概率 P(alive)',
    expected_orders_90d: '预计 90 天订单数', value_90d: '预计 90 天价值'
  },
  op: {
    eq: '等于', ne: '不等于', gt: '大于', ge: '大于等于', lt: '小于', le: '小于等于', between: '介于', in: '属于其一',
    has: '包含', has_not: '不包含', any: '包含任一', all: '包含全部', within: '在最近', before: '早于', after: '晚于',
    eqDay: '当天', betweenDay: '介于'
  },
  rfmGroup: {
    champions: '近期买过 · 常买 · 花得多', promising: '近期买过 · 买得少 · 花得多', needAttention: '久未购买 · 常买 · 花得多',
    cannotLose: '久未购买 · 买得少 · 花得多', loyal: '近期买过 · 常买 · 花得少', newcomers: '近期买过 · 买得少 · 花得少',
    aboutToSleep: '久未购买 · 常买 · 花得少', lost: '久未购买 · 买得少 · 花得少'
  },
  rfm: {
    title: 'RFM 分析', buyers: '下单客户', meanRecency: '平均距最近下单', daysAgo: '{n} 天', meanOrders: '人均订单数',
    meanSpend: '人均消费', heatmap: 'R × F 分布（客户数）', heatmapHint: '点击格子圈选这部分客户', groups: '八类客户',
    groupsHint: '点击一类，在人群中圈选', group: '分组', customers: '客户数', share: '占比',
    note: 'R、F、M 按下单客户的五分位打 1–5 分；分组以各项是否高于全体均值划分。数据随订单实时更新。',
    cellTip: 'R{r} · F{f}：{n} 位客户', fAxis: 'F 分（消费频次）', rAxis: 'R 分（最近消费）'
  },
  clv: {
    title: '生命周期价值', refit: '重新拟合', noModel: '还没有拟合过模型', value90Total: '未来 90 天预计收入',
    customers: '下单客户', pAliveMean: '平均存活概率', value90Mean: '人均 90 天预计价值', model: '模型参数',
    fittedAt: '拟合时间', until: '数据截止日', unit: '时间单位', unit_week: '周', unit_day: '天',
    bgnbdHint: '购买次数与流失', logLik: '对数似然', fitCustomers: '客户数', repeatCustomers: '复购客户数',
    ggHint: '客单价', pAliveChart: '存活概率 P(alive) 分布', valueChart: '未来 90 天预计价值分布',
    refitHint: '用截止日前的已支付订单重新拟合 BG/NBD 与 Gamma-Gamma 模型，拟合后立即用于全部客户的预测。',
    untilToday: '默认今天', fit: '开始拟合', fitted: '模型已重新拟合', customersAxis: '客户数'
  },
  lifecycle: {
    title: '生命周期', unavailable: '服务器尚未提供生命周期报表', stages: '各阶段客户数', flows: '每周阶段流转',
    allWeeks: '全部周', weekOf: '{d} 当周', noFlows: '这段时间没有阶段变化', rules: '阶段规则',
    rulesHint: '规则按顺序判断，客户落入第一条满足条件的阶段；每条条件输入时即校验并显示人数。保存后立即重新划分全部客户。',
    rulePlaceholder: '例如：orders >= 2 and last_order within 90d', flowTip: '{from} → {to}：{n} 位客户',
    lastWeeks: '最近 {n} 周', left: '离开的阶段', right: '进入的阶段', moves: '共 {n} 次阶段变化', defaults: '默认规则',
    discard: '撤销修改', fallback: '以上规则都不满足的客户', addRule: '添加阶段规则', up: '上移', down: '下移',
    saved: '规则已保存，{n} 位客户调整了阶段',
    cycle: '这些阶段规则会与标签规则形成循环，未保存：{loop}。请修改条件或标签规则，打断这个循环。'
  },
  tagRule: {
    title: '标签规则', create: '新建规则', editTitle: '编辑规则', unavailable: '服务器尚未提供标签规则',
    hint: '规则会立即作用于全部符合条件的客户，之后客户数据变化时自动打上或移除标签。', empty: '还没有标签规则',
    name: '规则名称', trigger: '触发方式', eventTrigger: '行为触发', conditionTrigger: '人群条件', effect: '标签变化',
    active: '启用', history: '执行记录', cycleTitle: '规则之间形成了循环，未保存',
    cycleHint: '这些标签会互相触发、不断增减。请修改条件或要添加的标签，打断这个循环。', add: '添加标签', remove: '移除标签',
    condition: '条件', eventWhen: '当客户发生', eventWithin: '且在最近', historyOf: '“{name}”的执行记录', at: '时间',
    customer: '客户', change: '变化', noHistory: '还没有执行记录', nameTaken: '已有同名规则', weeksN: '{n} 周内',
    daysN: '{n} 天内', eventSummary: '{within}发生 {type}', applied: '已保存并执行：添加 {a} 个、移除 {r} 个标签',
    enabled: '规则已启用', disabled: '规则已停用', cycleShort: '启用后会形成循环：{loop}'
  },
  audienceCard: {
    title: '人群画像', toRfm: 'RFM 分析', noOrders: '尚未下单，暂无 RFM 评分', pAlive: '存活概率',
    expectedOrders: '预计 90 天订单', value90: '预计 90 天价值', spend90: '近 90 天消费', spend: '累计消费',
    orders: '累计订单', firstOrder: '首单', lastOrder: '最近下单'
  },
  segError: {
    closer: { end: '结尾', paren: '右括号 )', bracket: '右方括号 ]' },
    unknownAttribute: '没有名为“{name}”的属性', lowercase: '无法识别“{word}”：关键字须小写',
    unknownWord: '无法识别“{word}”：这里应为 and、or 或{closer}', unexpectedAfter: '这里不应出现 {what}：应为 and、or 或{closer}',
    conditionAfter: '{what} 后面缺少条件', conditionFound: '这里应为一个条件，而不是 {what}', condition: '这里应为一个条件',
    notAttribute: '{name} 不是属性名：属性名只用小写字母、数字和 _', takesMoney: '{name} 需要数字，金额以分为单位（300 元写作 30000）',
    takesNumber: '{name} 需要数字', takesDate: '{name} 需要日期（如 2026-01-31），或用 within 30d、before、after',
    takesEquality: '{name} 只能用 =、!= 或 in {op}', score: '{name} 是 1 到 5 的分数',
    rfmGroup: 'rfm_group 只能是八类 RFM 分组之一，如 "重要价值客户"', noBetween: '{name} 不是数字或日期，不能用 between',
    notDay: '{name} 不是日期，不能用 within、before 或 after', daysOnly: '{word} 只用于日期属性（first_order、last_order、last_seen、created、paid_until），不能用于 {name}',
    emptyBetween: 'between {lo} and {hi} 为空：小的数要写在前面', unterminated: '字符串缺少结尾的双引号 "',
    doubleEquals: '比较用 =，不要用 ==', singleQuotes: '文本要用英文双引号 " 括起来，不能用单引号',
    asciiQuotes: '请用英文双引号 "，不要用 {ch}', asciiParens: '请用英文括号 ( )，不要用 {ch}', asciiComma: '值之间请用英文逗号 ,，不要用 {ch}',
    asciiBrackets: '请用英文方括号 [ ]，不要用 {ch}', needQuotes: '无法识别 {ch}：文本要放在双引号里，如 tag = "宝妈"',
    extraParen: '多余的 )：前面没有对应的 (', countOperator: 'count(...) 后面缺少比较符（=、!=、<、<=、>、>=）',
    operator: '{what} 后面缺少运算符（=、!=、<、<=、>、>=、in、between、within、before、after）',
    valueAfter: '{what} 后面缺少值（数字、"文本" 或日期）', listAfter: '{what} 后面应为列表，如 ["a", "b"]',
    listSeparator: '列表中的值之间要用逗号分隔，并以 ] 结束', window: '应为时间窗口，如 30d（天）或 4w（周）',
    windowRange: '时间窗口须在 1d 到 {max}d 之间', date: '日期 {text} 无效，请写作 YYYY-MM-DD', dateAfter: '{what} 后面应为日期，如 2026-01-01',
    number: '数字 {text} 无效', betweenAnd: 'between 的两个值之间要用 and，如 orders between 2 and 5',
    countParen: 'count 后面应为 (，如 count(page_viewed, 7d) >= 3', eventType: '应为行为类型，如 page_viewed',
    countWindow: '行为类型后面应为逗号和时间窗口', countClose: 'count( 缺少右括号 )', expected: '缺少{what}',
    depth: '嵌套超过 {n} 层', tooMany: '条件超过 {n} 个',
    loop: '规则会形成循环：{loop}', stageTwice: '阶段“{stage}”有两条规则', readsLifecycle: '阶段规则不能引用 lifecycle（阶段本身）',
    strangerNoRule: '陌生人是所有规则都不满足的客户，不需要规则', unknownStage: '没有“{stage}”这个阶段',
    unknownEvent: '没有名为“{name}”的行为类型'
  }
}
