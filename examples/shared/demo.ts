// Demo data for the local server: one organization anyone @example.com may join (an admin, a plain member), one that requires MFA, seeded through the Stytch API.
import type { LocalServer } from 'stytch-b2b-middleware/local-server'

/** The seeded organization and its first member. */
export const DEMO = {
  organizationSlug: 'acme-demo',
  organizationName: 'Acme (demo)',
  /** A verified member at example.com: Stytch offers domain JIT only once one exists. */
  memberEmail: 'admin@example.com',
  /** A verified member with Stytch's default role only: the settings pages are read-only to them. */
  plainMemberEmail: 'member@example.com',
  emailDomain: 'example.com',
} as const

/** The seeded organization that requires a second factor of every member, and its one member. */
export const DEMO_MFA = {
  organizationSlug: 'acme-secure',
  organizationName: 'Acme Secure (demo, MFA)',
  memberEmail: 'mfa@example.com',
} as const

/** Where and how to reach the Stytch API. */
export interface StytchCredentials {
  baseUrl: string
  projectId: string
  secret: string
}

async function callStytch(
  stytch: StytchCredentials,
  path: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await fetch(new URL(path, stytch.baseUrl), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${stytch.projectId}:${stytch.secret}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  })
  const json = (await response.json()) as Record<string, unknown>
  if (!response.ok) {
    throw new Error(`Stytch ${path} answered ${response.status}: ${String(json.error_type)}`)
  }
  return json
}

async function organizationExists(stytch: StytchCredentials, slug: string): Promise<boolean> {
  const found = await callStytch(stytch, '/v1/b2b/organizations/search', {
    query: {
      operator: 'AND',
      operands: [{ filter_name: 'organization_slugs', filter_value: [slug] }],
    },
  })
  return Array.isArray(found.organizations) && found.organizations.length > 0
}

async function createOrganization(
  stytch: StytchCredentials,
  body: Record<string, unknown>,
): Promise<string> {
  const created = await callStytch(stytch, '/v1/b2b/organizations', body)
  return (created.organization as { organization_id: string }).organization_id
}

/**
 * Creates the demo organizations that do not exist yet (by slug): the one anyone at example.com
 * may join (email JIT), with a verified admin and a verified plain member, and the one that requires MFA of every member, with
 * one verified member who has no second factor yet. Returns whether it created anything.
 */
export async function seedDemo(
  stytch: StytchCredentials,
  local: Pick<LocalServer, 'seedMember'>,
): Promise<boolean> {
  let created = false
  // The public API cannot mark an email verified; the local server's seeding hook can.
  if (!(await organizationExists(stytch, DEMO.organizationSlug))) {
    const organizationId = await createOrganization(stytch, {
      organization_name: DEMO.organizationName,
      organization_slug: DEMO.organizationSlug,
      email_jit_provisioning: 'RESTRICTED',
      email_allowed_domains: [DEMO.emailDomain],
    })
    local.seedMember({
      organization_id: organizationId,
      email_address: DEMO.memberEmail,
      email_address_verified: true,
      roles: ['stytch_admin'],
      name: 'Demo Admin',
    })
    local.seedMember({
      organization_id: organizationId,
      email_address: DEMO.plainMemberEmail,
      email_address_verified: true,
      name: 'Demo Member',
    })
    created = true
  }
  if (!(await organizationExists(stytch, DEMO_MFA.organizationSlug))) {
    const organizationId = await createOrganization(stytch, {
      organization_name: DEMO_MFA.organizationName,
      organization_slug: DEMO_MFA.organizationSlug,
      mfa_policy: 'REQUIRED_FOR_ALL',
    })
    local.seedMember({
      organization_id: organizationId,
      email_address: DEMO_MFA.memberEmail,
      email_address_verified: true,
      name: 'Demo MFA Member',
    })
    created = true
  }
  return created
}
