// Words a person understands for the package's error codes and Stytch's membership types.

/** What to tell a person about a failure, chosen by the error's `code` (never its message). */
export interface ErrorWords {
  title: string
  message: string
  /** Show the package's message too (it names the field at fault, never a secret). */
  showDetails?: boolean
}

const WORDS: Record<string, ErrorWords> = {
  ERR_OTP_INVALID: {
    title: 'That code is not right',
    message:
      'Check the 6-digit code in the latest email and try again. Only the newest code works.',
  },
  ERR_OTP_EXPIRED: {
    title: 'That code has expired or was already used',
    message: 'Each code works once and only for a few minutes. Ask for a new code.',
  },
  ERR_ACCOUNT_LOCKED: {
    title: 'Too many wrong codes',
    message:
      'To protect your account, sign-in for this email address is paused for a while. Please try again later.',
  },
  ERR_RATE_LIMITED: {
    title: 'Too many attempts',
    message: 'Please wait a minute, then try again.',
  },
  ERR_STYTCH_UNAVAILABLE: {
    title: 'Sign-in is unavailable right now',
    message: 'We could not reach the sign-in service. Please try again in a moment.',
  },
  ERR_STYTCH_API: {
    title: 'Sign-in failed',
    message: 'The sign-in service refused the request. Please start again.',
  },
  ERR_INTERMEDIATE_SESSION_MISSING: {
    title: 'Your sign-in step has expired',
    message:
      'Choosing an organization must follow soon after entering your code. Please start again with your email address.',
  },
  ERR_INTERMEDIATE_SESSION_INVALID: {
    title: 'Your sign-in step has expired',
    message:
      'Choosing an organization must follow soon after entering your code. Please start again with your email address.',
  },
  ERR_INVALID_INPUT: {
    title: 'Please check what you entered',
    message: 'Something in the form is not in the expected format.',
    showDetails: true,
  },
  ERR_BODY_TOO_LARGE: {
    title: 'Please check what you entered',
    message: 'The form was too large.',
  },
  ERR_ORGANIZATION_SLUG_TAKEN: {
    title: 'That organization address is taken',
    message: 'Another organization already uses this slug. Please choose a different one.',
  },
  ERR_ORGANIZATION_NOT_FOUND: {
    title: 'No such organization',
    message: 'We could not find that organization. Check the address of the page.',
  },
  ERR_ORGANIZATION_FORBIDDEN: {
    title: 'You cannot enter this organization',
    message: 'Your email address is not allowed to join this organization.',
  },
  ERR_ROLE_FORBIDDEN: {
    title: 'Not allowed',
    message: 'Your role in this organization does not allow this.',
  },
  ERR_PERMISSION_FORBIDDEN: {
    title: 'Not allowed',
    message: 'Your role in this organization does not allow this. Nothing was changed.',
  },
  ERR_SESSION_MISSING: {
    title: 'Please sign in',
    message: 'You need to be signed in to do this.',
  },
  ERR_SESSION_EXPIRED: {
    title: 'Your session has ended',
    message: 'Please sign in again.',
  },
  ERR_SESSION_INVALID: {
    title: 'Your session is not valid',
    message: 'Please sign in again.',
  },
  ERR_CSRF_REJECTED: {
    title: 'This form came from another site',
    message:
      'For your safety we only accept forms sent from this site. Go back, reload the page and try again.',
  },
}

const UNKNOWN: ErrorWords = {
  title: 'Something went wrong',
  message: 'Please try again. If it keeps happening, contact the site owner.',
}

/** The words for an error code; a generic text for codes this app does not know. */
export function errorWords(code: string | undefined): ErrorWords {
  return (code !== undefined && Object.hasOwn(WORDS, code) ? WORDS[code] : undefined) ?? UNKNOWN
}

/** Stytch's `membership.type` in plain words. */
export function membershipWords(type: string): string {
  switch (type) {
    case 'active_member':
      return 'You are a member'
    case 'pending_member':
      return 'Your membership is pending: logging in activates it'
    case 'invited_member':
      return 'You have been invited: logging in accepts the invitation'
    case 'eligible_to_join_by_email_domain':
      return 'You can join: this organization accepts your email domain'
    case 'eligible_to_join_by_oauth_tenant':
      return "You can join through your company's sign-in provider"
    default:
      return 'Available to you'
  }
}

/** True when the membership type means the person is not a member yet. */
export function isJoinable(type: string): boolean {
  return type.startsWith('eligible_to_join')
}
