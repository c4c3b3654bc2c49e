// The value lists of the customer model, as the server defines them (lifecycle ladder and report stages, genders,
// consent, identity kinds).
export const STAGES = ['stranger', 'weak_tie', 'customer', 'repeat_customer', 'fan', 'iron_fan', 'partner']
// The stages of the lifecycle report: the ladder and the two stages of customers drifting away.
export const LIFECYCLE_STAGES = [...STAGES, 'dormant', 'churn_risk']
export const GENDERS = ['male', 'female', 'unknown']
export const CONSENTS = ['granted', 'withdrawn', 'unknown']
export const IDENTITY_KINDS = ['phone', 'unionid', 'openid', 'external_userid', 'email', 'buyer']
