// The organization settings pages (members, organization) as HTML strings: every form shown only to a member whose permissions allow it.
import type { AuthMember, Permission } from 'stytch-b2b-middleware'
import { type Html, html, page } from './html.js'
import {
  JIT_CHOICES,
  MFA_CHOICES,
  ORGANIZATION_SETTINGS,
  type OrganizationSetting,
  organizationSettingPath,
  ROLE_CHOICES,
  SETTINGS_PATHS,
} from './settings.js'
import type { MemberRow, OrganizationSettings } from './settings-api.js'

/** `req.can` / `ctx.state.can`: may the signed-in member do this, by the RBAC policy? */
export type Can = (resourceId: string, action: string) => boolean

/** Whether `can` grants `permission`. */
export function allows(can: Can, permission: Permission): boolean {
  return can(permission.resourceId, permission.action)
}

const DONE: Record<string, string> = {
  role: 'The role was changed.',
  removed: 'The member was removed.',
  name: 'The organization was renamed.',
  domains: 'The allowed email domains were saved.',
  jit: 'Email JIT provisioning was saved.',
  mfa: 'The MFA policy was saved.',
}

/** The words for `?done=…` after a change (303 back to the page), or none. */
export function doneNotice(done: unknown): string | undefined {
  return typeof done === 'string' && Object.hasOwn(DONE, done) ? DONE[done] : undefined
}

function nav(current: 'members' | 'organization'): Html {
  const link = (href: string, label: string, here: boolean) =>
    here ? html`<strong>${label}</strong>` : html`<a href="${href}">${label}</a>`
  return html`<nav class="tabs">${link(SETTINGS_PATHS.members, 'Members', current === 'members')} ·
${link(SETTINGS_PATHS.organization, 'Organization', current === 'organization')} ·
<a href="/dashboard">Dashboard</a></nav>`
}

function noticeOf(notice: string | undefined): Html | undefined {
  return notice === undefined ? undefined : html`<div class="notice" role="status">${notice}</div>`
}

const READ_ONLY = html`<p class="hint">Read only: your role does not allow changes here. Ask an administrator of your organization.</p>`

function roleSelect(row: MemberRow): Html {
  const current = row.roles.includes('stytch_admin') ? 'stytch_admin' : 'stytch_member'
  const options = ROLE_CHOICES.map(
    (role) =>
      html`<option value="${role}"${role === current ? html` selected` : ''}>${role}</option>`,
  )
  return html`<form method="post" action="${SETTINGS_PATHS.changeRole}" class="inline">
<input type="hidden" name="member_id" value="${row.memberId}">
<select name="role" aria-label="Role of ${row.email}">${options}</select>
<button type="submit" class="secondary">Change role</button>
</form>`
}

function removeForm(row: MemberRow): Html {
  return html`<form method="post" action="${SETTINGS_PATHS.removeMember}" class="inline">
<input type="hidden" name="member_id" value="${row.memberId}">
<button type="submit" class="danger">Remove</button>
</form>`
}

/** The members page: the list (when the member may search), and per row the allowed actions. */
export function membersPage(options: {
  member: AuthMember
  organizationName: string
  /** `undefined`: the member may not list members (no stytch.member search). */
  members: readonly MemberRow[] | undefined
  canChangeRole: boolean
  canRemove: boolean
  notice?: string | undefined
}): string {
  const { member, members } = options
  const rows = (members ?? []).map((row) => {
    // Your own role and membership are not changed from here: it would lock you out mid-page.
    const self = row.memberId === member.memberId
    const actions = self
      ? html`<span class="muted">You</span>`
      : html`${options.canChangeRole ? roleSelect(row) : ''}${options.canRemove ? removeForm(row) : ''}`
    return html`<tr><td>${row.email}${row.name ? html`<br><small class="muted">${row.name}</small>` : ''}</td>
<td>${row.roles.join(', ')}</td><td>${actions}</td></tr>`
  })
  const list =
    members === undefined
      ? html`<p class="muted">Your role does not allow listing the members of this organization.</p>`
      : html`<table class="members"><thead><tr><th>Member</th><th>Roles</th><th>Actions</th></tr></thead><tbody>${rows}</tbody></table>`
  const readOnly = options.canChangeRole || options.canRemove ? undefined : READ_ONLY
  return page(
    'Members',
    html`${noticeOf(options.notice)}<section class="card">
${nav('members')}
<h1>Members of ${options.organizationName}</h1>
${list}
${readOnly}
</section>`,
    { member },
  )
}

const LABELS: Record<OrganizationSetting, { label: string; button: string }> = {
  name: { label: 'Organization name', button: 'Save name' },
  domains: { label: 'Allowed email domains', button: 'Save domains' },
  jit: { label: 'Email JIT provisioning', button: 'Save JIT provisioning' },
  mfa: { label: 'MFA policy', button: 'Save MFA policy' },
}

function choices(values: readonly string[], current: string): Html[] {
  return values.map(
    (v) => html`<option value="${v}"${v === current ? html` selected` : ''}>${v}</option>`,
  )
}

function settingInput(
  setting: OrganizationSetting,
  values: OrganizationSettings,
  disabled: boolean,
): Html {
  const off = disabled ? html` disabled` : ''
  switch (setting) {
    case 'name':
      return html`<input id="organization_name" name="organization_name" type="text" required maxlength="128" value="${values.name}"${off}>`
    case 'domains':
      return html`<input id="domains" name="domains" type="text" value="${values.domains.join(', ')}"${off}>
<p class="hint">Comma-separated, e.g. example.com, example.org.</p>`
    case 'jit':
      return html`<select id="jit" name="jit"${off}>${choices(JIT_CHOICES, values.jit)}</select>
<p class="hint">RESTRICTED: anyone with a verified email at an allowed domain may join.</p>`
    case 'mfa':
      return html`<select id="mfa" name="mfa"${off}>${choices(MFA_CHOICES, values.mfa)}</select>`
  }
}

/** The organization page: one form per setting, enabled only when the member may change it. */
export function organizationSettingsPage(options: {
  member: AuthMember
  settings: OrganizationSettings
  /** Which settings the member may change. */
  canChange: Readonly<Record<OrganizationSetting, boolean>>
  notice?: string | undefined
}): string {
  const { settings, canChange } = options
  const forms = ORGANIZATION_SETTINGS.map((setting) => {
    const { label, button } = LABELS[setting]
    const id = setting === 'name' ? 'organization_name' : setting
    const allowed = canChange[setting]
    return html`<form method="post" action="${organizationSettingPath(setting)}">
<label for="${id}">${label}</label>
${settingInput(setting, settings, !allowed)}
${allowed ? html`<button type="submit">${button}</button>` : ''}
</form>`
  })
  const readOnly = ORGANIZATION_SETTINGS.some((s) => canChange[s]) ? undefined : READ_ONLY
  return page(
    'Organization settings',
    html`${noticeOf(options.notice)}<section class="card">
${nav('organization')}
<h1>${settings.name}</h1>
${forms}
${readOnly}
</section>`,
    { member: options.member },
  )
}
