// The mall pages' strings the shell and every page need from the start (the menu, problem kinds, permission and
// field names, a few common words); the pages' own strings (zh-CN.mall.js, en.mall.js) load with the first page
// that uses them (i18n/index.js).
export default {
  'zh-CN': {
    common: { updatedAt: '更新时间', start: '开始时间', end: '结束时间' },
    menu: {
      mall: '商城营销', products: '商品', flashSales: '秒杀', mallOrders: '订单', afterSales: '售后', coupons: '优惠券',
      lotteries: '抽奖', redPackets: '红包', pointsMall: '积分商城', loyalty: '会员', groupBuys: '拼团', distribution: '分销', pointTasks: '积分任务',
      memberPlans: '付费会员'
    },
    problem: {
      'sold-out': '已售罄', 'limit-reached': '已达上限', exhausted: '已发完', stopped: '已停止', 'new-customers-only': '仅限新客',
      'team-full': '团已满', 'team-expired': '团已过期', 'already-joined': '已在团中', 'one-team-only': '每人限参一团'
    },
    permission: {
      commerce_read: '查看商城与活动', commerce_write: '管理商城与活动', orders_write: '为客户下单与处理订单', points_write: '调整积分'
    },
    field: {
      sku_id: 'SKU', price: '价格', stock: '库存', delta: '变动数量', reason: '原因', total: '总量', count: '数量', mode: '方式',
      starts_at: '开始时间', ends_at: '结束时间', claim_starts: '领取开始', claim_ends: '领取结束', threshold: '门槛',
      amount_off: '减免金额', percent_off: '优惠比例', max_off: '最多减', per_customer: '每人限领', valid_days: '有效天数',
      valid_until: '有效期至', products: '商品', categories: '类目', customer_id: '客户', coupon_id: '优惠券', lines: '退款明细',
      carrier: '快递公司', tracking_no: '快递单号', resolution: '处理说明', levels: '会员等级', prizes: '奖品',
      per_customer_limit: '每人限购', pay_window_seconds: '支付时限', cost_points: '每次消耗积分', free_per_day: '每日免费次数',
      max_draws_per_day: '每日上限', ttl_hours: '有效期', note: '备注', item_id: '商品行', team_size: '成团人数',
      team_minutes: '成团时限', one_team_per_customer: '每人限参一团', new_customers_only: '仅限新客', enabled: '分销开关',
      binding_mode: '绑定方式', binding_days: '绑定有效期', rate_unit: '佣金单位', level1_rate: '一级佣金比例',
      level2_rate: '二级佣金比例', settle_days: '结算周期', withdraw_min: '最低提现金额', rule_min_spend: '消费门槛',
      rule_tag_id: '指定标签', payout_ref: '打款凭证', status: '状态', distribution: '分销',
      cash: '现金', quantity: '数量', event_type: '触发行为', per_day: '每日上限', description: '说明', days: '天数', level: '会员等级'
    }
  },
  en: {
    common: { updatedAt: 'Updated', start: 'Start', end: 'End' },
    menu: {
      mall: 'Mall & marketing', products: 'Products', flashSales: 'Flash sales', mallOrders: 'Orders', afterSales: 'After-sales',
      coupons: 'Coupons', lotteries: 'Lotteries', redPackets: 'Red packets', pointsMall: 'Points mall', loyalty: 'Membership',
      groupBuys: 'Group buys', distribution: 'Distribution', pointTasks: 'Points tasks', memberPlans: 'Paid membership'
    },
    problem: {
      'sold-out': 'Sold out', 'limit-reached': 'Limit reached', exhausted: 'None left', stopped: 'Stopped',
      'new-customers-only': 'New customers only', 'team-full': 'Team full', 'team-expired': 'Team expired',
      'already-joined': 'Already in the team', 'one-team-only': 'One team at a time'
    },
    permission: {
      commerce_read: 'View the mall and activities', commerce_write: 'Manage the mall and activities',
      orders_write: 'Order for customers and handle orders', points_write: 'Adjust points'
    },
    field: {
      sku_id: 'SKU', price: 'Price', stock: 'Stock', delta: 'Change', reason: 'Reason', total: 'Total', count: 'Count', mode: 'Mode',
      starts_at: 'Start', ends_at: 'End', claim_starts: 'Claims start', claim_ends: 'Claims end', threshold: 'Threshold',
      amount_off: 'Amount off', percent_off: 'Percent off', max_off: 'Cap', per_customer: 'Per customer', valid_days: 'Valid days',
      valid_until: 'Valid until', products: 'Products', categories: 'Categories', customer_id: 'Customer', coupon_id: 'Coupon',
      lines: 'Refund lines', carrier: 'Carrier', tracking_no: 'Tracking number', resolution: 'Resolution', levels: 'Member levels',
      prizes: 'Prizes', per_customer_limit: 'Per-customer limit', pay_window_seconds: 'Payment window', cost_points: 'Points per draw',
      free_per_day: 'Free draws a day', max_draws_per_day: 'Daily cap', ttl_hours: 'Valid for', note: 'Note', item_id: 'Order line',
      team_size: 'Team size', team_minutes: 'Time to form', one_team_per_customer: 'One team at a time',
      new_customers_only: 'New customers only', enabled: 'Distribution', binding_mode: 'Binding', binding_days: 'Binding period',
      rate_unit: 'Rate unit', level1_rate: 'Level-1 rate', level2_rate: 'Level-2 rate', settle_days: 'Settlement window',
      withdraw_min: 'Minimum withdrawal', rule_min_spend: 'Spend threshold', rule_tag_id: 'Tag', payout_ref: 'Payout reference',
      status: 'Status', distribution: 'Distribution', cash: 'Cash', quantity: 'Quantity', event_type: 'Event', per_day: 'Daily cap',
      description: 'Description', days: 'Days', level: 'Member level'
    }
  }
}
