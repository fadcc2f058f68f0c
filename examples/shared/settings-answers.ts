// What the settings routes answer, whatever the framework: the pages for the signed-in member, the changes made through Stytch, and the guard's refusal as a page.
import { AuthError, type AuthMember, type AuthOrganization } from 'stytch-b2b-middleware'
import {
  memberIdOf,
  ORGANIZATION_SETTINGS,
  type OrganizationSetting,
  organizationFieldsOf,
  roleOf,
  SETTINGS_PATHS,
  SETTINGS_PERMISSIONS,
} from './settings.js'
import type { MemberAuthorization, SettingsApi } from './settings-api.js'
import {
  allows,
  type Can,
  doneNotice,
  membersPage,
  organizationSettingsPage,
} from './settings-views.js'
import { DASHBOARD_LINK, errorPage, SIGN_IN_LINK } from './views.js'

/** What `requireSession()` leaves on the request (Koa: on `ctx.state`), `can` included. */
export interface SettingsState {
  member?: AuthMember | undefined
  organization?: AuthOrganization | undefined
  can?: Can | undefined
}

function signedIn(state: SettingsState): {
  member: AuthMember
  organization: AuthOrganization
  can: Can
} {
  const { member, organization, can } = state
  if (!member || !organization || !can) throw new Error('requireSession() must run first')
  // Express's req.can is a method of the request: called on it, not detached.
  return { member, organization, can: can.bind(state) }
}

/** Your own role and membership are not changed from here: one click would lock you out. */
function notSelf(member: AuthMember, memberId: string): void {
  if (member.memberId === memberId) {
    throw new AuthError('ERR_INVALID_INPUT', 'Change your own role or membership elsewhere.', {
      status: 400,
    })
  }
}

/**
 * The settings routes' answers on `api`. Pages return HTML; changes return where to 303 to. The
 * organization is always the session's own: a form never names one, so no member acts on
 * another organization, and Stytch checks the member's permissions on every change again.
 */
export function settingsAnswers(api: SettingsApi) {
  return {
    async membersPage(
      state: SettingsState,
      authorization: MemberAuthorization,
      done: unknown,
    ): Promise<string> {
      const { member, organization, can } = signedIn(state)
      // Without stytch.member search Stytch would refuse the list: say so, do not ask. The
      // session's organization may carry no name: Stytch's organization record has it.
      const [settings, members] = await Promise.all([
        api.organization(organization.organizationId),
        allows(can, SETTINGS_PERMISSIONS.listMembers)
          ? api.listMembers(organization.organizationId, authorization)
          : undefined,
      ])
      return membersPage({
        member,
        organizationName: settings.name,
        members,
        canChangeRole: allows(can, SETTINGS_PERMISSIONS.changeRole),
        canRemove: allows(can, SETTINGS_PERMISSIONS.removeMember),
        notice: doneNotice(done),
      })
    },

    async organizationPage(state: SettingsState, done: unknown): Promise<string> {
      const { member, organization, can } = signedIn(state)
      const settings = await api.organization(organization.organizationId)
      const canChange = Object.fromEntries(
        ORGANIZATION_SETTINGS.map((s) => [s, allows(can, SETTINGS_PERMISSIONS[s])]),
      ) as Record<OrganizationSetting, boolean>
      return organizationSettingsPage({ member, settings, canChange, notice: doneNotice(done) })
    },

    async changeRole(
      state: SettingsState,
      body: unknown,
      authorization: MemberAuthorization,
    ): Promise<string> {
      const { member, organization } = signedIn(state)
      const memberId = memberIdOf(body)
      notSelf(member, memberId)
      await api.changeRole(organization.organizationId, memberId, roleOf(body), authorization)
      return `${SETTINGS_PATHS.members}?done=role`
    },

    async removeMember(
      state: SettingsState,
      body: unknown,
      authorization: MemberAuthorization,
    ): Promise<string> {
      const { member, organization } = signedIn(state)
      const memberId = memberIdOf(body)
      notSelf(member, memberId)
      await api.removeMember(organization.organizationId, memberId, authorization)
      return `${SETTINGS_PATHS.members}?done=removed`
    },

    async updateOrganization(
      setting: OrganizationSetting,
      state: SettingsState,
      body: unknown,
      authorization: MemberAuthorization,
    ): Promise<string> {
      const { organization } = signedIn(state)
      const fields = organizationFieldsOf(setting, body)
      await api.updateOrganization(organization.organizationId, fields, authorization)
      return `${SETTINGS_PATHS.organization}?done=${setting}`
    },
  }
}

/**
 * `requireSession()` answers a refusal as JSON (`{ error: { code, message } }`), right for an
 * API; these pages are for people, so a refusal is shown in words. Anything else: `undefined`.
 */
export function refusalPage(status: number, body: unknown): string | undefined {
  if (status !== 401 && status !== 403) return undefined
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code
  if (typeof code !== 'string') return undefined
  return errorPage({ error: { code }, next: status === 401 ? SIGN_IN_LINK : DASHBOARD_LINK })
}

/**
 * The package checks cross-site POSTs on its own routes only; these forms change an organization,
 * so they get the same first test (Fetch Metadata, then Origin against Host). SameSite=Lax cookies
 * already keep other sites out; this also keeps sibling subdomains (same site, other origin) out.
 */
export function crossSiteRefusal(
  method: string,
  header: (name: string) => string | undefined,
): AuthError | undefined {
  if (method === 'GET' || method === 'HEAD') return undefined
  const site = header('sec-fetch-site')
  const origin = header('origin')
  const sameOrigin =
    site !== undefined
      ? site === 'same-origin' || site === 'none'
      : origin === undefined || hostOf(origin) === header('host')?.toLowerCase()
  if (sameOrigin) return undefined
  return new AuthError('ERR_CSRF_REJECTED', 'Refused: a form from another site.', { status: 403 })
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host
  } catch {
    return undefined
  }
}
