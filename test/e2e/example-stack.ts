// Runs each example (Express, Koa) against its own local Stytch server (127.0.0.1:0) with demo data; HTML helpers.
import type { RequestListener } from 'node:http'
import { type LocalServer, startLocalServer } from 'stytch-b2b-middleware/local-server'
import { createApp as createExpressApp } from '../../examples/express/app.js'
import { createApp as createKoaApp } from '../../examples/koa/app.js'
import type { ExampleConfig } from '../../examples/shared/config.js'
import { seedDemo } from '../../examples/shared/demo.js'
import { createTestClock, type TestClock } from '../helpers/clock.js'
import { keyedMemoryStore } from '../helpers/signing-keys.js'

/** One example app: its name and how to build it as a plain Node request listener. */
export interface Example {
  name: 'Express' | 'Koa'
  createApp(config: ExampleConfig): RequestListener
}

/** Every example, for `describe.each(EXAMPLES)`: the same pages and behaviour on each framework. */
export const EXAMPLES: readonly Example[] = [
  { name: 'Express', createApp: (config) => createExpressApp(config) },
  { name: 'Koa', createApp: (config) => createKoaApp(config).callback() },
]

export interface ExampleStack {
  app: RequestListener
  local: LocalServer
  clock: TestClock
  close(): Promise<void>
}

/** The local server seeded as `main.ts` does, and the example app built on it. */
export async function startExample(
  example: Example,
  overrides: Partial<ExampleConfig> = {},
  clock: TestClock = createTestClock(),
): Promise<ExampleStack> {
  const local = await startLocalServer({ now: clock.now, store: await keyedMemoryStore() })
  const credentials = { baseUrl: local.url, projectId: local.projectId, secret: local.secret }
  await seedDemo(credentials, local)
  const app = example.createApp({ ...credentials, local, now: clock.now, ...overrides })
  let closed = false
  return {
    app,
    local,
    clock,
    close: async () => {
      if (closed) return
      closed = true
      await local.close()
    },
  }
}

export interface MailboxRow {
  to: string
  code: string
  kind: string
}

/** The rows of the pages' development mailbox, newest first, parsed from its HTML. */
export function parseMailbox(pageHtml: string): MailboxRow[] {
  const rows: MailboxRow[] = []
  const row = /<tr><td>([^<]*)<\/td><td><code>(\d{6})<\/code><\/td><td>([a-z_]+)<\/td>/g
  for (const match of pageHtml.matchAll(row)) {
    rows.push({ to: decodeEntities(match[1] ?? ''), code: match[2] ?? '', kind: match[3] ?? '' })
  }
  return rows
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
}

/** The visible text of a page: tags dropped, entities decoded, whitespace collapsed. */
export function textOf(pageHtml: string): string {
  const body = pageHtml
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<\/?(a|b|code|em|small|span|strong)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
  return decodeEntities(body).replace(/\s+/g, ' ').trim()
}

/** The newest SMS code the local server "texted" to `phone`, read from its outbox API. */
export async function smsCodeFromOutbox(local: LocalServer, phone: string): Promise<string> {
  const url = `${local.url}/__local/outbox?phone_number=${encodeURIComponent(phone)}`
  const answer = (await (await fetch(url)).json()) as { messages: MailboxRow[] }
  const message = answer.messages.find((m) => m.kind === 'sms')
  if (message === undefined) throw new Error(`no SMS code was sent to ${phone}`)
  return message.code
}
