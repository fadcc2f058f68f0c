// The signed-in pages (switch organization, sign out) and the development mailbox.
import { isLoopback } from '../../kit/cookies.js'
import { safeReturnTo } from '../../kit/csrf.js'
import { header } from '../../kit/http.js'
import type { MailboxMessage } from '../../kit/pages-options.js'
import { html } from './html.js'
import { type PageCall, pageAnswer, pagePath, redirect } from './layout.js'
import { afterLogin, failed, shownOnce } from './outcomes.js'
import type { PageRoute } from './sign-in-routes.js'
import { mailboxView, signOutView, switchView } from './views.js'

/** To sign in first, coming back here. */
function signInFirst(call: PageCall) {
  const back = encodeURIComponent(pagePath(call.env, 'switch'))
  return redirect(call, `${pagePath(call.env, 'signIn')}?return_to=${back}`)
}

export const switchOrganization: PageRoute = {
  async get(call) {
    const session = call.check.session
    if (session === undefined) return signInFirst(call)
    let result: Awaited<ReturnType<PageCall['step']>>
    try {
      result = await call.step('listDiscoveredOrganizations', {})
    } catch (error) {
      return failed(call, 'signIn', error, {})
    }
    const { organization, member } = session
    const organizations = result.state.discoveredOrganizations ?? []
    // The session names its organization by slug; the list has its name.
    const listed = organizations.find((o) => o.organizationId === organization.organizationId)
    const [title, content] = switchView(call, {
      email: member.emailAddress,
      current: {
        id: organization.organizationId,
        name: listed?.organizationName ?? organization.organizationSlug,
      },
      organizations,
      returnTo: safeReturnTo(call.query.get('return_to')),
      error: call.flow?.error,
    })
    return pageAnswer(call, title, content, { flow: shownOnce(call.flow) })
  },
  async post(call) {
    const fields = { organization_id: call.fields.organization_id, locale: call.locale }
    // Where the switch lands (a second factor on the way keeps it in the flow).
    call.flow = { ...call.flow, returnTo: safeReturnTo(call.fields.return_to) }
    try {
      return afterLogin(call, await call.step('exchangeSession', fields), 'switch')
    } catch (error) {
      return failed(call, 'switch', error, {
        step: 'exchangeSession',
        fields: { organization_id: fields.organization_id },
      })
    }
  },
}

export const signOut: PageRoute = {
  get(call) {
    const [title, content] = signOutView(call, call.check.session?.member.emailAddress)
    return pageAnswer(call, title, content)
  },
  async post(call) {
    // Every cookie is cleared even when Stytch cannot be reached (the step says so).
    const result = await call.step('revokeSession', {})
    return redirect(call, pagePath(call.env, 'signIn'), {
      setCookies: result.setCookies,
      flow: { notice: 'signedOut' },
    })
  },
}

/**
 * Development only: codes sign anyone in, so the mailbox answers only a request whose `Host`
 * names this app (an `appOrigin`, else a loopback name). A page on `evil.example` resolving to
 * 127.0.0.1 (DNS rebinding) reaches us with `Host: evil.example` and gets a 403.
 */
export function mailboxPage(
  messages: () => readonly MailboxMessage[],
  appOrigins: ReadonlySet<string> | undefined,
): PageRoute {
  const appHosts = appOrigins && new Set([...appOrigins].map((origin) => new URL(origin).host))
  return {
    get(call) {
      if (!isOwnHost(header(call.request, 'host'), appHosts)) {
        const title = call.t('mailbox.title')
        const content = html`<h1>${title}</h1>\n<p>${call.t('mailbox.foreignHost')}</p>`
        return pageAnswer(call, title, content, { status: 403 })
      }
      const [title, content] = mailboxView(call, messages())
      return pageAnswer(call, title, content)
    },
  }
}

function isOwnHost(hostHeader: string | undefined, appHosts: ReadonlySet<string> | undefined) {
  if (hostHeader === undefined || hostHeader === '') return false
  const host = hostHeader.toLowerCase()
  if (appHosts !== undefined) return appHosts.has(host)
  try {
    return isLoopback(new URL(`http://${host}`).hostname)
  } catch {
    return false
  }
}
