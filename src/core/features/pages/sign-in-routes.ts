// The first-factor pages: email address, emailed code, organizations (enter one or create one).
import { safeReturnTo } from '../../kit/csrf.js'
import type { CoreResponse } from '../../kit/http.js'
import { type PageCall, pageAnswer, pagePath, redirect } from './layout.js'
import { afterLogin, failed, shownOnce, startOver } from './outcomes.js'
import { codeView, organizationsView, signInView } from './views.js'

/** A page's handlers: GET shows it, POST runs its step and answers 303. */
export interface PageRoute {
  get?(call: PageCall): CoreResponse | Promise<CoreResponse>
  post?(call: PageCall): Promise<CoreResponse>
}

export const signIn: PageRoute = {
  get(call) {
    const { flow, t } = call
    const returnTo = safeReturnTo(call.query.get('return_to')) ?? flow?.returnTo
    const reason =
      call.query.get('reason') === 'expired'
        ? t('notice.expired')
        : call.flowBad || flow?.notice === 'restart'
          ? t('notice.restart')
          : flow?.notice === 'signedOut'
            ? t('notice.signedOut')
            : undefined
    const [title, content] = signInView(call, {
      email: flow?.values?.email_address ?? flow?.email,
      returnTo,
      notice: reason,
      error: flow?.error,
      signedInAs: call.check.session?.member.emailAddress,
    })
    return pageAnswer(call, title, content, { flow: call.flowBad ? null : shownOnce(flow) })
  },
  async post(call) {
    const returnTo = safeReturnTo(call.fields.return_to)
    const fields = { email_address: call.fields.email_address, locale: call.locale }
    try {
      const result = await call.step('sendDiscoveryCode', fields)
      return redirect(call, pagePath(call.env, 'code'), {
        flow: { email: result.state.discoveryEmailAddress, returnTo },
      })
    } catch (error) {
      // The typed address comes back in the field, and nothing else of an earlier flow.
      call.flow = { returnTo }
      return failed(call, 'signIn', error, {
        step: 'sendDiscoveryCode',
        fields: { email_address: fields.email_address },
        main: 'email_address',
        keep: ['email_address'],
      })
    }
  },
}

export const code: PageRoute = {
  get(call) {
    const email = call.flow?.email
    if (email === undefined) return startOver(call)
    const [title, content] = codeView(call, {
      email,
      returnTo: call.flow?.returnTo,
      error: call.flow?.error,
    })
    return pageAnswer(call, title, content, { flow: shownOnce(call.flow) })
  },
  async post(call) {
    const email = call.flow?.email
    if (email === undefined) return startOver(call)
    const fields = { email_address: email, code: call.fields.code }
    try {
      const result = await call.step('authenticateDiscoveryCode', fields)
      return redirect(call, pagePath(call.env, 'organizations'), {
        setCookies: result.setCookies,
        flow: { email, returnTo: call.flow?.returnTo },
      })
    } catch (error) {
      return failed(call, 'code', error, {
        step: 'authenticateDiscoveryCode',
        fields: { code: fields.code },
        main: 'code',
      })
    }
  },
}

export const organizations: PageRoute = {
  async get(call) {
    let result: Awaited<ReturnType<PageCall['step']>>
    try {
      result = await call.step('listDiscoveredOrganizations', {})
    } catch (error) {
      return failed(call, 'signIn', error, {})
    }
    const [title, content] = organizationsView(call, {
      email: result.state.discoveryEmailAddress ?? call.flow?.email ?? '',
      organizations: result.state.discoveredOrganizations ?? [],
      error: call.flow?.error,
      values: call.flow?.values,
    })
    return pageAnswer(call, title, content, { flow: shownOnce(call.flow) })
  },
  async post(call) {
    const fields = { organization_id: call.fields.organization_id, locale: call.locale }
    try {
      return afterLogin(
        call,
        await call.step('exchangeIntermediateSession', fields),
        'organizations',
      )
    } catch (error) {
      return failed(call, 'organizations', error, {
        step: 'exchangeIntermediateSession',
        fields: { organization_id: fields.organization_id },
      })
    }
  },
}

export const create: PageRoute = {
  async post(call) {
    const fields = {
      organization_name: call.fields.organization_name,
      organization_slug: call.fields.organization_slug,
    }
    try {
      return afterLogin(call, await call.step('createOrganization', fields), 'organizations')
    } catch (error) {
      return failed(call, 'organizations', error, {
        step: 'createOrganization',
        fields,
        keep: ['organization_name', 'organization_slug'],
      })
    }
  },
}
