// English UI strings for the console.
export default {
  app: { name: 'yutang', subtitle: 'Private-domain customer ops' },
  common: {
    search: 'Search', reset: 'Reset', create: 'Create', edit: 'Edit', delete: 'Delete', save: 'Save',
    cancel: 'Cancel', confirm: 'OK', actions: 'Actions', loadMore: 'Load more', noMore: 'No more',
    prev: 'Previous', next: 'Next', refresh: 'Refresh', loading: 'Loading…', empty: 'No data',
    yes: 'Yes', no: 'No', none: 'None', all: 'All', back: 'Back', name: 'Name', createdAt: 'Created',
    deleteConfirm: 'Delete "{name}"?', saved: 'Saved', deleted: 'Deleted', created: 'Created',
    requestFailed: 'Request failed', networkError: 'Cannot reach the server',
    sessionExpired: 'Session expired, please sign in again',
    tooManyRequests: 'Too many requests, retry in {s} s', add: 'Add'
  },
  login: {
    title: 'Sign in to yutang', username: 'Username', password: 'Password', submit: 'Sign in',
    required: 'Enter username and password', failed: 'Wrong username or password'
  },
  menu: {
    dashboard: 'Overview', customers: 'Customers', tags: 'Tags', staff: 'Staff', audit: 'Audit log', audience: 'Audience',
    segments: 'Segments', rfm: 'RFM analysis', clv: 'Lifetime value', lifecycle: 'Lifecycle', tagRules: 'Tag rules'
  },
  header: { logout: 'Sign out', language: 'Language' },
  dashboard: {
    title: 'Overview', tagCount: 'Tags', groupCount: 'Tag groups', staffCount: 'Staff',
    topTags: 'Top tags (customers)', welcome: 'Welcome back, {name}',
    customers: 'Customers', new7d: 'New in 7 days', consent: 'Marketing consent', buyers: 'Buyers',
    repeatRate: 'Repurchase rate', gmv: 'GMV to date', aov: 'Average order', events7d: 'Events in 7 days',
    ladder: 'Relationship ladder (customers)', stores: 'Customers by store', scopeOwn: 'Figures cover your own customers only'
  },
  customer: {
    title: 'Customers', searchPlaceholder: 'Search name, nickname or remark', tagFilter: 'Filter by tag',
    ownerFilter: 'Filter by owner', stageFilter: 'Lifecycle', name: 'Name', nickname: 'Nickname', phone: 'Phone',
    tags: 'Tags', owner: 'Owner', store: 'Store', stage: 'Lifecycle', city: 'City', gender: 'Gender',
    birthday: 'Birthday', memberLevel: 'Member level', points: 'Points', consent: 'Marketing consent',
    identities: 'Identities', createdAt: 'Created', updatedAt: 'Updated', erased: 'Personal data erased',
    bulkTag: 'Bulk tag', selected: '{n} customers selected', addTags: 'Add tags', removeTags: 'Remove tags',
    bulkDone: '{n} customers updated', selectFirst: 'Select customers first', create: 'New customer',
    loaded: '{n} loaded', nameRequired: 'Enter a name', profile: 'Profile', tagPlaceholder: 'Tag name, Enter to add', addTag: 'Add tag',
    tagAdded: 'Tag "{name}" added', tagRemoved: 'Tag "{name}" removed', remarks: 'Remarks & follow-ups',
    remarkPlaceholder: 'Write a remark or follow-up…', addRemark: 'Add remark', remarkAdded: 'Remark added',
    timeline: 'Timeline', orders: 'Orders', noTags: 'No tags', identityKind: 'Kind',
    identityPlatform: 'Platform', identityValue: 'Value', orderPlatform: 'Platform', orderId: 'Order ID',
    orderedAt: 'Ordered at', quantity: 'Qty', amount: 'Amount', orderStatus: 'Status',
    notFound: 'Customer not found', mergedInto: 'This customer was merged into #{id}',
    editProfile: 'Edit profile', editTitle: 'Edit customer profile', marketing: 'Marketing consent', consentStatus: 'Status',
    consentSource: 'Consent source', consentSourcePlaceholder: 'e.g. store sign-up, WeCom, mini program',
    selectStore: 'Select a store', selectOwner: 'Select an owner', noChanges: 'Nothing changed',
    fixErrors: 'Fix the highlighted fields and save again', basicInfo: 'Basics', membership: 'Membership & ownership',
    addIdentity: 'Add identity', identityAdded: 'Identity added', platformPlaceholder: 'e.g. tmall, jd, douyin',
    valueRequired: 'Enter a value', platformRequired: 'A marketplace buyer needs its platform',
    merge: 'Merge', mergeTitle: 'Merge customers', mergeFromId: 'ID of the customer to absorb', mergeNext: 'Next',
    mergeHint: 'The other record is absorbed into this customer #{id}: its identities, tags, remarks, events and orders move here and its ID then points to this customer. A merge cannot be undone.',
    mergeConfirmTitle: 'Confirm merge',
    mergeConfirm: 'Customer #{from} "{fromName}" will be absorbed into this customer #{id} "{name}"; only #{id} remains. This cannot be undone. Merge?',
    mergeConfirmButton: 'Merge', mergeIdInvalid: 'Enter a valid customer ID', mergeSelf: 'A customer cannot be merged with itself',
    mergeAlreadyOne: 'Customer #{from} was already merged into this customer', mergeNotFound: 'Customer #{from} does not exist',
    merged: 'Customer #{from} merged into this customer',
    exportPii: 'Export personal data', exportedPii: 'Personal data exported', erase: 'Erase personal data',
    eraseTitle: 'Erase personal data',
    eraseWarn: 'Name, nickname, birthday, city, tags, identities and remarks are removed and marketing consent is withdrawn; orders are kept anonymised and the audit trail is kept. This cannot be undone.',
    eraseType: 'Type the customer name "{name}" to confirm', eraseSubmit: 'Erase permanently',
    erasedDone: 'Personal data of this customer erased',
    erasedAlert: 'The personal data of this customer was erased under PIPL; the profile can no longer be edited.',
    orderCount: 'Orders', paidTotal: 'Paid total', refundedTotal: 'Refunded total', ordersMore: 'Covers the first {n} orders only',
    exportCsv: 'Export CSV', exportCsvHint: 'Exports every customer you can see (filters do not apply)', exported: '{file} exported'
  },
  orderStatus: { paid: 'Paid', refunded: 'Refunded' },
  problem: {
    'invalid-request': 'Invalid request', unauthorized: 'Not signed in', forbidden: 'Not allowed',
    'not-found': 'Not found', 'method-not-allowed': 'Not supported', conflict: 'Conflicts with existing data',
    'payload-too-large': 'Too large', 'unsupported-media-type': 'Unsupported format', 'too-many-requests': 'Too many requests',
    unprocessable: 'Cannot be processed', internal: 'Server error', unavailable: 'Service unavailable'
  },
  field: {
    name: 'Name', nickname: 'Nickname', phone: 'Phone', email: 'Email', city: 'City', birthday: 'Birthday',
    username: 'Username', password: 'Password', role: 'Role', tags: 'Tags', body: 'Text',
    query: 'Segment query', action: 'Action', owner_id: 'Owner', unit: 'Time unit', until: 'Cut-off day'
  },
  gender: { male: 'Male', female: 'Female', unknown: 'Unknown' },
  stage: {
    stranger: 'Stranger', weak_tie: 'Weak tie', customer: 'Customer', repeat_customer: 'Repeat customer',
    fan: 'Fan', iron_fan: 'Loyal fan', partner: 'Partner', dormant: 'Dormant', churn_risk: 'Churn risk'
  },
  consentState: { unknown: 'Unknown', granted: 'Granted', withdrawn: 'Withdrawn' },
  remarkKind: { remark: 'Remark', follow_up: 'Follow-up' },
  identityKind: {
    phone: 'Phone', unionid: 'UnionID', openid: 'OpenID', external_userid: 'WeCom external contact',
    email: 'Email', buyer: 'Marketplace buyer'
  },
  eventType: {
    contact_added: 'Contact added', contact_removed: 'Contact removed', group_joined: 'Joined group',
    group_left: 'Left group', message_sent: 'Message sent', order_paid: 'Order paid',
    order_refunded: 'Order refunded', page_viewed: 'Page viewed', form_submitted: 'Form submitted',
    coupon_redeemed: 'Coupon redeemed', checkin: 'Check-in', segment_entered: 'Entered a segment',
    segment_exited: 'Left a segment'
  },
  tags: {
    title: 'Tags', groups: 'Tag groups', tags: 'Tags', newGroup: 'New group', newTag: 'New tag',
    groupName: 'Group name', tagName: 'Tag name', group: 'Group', ungrouped: 'Ungrouped',
    customerCount: 'Customers', chartTitle: 'Tags with the most customers', renameGroup: 'Rename group',
    editTag: 'Edit tag', deleteGroupHint: 'Tags in a deleted group are kept, ungrouped.',
    nameRequired: 'Enter a name'
  },
  staff: {
    title: 'Staff', username: 'Username', displayName: 'Display name', role: 'Role', store: 'Store',
    active: 'Active', password: 'Initial password', newStaff: 'New staff member', passwordHint: 'At least 8 characters',
    usernameRequired: 'Enter a username', passwordShort: 'Password must be at least 8 characters', tokens: 'Tokens',
    deactivateTitle: 'Deactivate staff member',
    deactivateConfirm: 'Deactivating "{name}" ends all of their sessions and API tokens at once; reactivating brings none back. Deactivate?',
    deactivateButton: 'Deactivate'
  },
  tokens: {
    title: 'Tokens of {name}',
    hint: 'The live sessions and API tokens of this person. A new password, another role or a deactivation ends all of their sessions and API tokens.',
    kind: 'Kind', session: 'Session', api: 'API token', name: 'Name', loginName: 'Console sign-in', scopes: 'Scopes',
    roleScopes: 'All permissions of the role', createdAt: 'Created', expiresAt: 'Expires', revoke: 'Revoke',
    revokeTitle: 'Revoke token',
    revokeConfirm: 'Revoke {kind} "{name}" (#{id})? Requests that use it are refused at once. This cannot be undone.',
    revokeOwnSession: 'This is one of your own sessions; if it is this browser\'s, you will have to sign in again.',
    revoked: 'Revoked', empty: 'No live tokens', loadFailed: 'Could not read the tokens'
  },
  permission: {
    customers_read: 'Read customers', customers_write: 'Change customers', pii_read: 'Full phones and emails',
    tags_write: 'Tag customers', events_write: 'Send events', staff_read: 'Read staff', staff_write: 'Manage staff',
    audit_read: 'Read the audit log', tokens_write: 'Create API tokens', import_run: 'Run imports',
    stores_write: 'Manage stores', tags_manage: 'Manage the tag list', segments_read: 'Read segments and analyses',
    segments_write: 'Manage segments and models'
  },
  role: {
    owner: 'Owner', admin: 'Admin', operator: 'Operator', editor: 'Editor', guide: 'Guide', service: 'Service',
    analyst: 'Analyst'
  },
  audit: {
    title: 'Audit log', at: 'Time', actor: 'Actor', action: 'Action', entity: 'Entity', entityId: 'Entity ID',
    actorId: 'Actor ID', summary: 'Summary', page: 'Page {n}'
  },
  segment: {
    title: 'Segments', create: 'New segment', editTitle: 'Edit segment', empty: 'No saved segments yet', name: 'Segment name',
    count: 'Members', broken: 'Query no longer valid', query: 'Query', namePlaceholder: 'e.g. Hangzhou mums, high spend',
    condition: 'Conditions', nameRequired: 'Enter a segment name', nameTaken: 'A segment with this name exists',
    exportCsv: 'Export CSV', bulk: 'Bulk actions', actionTag: 'Tag every member', actionUntag: 'Remove a tag from every member',
    actionAssign: 'Assign a guide', members: 'Members', actionScope: 'Applies to all {n} members (as they are when it runs).',
    guide: 'Guide', actionDone: 'Done: {n} of {m} members changed'
  },
  builder: {
    visual: 'Visual', text: 'Text', counting: 'Counting…', matches: 'Matches', customers: 'customers',
    matchesN: 'Matches {n} customers', fixToCount: 'Fix the query to see the count', addToCount: 'Add a condition to see the count',
    asText: 'As text', textLabel: 'Segment query (text)',
    textPlaceholder: 'e.g. tag = "宝妈" and spend_90d >= 30000 and last_order within 30d',
    syntaxTitle: 'Syntax', syntax0: 'has a tag and belongs to a store', syntax1: 'spent 300 yuan in 90 days (money is in fen) or ordered 3 times',
    syntax2: 'does not have a tag', syntax3: 'ordered in the last 30 days', syntax4: 'first order before a day',
    syntax5: 'belongs to one of the stores', syntax6: 'between 2 and 5 orders', syntax7: 'has any of the tags (all_tags: every one)',
    syntax8: 'viewed pages at least 3 times in 7 days', syntax9: 'RFM group and probability of being alive',
    syntaxNote: 'Text goes in double quotes; and binds before or, group with parentheses; keywords are lowercase; dates are 2026-01-31.',
    unknown: 'These names match nothing yet:', sample: 'Sample:', cannotVisual: 'This text cannot be shown in the visual mode; keep editing it as text',
    errorAt: 'At character {n}:', negateHint: 'Negate: the condition does not hold', not: 'NOT', attribute: 'Attribute',
    eventType: 'Event type', inLast: 'in the last', days: 'days', weeks: 'weeks', times: 'times', pickTag: 'Pick or type a tag',
    pickStore: 'Pick a store', pickOwner: 'Pick an owner', typeValues: 'Type and press Enter', and: 'and', pickDate: 'Pick a date',
    removeCondition: 'Remove condition', badNumber: 'Enter a valid number', yuanHint: 'Yuan', percentHint: '0–100', intHint: 'Whole number',
    all: 'All of', any: 'Any of', groupNot: 'Negate group', addCondition: 'Condition', addGroup: 'Group',
    removeGroup: 'Remove group', joinAnd: 'AND', joinOr: 'OR', emptyGroup: 'Empty group: add a condition'
  },
  attrGroup: { profile: 'Profile', orders: 'Orders', activity: 'Activity', model: 'Predictions and RFM' },
  attr: {
    tag: 'Tag', store: 'Store', owner: 'Owner', city: 'City', gender: 'Gender', consent: 'Marketing consent',
    lifecycle: 'Lifecycle stage', member_level: 'Member level', points: 'Points', paid_level: 'Paid level held', paid_until: 'Paid membership until', created: 'Created on', spend: 'Total spend',
    spend_30d: 'Spend, 30 days', spend_90d: 'Spend, 90 days', spend_365d: 'Spend, 365 days', orders: 'Total orders',
    orders_30d: 'Orders, 30 days', orders_90d: 'Orders, 90 days', orders_365d: 'Orders, 365 days', first_order: 'First order',
    last_order: 'Last order', last_seen: 'Last seen', count: 'Event count', rfm_group: 'RFM group',
    rfm_r: 'R score (recency)', rfm_f: 'F score (frequency)', rfm_m: 'M score (monetary)', p_alive: 'P(alive)',
    expected_orders_90d: 'Expected orders, 90 days', value_90d: 'Expected value, 90 days'
  },
  op: {
    eq: 'equals', ne: 'not equal', gt: 'greater than', ge: 'at least', lt: 'less than', le: 'at most', between: 'between',
    in: 'one of', has: 'has', has_not: 'has not', any: 'has any of', all: 'has all of', within: 'within the last',
    before: 'before', after: 'after', eqDay: 'on', betweenDay: 'between'
  },
  rfmGroup: {
    champions: 'Recent · frequent · high spend', promising: 'Recent · infrequent · high spend',
    needAttention: 'Lapsed · frequent · high spend', cannotLose: 'Lapsed · infrequent · high spend',
    loyal: 'Recent · frequent · low spend', newcomers: 'Recent · infrequent · low spend',
    aboutToSleep: 'Lapsed · frequent · low spend', lost: 'Lapsed · infrequent · low spend'
  },
  rfm: {
    title: 'RFM analysis', buyers: 'Buyers', meanRecency: 'Mean time since last order', daysAgo: '{n} days',
    meanOrders: 'Orders per buyer', meanSpend: 'Spend per buyer', heatmap: 'R × F (customers)',
    heatmapHint: 'Click a cell to select those customers', groups: 'The eight groups', groupsHint: 'Click a group to build a segment',
    group: 'Group', customers: 'Customers', share: 'Share',
    note: 'R, F and M are 1–5 scores by quintile over the buyers; a group says whether each is above the mean of all buyers. Current with every order.',
    cellTip: 'R{r} · F{f}: {n} customers', fAxis: 'F score (frequency)', rAxis: 'R score (recency)'
  },
  clv: {
    title: 'Lifetime value', refit: 'Refit', noModel: 'No model has been fitted yet', value90Total: 'Expected revenue, next 90 days',
    customers: 'Buyers', pAliveMean: 'Mean P(alive)', value90Mean: 'Expected value per buyer, 90 days', model: 'Model parameters',
    fittedAt: 'Fitted at', until: 'Data up to', unit: 'Time unit', unit_week: 'Week', unit_day: 'Day',
    bgnbdHint: 'purchases and dropout', logLik: 'Log-likelihood', fitCustomers: 'Customers', repeatCustomers: 'Repeat customers',
    ggHint: 'order value', pAliveChart: 'P(alive) distribution', valueChart: 'Expected value over the next 90 days',
    refitHint: 'Fits the BG/NBD and Gamma-Gamma models on the paid orders up to the cut-off day; the new model predicts for every customer at once.',
    untilToday: 'Today by default', fit: 'Fit', fitted: 'Model refitted', customersAxis: 'Customers'
  },
  lifecycle: {
    title: 'Lifecycle', unavailable: 'The server does not offer the lifecycle report yet', stages: 'Customers per stage',
    flows: 'Weekly flows between stages', allWeeks: 'All weeks', weekOf: 'Week of {d}', noFlows: 'No stage changes in this period',
    rules: 'Stage rules', rulesHint: 'Rules are tried in order: a customer is in the stage of the first one that holds. Each condition is checked and counted as it is typed; saving moves every customer at once.',
    rulePlaceholder: 'e.g. orders >= 2 and last_order within 90d', flowTip: '{from} → {to}: {n} customers',
    lastWeeks: 'Last {n} weeks', left: 'Stage left', right: 'Stage entered', moves: '{n} stage changes in all',
    defaults: 'Defaults', discard: 'Discard changes', fallback: 'Whoever no rule above places', addRule: 'Add a stage rule',
    up: 'Move up', down: 'Move down', saved: 'Rules saved; {n} customers changed stage',
    cycle: 'These stage rules would loop with the tag rules, so nothing was saved: {loop}. Change a condition or a tag rule to break the loop.'
  },
  tagRule: {
    title: 'Tag rules', create: 'New rule', editTitle: 'Edit rule', unavailable: 'The server does not offer tag rules yet',
    hint: 'A rule applies at once to every customer it matches, then adds or removes tags as customers change.',
    empty: 'No tag rules yet', name: 'Rule name', trigger: 'Trigger', eventTrigger: 'Event', conditionTrigger: 'Segment condition',
    effect: 'Tag changes', active: 'Active', history: 'History', cycleTitle: 'The rules would loop; nothing was saved',
    cycleHint: 'These tags would keep triggering each other. Change a condition or a tag to break the loop.',
    add: 'Add tags', remove: 'Remove tags', condition: 'Condition', eventWhen: 'When a customer has', eventWithin: 'within the last',
    historyOf: 'History of "{name}"', at: 'Time', customer: 'Customer', change: 'Change', noHistory: 'No history yet',
    nameTaken: 'A rule with this name exists', weeksN: 'within {n} weeks', daysN: 'within {n} days',
    eventSummary: '{type} {within}', applied: 'Saved and applied: {a} tags added, {r} removed', enabled: 'Rule enabled',
    disabled: 'Rule disabled', cycleShort: 'Enabling it would loop: {loop}'
  },
  audienceCard: {
    title: 'Audience', toRfm: 'RFM analysis', noOrders: 'No orders yet, so no RFM scores', pAlive: 'P(alive)',
    expectedOrders: 'Expected orders, 90 days', value90: 'Expected value, 90 days', spend90: 'Spend, 90 days', spend: 'Total spend',
    orders: 'Orders', firstOrder: 'First order', lastOrder: 'Last order'
  },
  segError: {
    closer: { end: 'the end', paren: "')'", bracket: "']'" },
    unknownAttribute: "There is no attribute '{name}'", lowercase: "Unknown word '{word}': keywords are lowercase",
    unknownWord: "Unknown word '{word}': expected and, or or {closer}", unexpectedAfter: 'Unexpected {what}: expected and, or or {closer}',
    conditionAfter: 'A condition is missing after {what}', conditionFound: 'Expected a condition, found {what}', condition: 'Expected a condition',
    notAttribute: '{name} is not an attribute name: use lowercase letters, digits and _',
    takesMoney: '{name} takes a number; money is in fen (300 yuan is 30000)', takesNumber: '{name} takes a number',
    takesDate: '{name} takes a date (2026-01-31), or use within 30d, before or after',
    takesEquality: '{name} takes =, != or in {op}', score: '{name} is a score from 1 to 5',
    rfmGroup: 'rfm_group is one of the eight RFM groups, such as "重要价值客户"', noBetween: '{name} is not a number or a date: between does not apply',
    notDay: '{name} is not a day: within, before and after do not apply',
    daysOnly: '{word} applies to days (first_order, last_order, last_seen, created, paid_until), not {name}',
    emptyBetween: 'between {lo} and {hi} is empty: the lower bound comes first', unterminated: 'The closing double quote " is missing',
    doubleEquals: "Use '=' to compare, not '=='", singleQuotes: 'Put text in double quotes ("), not single quotes',
    asciiQuotes: 'Use ASCII double quotes ("), not {ch}', asciiParens: 'Use ASCII parentheses ( ), not {ch}',
    asciiComma: 'Use an ASCII comma between values, not {ch}', asciiBrackets: 'Use ASCII brackets [ ], not {ch}',
    needQuotes: 'Unexpected {ch}: text goes in double quotes, as in tag = "宝妈"', extraParen: "Unexpected ')': there is no '(' to close",
    countOperator: 'An operator (=, !=, <, <=, >, >=) is missing after count(...)',
    operator: 'An operator (=, !=, <, <=, >, >=, in, between, within, before, after) is missing after {what}',
    valueAfter: 'A value (a number, a "string" or a date) is missing after {what}', listAfter: 'Expected a list after {what}, as in ["a", "b"]',
    listSeparator: "Separate the values of a list with commas and close it with ']'", window: 'Expected a window like 30d or 4w',
    windowRange: 'The window must be between 1d and {max}d', date: 'Invalid date {text}: write dates as YYYY-MM-DD',
    dateAfter: 'Expected a date like 2026-01-01 after {what}', number: 'Invalid number {text}',
    betweenAnd: 'Put and between the two values of between, as in orders between 2 and 5',
    countParen: 'Expected ( after count, as in count(page_viewed, 7d) >= 3', eventType: 'Expected an event type, like page_viewed',
    countWindow: 'Expected a comma and a window after the event type', countClose: "Expected ')' to close count(",
    expected: 'Expected {what}', depth: 'Nested more than {n} levels deep', tooMany: 'More than {n} conditions',
    loop: 'The rules would loop: {loop}', stageTwice: "Stage '{stage}' has two rules", readsLifecycle: 'A stage rule cannot read lifecycle (the stage itself)',
    strangerNoRule: 'Stranger is whoever no rule places; it has no rule', unknownStage: "There is no stage '{stage}'",
    unknownEvent: "There is no event type '{name}'"
  }
}
