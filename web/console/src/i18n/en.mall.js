// English strings of the mall and marketing pages, loaded with the first page that needs them (i18n/index.js).
export default {
  segment: {
    actionGrantCoupon: 'Grant a coupon to all members', coupon: 'Coupon', couponLeft: '{n} left · {per} per customer',
    couponHint: 'One each (members at the per-customer limit are skipped); nothing is granted when too few are left for every member.',
    couponDone: 'Granted: {n} of {m} members received the coupon'
  },
  activityState: { upcoming: 'Upcoming', running: 'Running', over: 'Over', stopped: 'Stopped', claimed: 'All claimed' },
  stats: {
    title: 'Results', participants: 'Participants', orders: 'Paid orders', buyersAxis: 'Buyers', buyers: 'bought by {n}',
    gmv: 'GMV', refunded: '{v} refunded', conversion: 'Conversion', conversionHint: 'buyers ÷ participants',
    entries: { flash: '{n} orders placed', coupon: '{n} coupons held', lottery: '{n} draws', packet: '{n} claims' },
    ownOrders: {
      flash: "Paid orders are this sale's orders that were paid (refunded ones too).",
      coupon: 'Paid orders are the paid orders that used this coupon; an order refunded in full gives its coupon back and no longer counts.'
    },
    attributedUntil: "Paid orders are the participants' paid mall orders placed from their first entry until {at} (7 days after the end).",
    compareTitle: 'The latest {n} compared', people: 'People / orders', yuan: 'Yuan'
  },
  product: {
    title: 'Products', create: 'New product', editTitle: 'Edit product', empty: 'No products yet', name: 'Product name',
    category: 'Category', categoryPlaceholder: 'Pick or type a category', description: 'Description', onSale: 'On sale',
    status: 'Status', skus: 'SKUs', totalStock: 'Stock', stockN: 'stock {n}', state: { on: 'On sale', off: 'Off sale' },
    skuName: 'SKU name', skuNamePlaceholder: 'e.g. 50ml white', specs: 'Specs', specSize: 'Size', specSizePlaceholder: 'e.g. 50ml',
    specColor: 'Colour', specColorPlaceholder: 'e.g. white', priceYuan: 'Price (yuan)', price: 'Price', stock: 'Stock',
    addSku: 'Add SKU', nameRequired: 'Enter a product name', skuNameRequired: 'Every SKU needs a name or specs', putOn: 'Put on sale',
    takeOff: 'Take off sale', skusFixed: "A SKU's specs and price cannot change after creation; adjust stock in the SKU list.",
    adjustStock: 'Adjust stock', moves: 'Stock moves', movesTitle: 'Stock moves', moveAt: 'Time', moveDelta: 'Change',
    stockAfter: 'After', moveReason: 'Kind', moveRef: 'Note', moveStaff: 'By', adjustTitle: 'Adjust stock: {name}',
    adjustDirection: 'Direction', stockIn: 'In (add)', stockOut: 'Out (take)', adjustQty: 'Quantity', adjustAfter: 'Stock after: {n}',
    adjustReason: 'Reason', adjustReasonPlaceholder: 'e.g. delivery, stocktake difference, damage',
    adjustReasonRequired: 'Give a reason', adjusted: 'Stock is now {n}',
    reason: { opening: 'Opening', manual: 'Manual', flash_sale: 'Flash sale', order: 'Order', order_cancel: 'Order cancelled', refund: 'Refund' }
  },
  flash: {
    title: 'Flash sales', create: 'New flash sale', empty: 'No flash sales yet', name: 'Name', sku: 'SKU', pickSku: 'Pick a SKU',
    price: 'Sale price', priceYuan: 'Sale price (yuan)', stock: 'Sale stock', limit: 'Per customer', stockLeft: 'Left',
    window: 'Runs', state: 'State', ordersCol: 'Orders', ordersShort: '{paid} paid · {pending} pending',
    payWindow: 'Payment window (minutes)', payWindowShort: 'Payment window', payWindowHint: 'Unpaid orders close after it and their stock returns to the sale',
    stockHint: "The sale's stock is taken from the SKU: {n} in stock, list price {price}", nameRequired: 'Enter a name',
    skuRequired: 'Pick a SKU', windowRequired: 'Pick when it runs', terms: 'Terms', listPrice: 'list {v}', minutes: '{n} min',
    progress: 'Stock and orders', paid: 'Paid orders', pending: 'Pending orders', released: 'Closed unpaid', units: '{n} units'
  },
  order: {
    title: 'Orders', titleN: 'Order #{id}', empty: 'No orders yet', id: 'Order', customer: 'Customer',
    customerFilter: 'Filter by customer id', customerInvalid: 'Enter a valid customer id', kind: 'Kind',
    kinds: { normal: 'Normal', flash: 'Flash', points: 'Points' }, goods: 'Goods', total: 'Paid', refunded: 'Refunded', status: 'Status',
    createdAt: 'Placed',
    statuses: { pending: 'Pending', paid: 'Paid', shipped: 'Shipped', completed: 'Completed', released: 'Closed unpaid', cancelled: 'Cancelled', refunded: 'Refunded' },
    info: 'Order', activity: 'Activity', flashN: 'Flash sale #{id}', pointsItemN: 'Points mall item #{id}', payBy: 'Pay by', paidAt: 'Paid at', payment: 'Payment',
    providers: { sandbox: 'Sandbox', wechatpay: 'WeChat Pay', points: 'Points' }, shipping: 'Shipping', completedAt: 'Completed', closedAt: 'Closed',
    cancelReasons: { customer: 'by the customer', staff: 'by staff', timeout: 'not paid in time' }, amounts: 'Amounts',
    goodsTotal: 'List price', memberDiscount: 'Member price', couponDiscount: 'Coupons', pointsPaid: 'Points', pointsN: '{n} points',
    unitsN: '{n} units', pointsBack: 'Points back', pointsBackText: '{r} paid points returned, {c} earned points taken back',
    items: 'Lines', itemName: 'Item', unitPrice: 'Unit price', quantity: 'Qty', subtotal: 'Subtotal', refundedQty: 'Refunded',
    refunds: 'Refunds', noRefunds: 'No refunds', refundAmount: 'Amount', refundLines: 'Items', restock: 'Restock',
    refundOnly: 'Refund only', refundReason: 'Reason', refundStatus: 'Status', refundAt: 'Refunded at',
    refundStatuses: { pending: 'Pending', succeeded: 'Refunded', failed: 'Failed' }, refund: 'Refund', refundTitle: 'Refund',
    refundMode: 'Refund', refundByLine: 'By units', refundFull: 'Everything left',
    refundFullHint: 'Refunds every unit and amount not refunded yet.', refundable: 'Refundable', refundQty: 'Units',
    restockHint: 'Goods come back; stock is added back', refundOnlyHint: 'Money only; the goods are not returned, stock unchanged',
    refundSubmit: 'Refund', refundReasonRequired: 'Give a reason', refundPickUnits: 'Pick at least one unit to refund',
    refundDone: 'Refunded {v}', ship: 'Ship', shipTitle: 'Ship the order', carrier: 'Carrier', trackingNo: 'Tracking number',
    carrierRequired: 'Pick a carrier', trackingRequired: 'Enter the tracking number', shipped: 'Shipped', complete: 'Confirm receipt',
    completeConfirm: 'Has the customer received the goods?', cancel: 'Cancel order',
    cancelConfirm: 'Stock, coupons and points come back. Cancel this unpaid order?', cancelled: 'Order cancelled',
    afterSale: 'Open after-sales', customerMallOrders: 'Mall orders →'
  },
  staffOrder: {
    button: 'Order for customer', title: 'Order for a customer', customerId: 'Customer id', balance: '{n} points', lines: 'Goods',
    addLine: 'Add a line', linesRequired: 'Pick at least one SKU', coupons: 'Coupons', pickCoupons: "The customer's usable coupons (up to 3)",
    noCoupons: 'The customer holds no usable coupon', points: 'Points to pay with', pointsOff: 'Points do not pay for orders under the current rules',
    pointsRule: '{per} points = 1 yuan, at most {max}%; now {v}', goodsTotal: 'List price total',
    priced: 'Member price, member day, coupons and points are applied when the order is placed; the customer pays it from their member pages before the payment window closes.',
    submit: 'Place order', created: 'Order #{id} placed'
  },
  afterSale: {
    title: 'After-sales', empty: 'No tickets', statuses: { open: 'Open', resolved: 'Resolved', rejected: 'Rejected' },
    queueHint: "The open queue is highest priority (the customer's member level) first, then oldest.", priority: 'Priority',
    order: 'Order', kind: 'Kind', kinds: { return: 'Return', exchange: 'Exchange', repair: 'Repair' }, reason: 'Problem',
    openedAt: 'Opened', resolution: 'Resolution', resolvedAt: 'Closed', resolve: 'Resolve', reject: 'Reject',
    resolveTitle: 'Resolve ticket', rejectTitle: 'Reject ticket', ticketLine: 'Ticket #{id} · order #{order}: {reason}',
    resolutionRequired: 'Describe the resolution', closed: 'Ticket closed', reasonRequired: 'Describe the problem',
    opened: 'Ticket opened'
  },
  coupon: {
    title: 'Coupons', create: 'New coupon', empty: 'No coupons yet', name: 'Name', namePlaceholder: 'e.g. ¥10 off ¥100',
    kind: 'Kind', kinds: { amount: 'Amount off', percent: 'Percent off' }, rule: 'Offer', scope: 'Applies to', issued: 'Issued',
    issuedCol: 'Issued / total', left: 'Left', used: 'Used', claimWindow: 'Claim window', status: 'Status',
    statuses: { active: 'Active', stopped: 'Stopped' }, stackable: 'Stackable', newOnly: 'New customers only', grant: 'Grant',
    stop: 'Stop', thresholdYuan: 'Threshold (yuan, 0 for none)', amountOffYuan: 'Amount off (yuan)', percentOff: 'Percent off',
    maxOffYuan: 'Cap (yuan, 0 for none)', scopeAll: 'Everything', scopeProducts: 'Some products', scopeCategories: 'Some categories',
    pickProducts: 'Pick products', pickCategories: 'Pick or type categories', scopeProductsN: '{names} ({n} products)',
    scopeCategoriesN: 'Categories: {names}', total: 'Quota', perCustomer: 'Per customer', validity: 'Validity',
    validDays: 'Days after claim', validUntil: 'Fixed end', daysAfterClaim: 'days', validDaysN: '{n} days after the claim',
    validUntilAt: 'until {at}', stackableHint: 'Usable with other stackable coupons', newOnlyHint: 'Only for customers who have not bought yet',
    nameRequired: 'Enter a name', windowRequired: 'Pick the claim window',
    stopConfirm: '"{name}" can no longer be claimed or granted once stopped; held coupons stay usable. Stop it?',
    stopped: 'Stopped', grantTitle: 'Grant a coupon', customerId: 'Customer id', customerIdPlaceholder: 'e.g. 10086',
    customerIdInvalid: 'Enter a valid customer id', pickCoupon: 'Pick a coupon', leftN: '{n} left', granted: 'Granted to customer #{id}',
    segmentHint: "To grant it to every member of a segment, use the segment page's bulk actions: Grant a coupon to all members.",
    ruleAmount: '{off} off {threshold}', ruleAmountFree: '{off} off', rulePercent: '{zhe}/10 of the price',
    rulePercentAbove: '{zhe}/10 of the price above {threshold}', ruleCap: ' (at most {cap} off)'
  },
  heldCoupon: {
    statuses: { usable: 'Usable', 'not-yet': 'Not yet', used: 'Used', expired: 'Expired' }, validUntil: 'Valid until',
    source: 'Source', sources: { claim: 'Claimed', grant: 'Granted', birthday: 'Birthday', points: 'Points mall' }, order: 'Order'
  },
  lottery: {
    title: 'Lotteries', create: 'New lottery', empty: 'No lotteries yet', name: 'Name', rules: 'Rules', prizes: 'Prizes',
    draws: 'Draws', window: 'Runs', state: 'State', freePerDay: 'Free draws a day', costPoints: 'Points per further draw',
    maxPerDay: 'Daily cap (0: none)', maxPerDayShort: 'Daily cap', maxHint: 'Free and paid draws together', noLimit: 'None', freeN: '{n} free a day',
    costN: 'then {n} points each', maxN: 'at most {n} a day', prizeName: 'Prize', prizeKind: 'Kind',
    kinds: { points: 'Points', coupon_placeholder: 'Coupon', goods: 'Goods', none: 'Nothing' }, prizePoints: 'Points',
    prizeStock: 'Stock', weight: 'Weight', probability: 'Chance', addPrize: 'Add prize', nameRequired: 'Enter a name',
    windowRequired: 'Pick when it runs', prizeNameRequired: 'Every prize needs a name', stockLeft: 'Left / stock', drawn: 'Drawn',
    stop: 'Stop', stoppedAt: 'Stopped', stopConfirm: '"{name}" takes no more draws once stopped, for good. Stop it?',
    stopped: 'Stopped', drawLog: 'Draws', prize: 'Drew', cost: 'Cost', free: 'Free', pointsN: '{n} points',
    random: 'Random value / total weight', day: 'Day', at: 'Time'
  },
  packet: {
    title: 'Red packets', create: 'New red packets', empty: 'No red packets yet', name: 'Name', mode: 'Kind',
    modes: { fixed: 'Equal', lucky: 'Lucky' }, total: 'Amount', totalYuan: 'Amount (yuan)', count: 'Packets',
    claimedCol: 'Claimed / total', window: 'Claim window', state: 'State',
    fixedHint: 'About {each} each; the remaining fen go one each to the first packets',
    luckyHint: 'Random amounts, at least ¥0.01 each, adding up to the amount exactly', nameRequired: 'Enter a name',
    windowRequired: 'Pick the claim window', totalTooSmall: 'The amount must give every packet at least ¥0.01',
    claimedCount: 'Claimed', claimedAmount: 'Paid out', bestLuck: 'Best luck', bestLuckLater: 'Told once every packet is claimed',
    claims: 'Claims', amount: 'Amount', claimedAt: 'Claimed'
  },
  pointsMall: {
    title: 'Points mall', tabItems: 'Items', tabRedemptions: 'Redemptions', create: 'New item', editTitle: 'Edit item',
    empty: 'No items yet: add one with the button above', intro: 'Members redeem points (or points and cash) for goods or coupons; they see only items on the shelf.',
    searchPlaceholder: 'Search by name', allKinds: 'All kinds', allStatuses: 'All statuses', shown: '{n} loaded',
    item: 'Item', kind: 'Kind', kinds: { goods: 'Goods', coupon: 'Coupon' }, goods: 'Product SKU', coupon: 'Coupon',
    price: 'Price', pointsN: '{n} points', pointsUnit: 'points', plusCash: '+ {v}', stockLeft: 'Stock left', redeemed: 'Redeemed', perCustomer: 'Per customer',
    perN: 'max {n}', status: 'Status', statuses: { on: 'On shelf', off: 'Off shelf' }, on: 'On', off: 'Off', edit: 'Edit',
    redemptions: 'Redemptions', soldOut: 'Sold out', lowStock: 'Low stock', pickSku: 'Pick a SKU', pickCoupon: 'Pick a coupon',
    skuRequired: 'Pick a SKU', couponRequired: 'Pick a coupon', name: 'Name', namePlaceholder: 'What members see in the points mall',
    nameRequired: 'Enter a name', mode: 'Paid with', modes: { points: 'Points only', mixed: 'Points + cash' }, points: 'Points',
    cashYuan: 'Cash (yuan)', cashRequired: 'A points + cash item needs a cash amount', stock: 'Stock', stockEdit: 'Stock left',
    couponPointsOnly: 'Coupons are redeemed for points only, never cash.', pointsOnlyNote: 'Points only: nothing more to pay; the order is paid once redeemed.', fixedAfterCreate: 'The kind and the SKU or coupon cannot change once created.',
    skuHint: "A redemption takes the SKU's own stock: {n} in stock, list price {price}", couponHint: '{rule} · {n} left',
    preview: 'Members pay', previewEach: 'At most {n} per customer', previewCash: 'The cash part is paid within the payment window; unpaid, the order is cancelled and the points and stock come back.',
    onShelfNote: 'On the shelf once saved.', offConfirm: 'Members will no longer see or redeem "{name}"; what was redeemed stays. Take it off the shelf?',
    offTitle: 'Take off the shelf', putOn: 'On the shelf', takenOff: 'Off the shelf', saved: 'Saved', redemptionsOf: 'Redemptions · {name}',
    at: 'Redeemed', customer: 'Customer', quantity: 'Qty', pointsSpent: 'Points', cash: 'Cash', order: 'Order',
    rStatuses: { done: 'Done', pending_payment: 'Awaiting payment', cancelled: 'Cancelled' }, noRedemptions: 'No redemptions yet',
    redeemFor: 'Redeem for a customer', redeemTitle: 'Redeem for a customer: {name}', customerId: 'Customer id', customerIdPlaceholder: 'e.g. 10086',
    customerIdInvalid: 'Enter a valid customer id', redeemHint: "Takes {points} from the customer's points; at most {per} per customer.",
    redeemCashHint: 'The customer also pays {cash}: the order waits for payment.', redeemSubmit: 'Redeem', redeemed_ok: 'Redeemed for customer #{id}',
    itemFilter: 'Item', customerFilter: 'Filter by customer id', filter: 'Filter', allItems: 'All items'
  },
  loyalty: {
    title: 'Membership', tabPoints: 'Points and check-in', tabLevels: 'Member levels', earning: 'Points and growth',
    pointsPerYuan: 'Points per yuan spent', expireDays: 'Points expire after (days)', expireHint: '0: never',
    growthPerYuan: 'Growth per yuan spent', redeeming: 'Paying with points', redeemPerYuan: 'Points worth 1 yuan',
    redeemHint: '0: points pay nothing', redeemMax: 'At most (% of the order)', checkin: 'Check-in',
    checkinPoints: 'Points a check-in', makeupDays: 'Days that can be made up', makeupDaysHint: '0: no make-ups',
    makeupCost: 'Points a make-up costs', streaks: 'Streak rewards', streakDays: 'After', streakPoints: 'days in a row, points',
    addStreak: 'Add a streak reward', memberDay: 'Member day', memberDayOf: 'Member day of the month',
    noMemberDay: 'No member day', dayN: 'Day {n}', memberDayDiscount: 'Member-day price (% of the member price)',
    memberDayDiscountHint: '100: no further discount', memberDayMultiplier: 'Member-day points multiplier', discard: 'Discard changes'
  },
  level: {
    hint: "Levels by growth: the first starts at 0 and each needs more than the one before. Saving re-levels every customer at once.",
    level: 'Level', name: 'Name', growthMin: 'From growth', discount: 'Member price (%)', freeShipping: 'Free shipping',
    priority: 'After-sales priority', birthdayCoupon: 'Birthday coupon', add: 'Add level', nameRequired: 'Every level needs a name',
    firstZero: 'The first level starts at growth 0', increasing: 'Level {n} must need more growth than the one before',
    saveTitle: 'Save member levels', saveConfirm: "Every customer's level follows the new thresholds at once. Save?",
    saved: 'Member levels saved'
  },
  points: {
    title: 'Points and coupons', adjust: 'Adjust points', grantCoupon: 'Grant coupon', balance: 'Points',
    expiring: '{n} points expire on {at}', noExpiring: 'No points expiring soon', ledger: 'Ledger', coupons: 'Coupons', redemptions: 'Redemptions',
    checkins: 'Check-ins', at: 'Time', delta: 'Change', after: 'Balance', reason: 'Kind', ref: 'Note', expiresAt: 'Expires',
    reasons: {
      order: 'Order', checkin: 'Check-in', streak: 'Streak', task: 'Task', adjust: 'Adjustment', mall: 'Points mall', lottery: 'Lottery',
      makeup: 'Make-up', refund: 'Refund claw-back', expire: 'Expired', redeem: 'Paid with points',
      return: 'Returned'
    },
    checkinSummary: '{n} days this month, {streak} in a row now', checkedToday: 'Checked in today', notToday: 'Not today yet',
    makeup: 'made up', checkinRules: 'Rules: {p} points a day; the last {d} days can be made up for {c} points each.',
    adjustTitle: 'Adjust points', give: 'Give', take: 'Take', amount: 'Points', note: 'Note', notePlaceholder: 'e.g. opening gift',
    noteRequired: 'Add a note', adjusted: 'Done: the balance is {n}'
  },
  memberLink: {
    button: 'Member link', title: 'Make a member link',
    warning: "Whoever opens this link uses the member pages as this member (points, orders, check-in, buying) until it expires. Send it to the customer only; never post it publicly.",
    ttl: 'Valid for', hours: '{n} hours', days: '{n} days', url: 'Member link', copy: 'Copy', copied: 'Copied',
    copyByHand: 'Could not copy: select the link and copy it', expires: 'The link expires at {at}.', create: 'Make link', close: 'Done'
  }
}
