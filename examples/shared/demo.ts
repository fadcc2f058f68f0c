// Demo data for the local server: one organization anyone @example.com may join, seeded through the Stytch API.
import type { LocalServer } from 'stytch-b2b-middleware/local-server'

/** The seeded organization and its first member. */
export const DEMO = {
  organizationSlug: 'acme-demo',
  organizationName: 'Acme (demo)',
  /** A verified member at example.com: Stytch offers domain JIT only once one exists. */
  memberEmail: 'admin@example.com',
  emailDomain: 'example.com',
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

/**
 * Creates the demo organization (email JIT restricted to example.com) and a verified member, unless
 * an organization with the demo slug exists already. Returns whether it created anything.
 */
export async function seedDemo(
  stytch: StytchCredentials,
  local: Pick<LocalServer, 'seedMember'>,
): Promise<boolean> {
  const found = await callStytch(stytch, '/v1/b2b/organizations/search', {
    query: {
      operator: 'AND',
      operands: [{ filter_name: 'organization_slugs', filter_value: [DEMO.organizationSlug] }],
    },
  })
  if (Array.isArray(found.organizations) && found.organizations.length > 0) return false
  const created = await callStytch(stytch, '/v1/b2b/organizations', {
    organization_name: DEMO.organizationName,
    organization_slug: DEMO.organizationSlug,
    email_jit_provisioning: 'RESTRICTED',
    email_allowed_domains: [DEMO.emailDomain],
  })
  const organization = created.organization as { organization_id: string }
  // The public API cannot mark an email verified; the local server's seeding hook can.
  local.seedMember({
    organization_id: organization.organization_id,
    email_address: DEMO.memberEmail,
    email_address_verified: true,
    roles: ['stytch_admin'],
    name: 'Demo Admin',
  })
  return true
}
