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
  menu: { dashboard: 'Overview', customers: 'Customers', tags: 'Tags', staff: 'Staff', audit: 'Audit log' },
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
    internal: 'Server error', unavailable: 'Service unavailable'
  },
  field: {
    name: 'Name', nickname: 'Nickname', phone: 'Phone', email: 'Email', city: 'City', birthday: 'Birthday',
    username: 'Username', password: 'Password', role: 'Role', tags: 'Tags', body: 'Text'
  },
  gender: { male: 'Male', female: 'Female', unknown: 'Unknown' },
  stage: {
    stranger: 'Stranger', weak_tie: 'Weak tie', customer: 'Customer', repeat_customer: 'Repeat customer',
    fan: 'Fan', iron_fan: 'Loyal fan', partner: 'Partner'
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
    coupon_redeemed: 'Coupon redeemed', checkin: 'Check-in'
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
    stores_write: 'Manage stores', tags_manage: 'Manage the tag list'
  },
  role: {
    owner: 'Owner', admin: 'Admin', operator: 'Operator', editor: 'Editor', guide: 'Guide', service: 'Service',
    analyst: 'Analyst'
  },
  audit: {
    title: 'Audit log', at: 'Time', actor: 'Actor', action: 'Action', entity: 'Entity', entityId: 'Entity ID',
    actorId: 'Actor ID', summary: 'Summary', page: 'Page {n}'
  }
}
