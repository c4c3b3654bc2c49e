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
  menu: { dashboard: '概览', customers: '客户', tags: '标签', staff: '员工', audit: '审计日志' },
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
    internal: '服务器出错', unavailable: '服务暂不可用'
  },
  field: {
    name: '姓名', nickname: '昵称', phone: '手机号', email: '邮箱', unionid: 'UnionID', openid: 'OpenID',
    external_userid: '企业微信外部联系人', city: '城市', gender: '性别', birthday: '生日', avatar_url: '头像',
    lifecycle_stage: '生命周期', member_level: '会员等级', points: '积分', store_id: '门店', owner_id: '负责人',
    consent: '营销授权', tags: '标签', body: '内容', kind: '类型', value: '值', platform: '平台',
    username: '用户名', password: '密码', display_name: '显示名称', role: '角色', from: '被合并客户',
    customer_ids: '客户', add: '添加标签', remove: '移除标签', group_id: '标签组', q: '搜索', limit: '每页数量',
    'Idempotency-Key': '幂等键', events: '事件'
  },
  stage: {
    stranger: '陌生人', weak_tie: '弱关系', customer: '客户', repeat_customer: '回头客',
    fan: '粉丝', iron_fan: '铁粉', partner: '合伙人'
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
    form_submitted: '提交表单', coupon_redeemed: '核销优惠券', checkin: '签到'
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
    tokens_write: '创建 API 令牌', import_run: '导入数据', stores_write: '管理门店', tags_manage: '管理标签列表'
  },
  role: {
    owner: '所有者', admin: '管理员', operator: '运营', editor: '编辑', guide: '导购', service: '客服',
    analyst: '分析师'
  },
  audit: {
    title: '审计日志', at: '时间', actor: '操作人', action: '动作', entity: '对象', entityId: '对象 ID',
    actorId: '操作人 ID', summary: '摘要', page: '第 {n} 页'
  }
}
