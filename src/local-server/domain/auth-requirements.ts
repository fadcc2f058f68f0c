// What an organization still demands of a login: primary_required / mfa_required.
import type { Organization } from '../../wire/organizations.js'
import type { AuthenticationFactor, MfaRequired, PrimaryRequired } from '../../wire/sessions.js'
import type { MemberRecord } from '../store/local-store.js'

/** Primary method name of a factor (`email_otp` for email OTP). */
function primaryMethod(factor: AuthenticationFactor): string | undefined {
  if (factor.type === 'email_otp' || factor.type === 'magic_link') return factor.type
  return undefined
}

const MFA_METHOD_OF: Record<string, string> = {
  otp: 'sms_otp',
  totp: 'totp',
  recovery_codes: 'totp',
}

export interface Requirements {
  primary_required: PrimaryRequired | null
  mfa_required: MfaRequired | null
  member_authenticated: boolean
}

/**
 * Evaluates held factors against the org's auth-method and MFA policies.
 * `skipMfa` models a valid session passed into the call.
 */
export function evaluateRequirements(
  organization: Organization,
  member: MemberRecord | null,
  factors: AuthenticationFactor[],
  options: { skipMfa?: boolean } = {},
): Requirements {
  const methods = factors.map(primaryMethod).filter((m): m is string => m !== undefined)
  const restricted =
    organization.auth_methods === 'RESTRICTED' &&
    member?.member.is_breakglass !== true &&
    !methods.some((method) => organization.allowed_auth_methods.includes(method))
  const primary_required = restricted
    ? { allowed_auth_methods: [...organization.allowed_auth_methods] }
    : null

  const mfaNeeded =
    organization.mfa_policy === 'REQUIRED_FOR_ALL' || member?.member.mfa_enrolled === true
  const mfaHeld = factors.some((factor) => {
    const method = MFA_METHOD_OF[factor.type]
    if (method === undefined) return false
    return (
      organization.mfa_methods !== 'RESTRICTED' || organization.allowed_mfa_methods.includes(method)
    )
  })
  let mfa_required: MfaRequired | null = null
  if (mfaNeeded && !mfaHeld && options.skipMfa !== true) {
    const phone = member?.member.mfa_phone_number ?? ''
    const totp = member?.member.totp_registration_id ?? ''
    mfa_required = {
      member_options:
        phone || totp ? { mfa_phone_number: phone, totp_registration_id: totp } : null,
      secondary_auth_initiated: null,
    }
  }
  return {
    primary_required,
    mfa_required,
    member_authenticated: primary_required === null && mfa_required === null,
  }
}

/** True when the org accepts email OTP as a primary factor for this member. */
export function allowsEmailOtp(organization: Organization, member: MemberRecord | null): boolean {
  return (
    organization.auth_methods !== 'RESTRICTED' ||
    member?.member.is_breakglass === true ||
    organization.allowed_auth_methods.includes('email_otp')
  )
}
