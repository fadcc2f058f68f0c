// The organization settings area, framework-neutral: which permission each action needs, the paths, and the posted forms read and checked.
import { AuthError, type Permission } from 'stytch-b2b-middleware'

/**
 * The permission each settings action needs: Stytch's own (default `stytch_admin` holds them all,
 * `stytch_member` none), so the example's guard and Stytch's check of the same call agree.
 * https://stytch.com/docs/b2b/guides/rbac/stytch-default
 */
export const SETTINGS_PERMISSIONS = {
  listMembers: { resourceId: 'stytch.member', action: 'search' },
  changeRole: { resourceId: 'stytch.member', action: 'update.settings.roles' },
  removeMember: { resourceId: 'stytch.member', action: 'delete' },
  name: { resourceId: 'stytch.organization', action: 'update.info.name' },
  domains: { resourceId: 'stytch.organization', action: 'update.settings.allowed-domains' },
  jit: { resourceId: 'stytch.organization', action: 'update.settings.email-jit-provisioning' },
  mfa: { resourceId: 'stytch.organization', action: 'update.settings.mfa-policy' },
} as const satisfies Record<string, Permission>

/** The organization settings, one form (route, permission) each. */
export type OrganizationSetting = 'name' | 'domains' | 'jit' | 'mfa'
export const ORGANIZATION_SETTINGS: readonly OrganizationSetting[] = [
  'name',
  'domains',
  'jit',
  'mfa',
]

/** The form paths; `:setting` is one of ORGANIZATION_SETTINGS. */
export const SETTINGS_PATHS = {
  members: '/settings/members',
  changeRole: '/settings/members/role',
  removeMember: '/settings/members/remove',
  organization: '/settings/organization',
} as const

/** `/settings/organization/name` and so on. */
export function organizationSettingPath(setting: OrganizationSetting): string {
  return `${SETTINGS_PATHS.organization}/${setting}`
}

/** The roles the members page offers: Stytch's defaults. Every member holds stytch_member anyway. */
export const ROLE_CHOICES = ['stytch_member', 'stytch_admin'] as const
export type RoleChoice = (typeof ROLE_CHOICES)[number]

export const JIT_CHOICES = ['RESTRICTED', 'NOT_ALLOWED'] as const
export const MFA_CHOICES = ['OPTIONAL', 'REQUIRED_FOR_ALL'] as const

// Refusals are the package's AuthError: the app's error page already renders its code in words.
export function invalid(message: string, status = 400): AuthError {
  return new AuthError('ERR_INVALID_INPUT', message, { status })
}

// Stytch ids are `member-<environment>-<uuid>`; anything else never reaches Stytch.
const MEMBER_ID = /^member-[a-z]+-[0-9a-f-]{36}$/
// A host name: labels of letters, digits and hyphens, at least one dot.
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/
const MAX_DOMAINS = 20

/** The posted `member_id`, checked. */
export function memberIdOf(body: unknown): string {
  const memberId = formField(body, 'member_id')
  if (!MEMBER_ID.test(memberId)) throw invalid('member_id is not a member id.')
  return memberId
}

/** The posted `role`: one of ROLE_CHOICES. */
export function roleOf(body: unknown): RoleChoice {
  const role = formField(body, 'role')
  const choice = ROLE_CHOICES.find((r) => r === role)
  if (choice === undefined) throw invalid(`role must be one of ${ROLE_CHOICES.join(', ')}.`)
  return choice
}

/** The fields of Stytch's organization update that the organization page sets. */
export interface OrganizationFields {
  organization_name?: string
  email_allowed_domains?: string[]
  email_jit_provisioning?: string
  mfa_policy?: string
}

/** The Stytch fields one organization form sets, read from its body and checked. */
export function organizationFieldsOf(
  setting: OrganizationSetting,
  body: unknown,
): OrganizationFields {
  const value = formField(body, setting === 'name' ? 'organization_name' : setting)
  switch (setting) {
    case 'name': {
      const name = value.trim()
      if (name === '' || name.length > 128) throw invalid('The name must be 1 to 128 characters.')
      return { organization_name: name }
    }
    case 'domains': {
      const domains = [
        ...new Set(
          value
            .toLowerCase()
            .split(/[\s,]+/)
            .filter(Boolean),
        ),
      ]
      if (domains.length > MAX_DOMAINS) throw invalid(`At most ${MAX_DOMAINS} domains.`)
      const bad = domains.find((domain) => !DOMAIN.test(domain))
      if (bad !== undefined) throw invalid(`"${bad.slice(0, 64)}" is not a domain name.`)
      return { email_allowed_domains: domains }
    }
    case 'jit':
      return { email_jit_provisioning: oneOf(value, JIT_CHOICES, 'jit') }
    case 'mfa':
      return { mfa_policy: oneOf(value, MFA_CHOICES, 'mfa') }
  }
}

function oneOf(value: string, choices: readonly string[], name: string): string {
  if (!choices.includes(value)) throw invalid(`${name} must be one of ${choices.join(', ')}.`)
  return value
}

/** A field of a parsed form body, as a string ('' when absent or repeated). */
export function formField(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name]
  return typeof value === 'string' ? value : ''
}
