// The Stytch calls of the settings area, on the official SDK, made with the member's session so that Stytch checks the member's permissions too.
import { B2BClient, RequestError, StytchError } from 'stytch'
import { AuthError } from 'stytch-b2b-middleware'
import type { ExampleConfig } from './config.js'
import { invalid, type OrganizationFields, type RoleChoice } from './settings.js'

/** What `memberAuthorization()` gives: the member's session, for Stytch to check its permissions. */
export type MemberAuthorization = { session_jwt: string } | undefined

/** A member as the members page lists it. */
export interface MemberRow {
  memberId: string
  email: string
  name: string
  roles: string[]
}

/** The organization's settings as the organization page shows them. */
export interface OrganizationSettings {
  name: string
  domains: string[]
  jit: string
  mfa: string
}

/**
 * The Stytch calls of the settings area, on the official SDK. Every write carries the member's
 * session (`method_options.authorization`): Stytch then checks the member's permissions itself,
 * so a bug in the app's own guard cannot turn into a change the member may not make.
 */
export function settingsApi(config: ExampleConfig) {
  // Made on first use: the SDK warns once about a custom `env`, only when the settings are used.
  let sdk: B2BClient | undefined
  const client = () =>
    (sdk ??= new B2BClient({
      project_id: config.projectId,
      secret: config.secret,
      // The local server is plain http, which `custom_base_url` refuses; `env` takes any URL.
      ...(config.baseUrl === undefined ? {} : { env: config.baseUrl.replace(/\/?$/, '/') }),
      timeout: config.requestTimeoutMs ?? 5000,
    }))
  // Checked before the call: a missing session is the app's bug, not Stytch being down.
  const as = (authorization: MemberAuthorization) => {
    if (authorization === undefined) throw new AuthError('ERR_SESSION_MISSING', 'Not signed in.')
    return { authorization }
  }
  return {
    async listMembers(
      organizationId: string,
      authorization: MemberAuthorization,
    ): Promise<MemberRow[]> {
      const options = as(authorization)
      const found = await call(() =>
        client().organizations.members.search(
          { organization_ids: [organizationId], limit: 100 },
          options,
        ),
      )
      return found.members.map((m) => ({
        memberId: m.member_id,
        email: m.email_address,
        name: m.name,
        roles: m.roles.map((r) => r.role_id),
      }))
    },
    async changeRole(
      organizationId: string,
      memberId: string,
      role: RoleChoice,
      authorization: MemberAuthorization,
    ): Promise<void> {
      // `roles` replaces the explicitly assigned roles; stytch_member is implicit, never assigned.
      const roles = role === 'stytch_member' ? [] : [role]
      const options = as(authorization)
      await call(() =>
        client().organizations.members.update(
          { organization_id: organizationId, member_id: memberId, roles },
          options,
        ),
      )
    },
    async removeMember(
      organizationId: string,
      memberId: string,
      authorization: MemberAuthorization,
    ): Promise<void> {
      const options = as(authorization)
      await call(() =>
        client().organizations.members.delete(
          { organization_id: organizationId, member_id: memberId },
          options,
        ),
      )
    },
    async organization(organizationId: string): Promise<OrganizationSettings> {
      // Reading needs no permission: Stytch's organizations.get takes the project secret only.
      const { organization } = await call(() =>
        client().organizations.get({ organization_id: organizationId }),
      )
      return {
        name: organization.organization_name,
        domains: organization.email_allowed_domains,
        jit: organization.email_jit_provisioning,
        mfa: organization.mfa_policy,
      }
    },
    async updateOrganization(
      organizationId: string,
      fields: OrganizationFields,
      authorization: MemberAuthorization,
    ): Promise<void> {
      const options = as(authorization)
      await call(() =>
        client().organizations.update({ organization_id: organizationId, ...fields }, options),
      )
    },
  }
}

export type SettingsApi = ReturnType<typeof settingsApi>

/** Stytch's failures in the example's terms (AuthError codes); its 403 is the guard's refusal. */
async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request()
  } catch (error) {
    // Network failures and timeouts: the SDK's RequestError. Anything else is our own bug.
    if (error instanceof RequestError) {
      const message = 'Stytch could not be reached.'
      throw new AuthError('ERR_STYTCH_UNAVAILABLE', message, { status: 503, cause: error })
    }
    if (!(error instanceof StytchError)) throw error
    switch (error.status_code) {
      case 400:
        throw invalid(error.error_message ?? 'Stytch refused the input.')
      case 401:
        throw new AuthError('ERR_SESSION_INVALID', 'Stytch refused the session.')
      case 403:
        // Stytch's own check refused what the guard let through: the same refusal, never a change.
        throw new AuthError('ERR_PERMISSION_FORBIDDEN', 'Stytch refused: not permitted.', {
          status: 403,
        })
      case 404:
        throw invalid('That member or organization no longer exists.', 404)
      default:
        throw new AuthError('ERR_STYTCH_API', `Stytch answered ${error.status_code}.`, {
          status: 502,
        })
    }
  }
}
