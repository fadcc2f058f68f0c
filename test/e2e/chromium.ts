// Debian's Chromium (JavaScript disabled) on one example app over a loopback socket, its screenshots and axe-core; shared by the browser tests.
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { expect } from 'vitest'
import { type Example, type ExampleStack, startExample } from './example-stack.js'

const CHROMIUM = '/usr/bin/chromium'
export const HAS_CHROMIUM = existsSync(CHROMIUM)
/** Locally a missing Chromium skips; in CI (.ci/run installs it) it must fail. */
export const RUN_BROWSER = HAS_CHROMIUM || Boolean(process.env.CI)
if (!RUN_BROWSER) {
  process.stderr.write(
    `${CHROMIUM} is missing: the browser tests are skipped. Install Debian's chromium (apt-get install chromium) to run them; .ci/run does.\n`,
  )
}
const UPDATE_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1'
const SCREENSHOT_DIR = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const WAIT_MS = 10_000
const AXE = readFileSync(fileURLToPath(import.meta.resolve('axe-core/axe.min.js')), 'utf8')

/** axe-core's violations on `page`, as `rule: nodes` lines (none expected). */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE)
  // A string, evaluated in the page: this file is type-checked without the DOM's types.
  return (await page.evaluate(
    `axe.run().then((result) => result.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.html).join(' | ')))`,
  )) as string[]
}

export interface ExampleInChromium {
  stack: ExampleStack
  /** The app's origin, e.g. `http://127.0.0.1:41234`. */
  base: string
  context: BrowserContext
  page: Page
  /** Saves `page` (default: the main tab) as docs/screenshots/`name`.png, when updating them. */
  shot(name: string, page?: Page): Promise<void>
  /**
   * axe-core's violations on the main tab's page, read in a separate tab with the same cookies
   * whose context lets the script in (bypassCSP): the main context keeps the strict CSP.
   */
  accessibility(): Promise<string[]>
  close(): Promise<void>
}

/**
 * Starts `example` on its own local server, serves it on 127.0.0.1:0 and opens it in Chromium.
 * docs/screenshots come from the Express run only (`UPDATE_SCREENSHOTS=1`): Koa's pages are the
 * same HTML.
 */
export async function openInChromium(
  example: Example,
  seed: (stack: ExampleStack) => Promise<unknown> = async () => {},
): Promise<ExampleInChromium> {
  if (!HAS_CHROMIUM) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium`)
  const screenshots = UPDATE_SCREENSHOTS && example.name === 'Express'
  const stack = await startExample(example)
  let browser: Browser | undefined
  const server = createServer(stack.app).listen(0, '127.0.0.1')
  const close = async () => {
    await browser?.close()
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
    await stack.close()
  }
  try {
    await seed(stack)
    await new Promise<void>((resolve, reject) => {
      if (server.listening) resolve()
      server.once('listening', resolve)
      server.once('error', reject)
    })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30_000,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    })
    // No JavaScript: the example is forms and links only.
    const context = await browser.newContext({
      viewport: { width: 900, height: 650 },
      javaScriptEnabled: false,
    })
    context.setDefaultTimeout(WAIT_MS)
    context.setDefaultNavigationTimeout(WAIT_MS)
    const page = await context.newPage()
    const shot = async (name: string, target: Page = page) => {
      if (screenshots) await target.screenshot({ path: `${SCREENSHOT_DIR}${name}.png` })
    }
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const launched = browser
    const accessibility = async () => {
      const audit = await launched.newContext({
        bypassCSP: true,
        storageState: await context.storageState(),
      })
      try {
        const auditPage = await audit.newPage()
        await auditPage.goto(page.url())
        return await axeViolations(auditPage)
      } finally {
        await audit.close()
      }
    }
    return { stack, base, context, page, shot, accessibility, close }
  } catch (error) {
    await close()
    throw error
  }
}

/** Opens the development mailbox in a second tab and reads the newest code sent to `to`. */
export async function mailboxCode(chromium: ExampleInChromium, to: string): Promise<string> {
  const mailbox = await chromium.context.newPage()
  try {
    await mailbox.goto(`${chromium.base}/auth/mailbox`)
    await expect.poll(() => mailbox.title()).toContain('Development mailbox')
    const code = await mailbox
      .locator('tbody tr', { hasText: to })
      .first()
      .locator('code')
      .textContent()
    expect(code).toMatch(/^\d{6}$/)
    return code as string
  } finally {
    await mailbox.close()
  }
}

/** The pages' sign-in page (already open) → email code from the mailbox → the organizations page. */
export async function signInWithEmail(chromium: ExampleInChromium, email: string): Promise<void> {
  const { page } = chromium
  await page.getByLabel('Work email').fill(email)
  await page.getByRole('button', { name: 'Email me a code' }).click()
  await page.getByRole('heading', { name: 'Check your email' }).waitFor()
  const code = await mailboxCode(chromium, email)
  await page.getByLabel('Code').fill(code)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByRole('heading', { name: 'Choose an organization' }).waitFor()
}
