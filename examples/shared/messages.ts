// Words a person understands for the package's error codes, on the example's own pages (the sign-in pages have theirs).

/** What to tell a person about a failure, chosen by the error's `code` (never its message). */
export interface ErrorWords {
  title: string
  message: string
  /** Show the package's message too (it names the field at fault, never a secret). */
  showDetails?: boolean
}

const WORDS: Record<string, ErrorWords> = {
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
  ERR_INVALID_INPUT: {
    title: 'Please check what you entered',
    message: 'Something in the form is not in the expected format.',
    showDetails: true,
  },
  ERR_BODY_TOO_LARGE: {
    title: 'Please check what you entered',
    message: 'The form was too large.',
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
