// The value lists of the customer model, as the server defines them (lifecycle stages, genders, consent, identity
// kinds).
// The lifecycle ladder from stranger to partner, then the two stages of customers drifting away.
export const STAGES = ['stranger', 'weak_tie', 'customer', 'repeat_customer', 'fan', 'iron_fan', 'partner', 'churn_risk', 'dormant']
export const GENDERS = ['male', 'female', 'unknown']
export const CONSENTS = ['granted', 'withdrawn', 'unknown']
export const IDENTITY_KINDS = ['phone', 'unionid', 'openid', 'external_userid', 'email', 'buyer']
