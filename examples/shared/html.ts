// HTML building for the examples: an escaping `html` template tag, the brand shared with the sign-in pages, and the page layout with its CSS.

/** A piece of HTML that is already safe to insert (built by `html`, never from user input). */
export class Html {
  readonly value: string
  constructor(value: string) {
    this.value = value
  }
  toString(): string {
    return this.value
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Escapes text for use in HTML content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char)
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value
  if (Array.isArray(value)) return value.map(render).join('')
  if (value === undefined || value === null || value === false) return ''
  return escapeHtml(String(value))
}

/**
 * Template tag: every interpolated value is escaped unless it is itself `Html`; arrays are joined;
 * `undefined`, `null` and `false` render nothing.
 * @example html`<p>Hello ${name}</p>`
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? ''
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '')
  })
  return new Html(out)
}

/**
 * The demo's name and colours: the example's own pages use them, and so do the package's sign-in
 * pages (`pages.productName`, `pages.theme`), so that signing in looks like the same app.
 */
export const BRAND = {
  productName: 'Acme demo',
  theme: {
    primaryColor: '#0f6b63',
    backgroundColor: '#eef5f3',
    textColor: '#17302c',
    mutedColor: '#4a5d59',
    borderRadius: '10px',
  },
} as const

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:${BRAND.theme.textColor};background:${BRAND.theme.backgroundColor}}
header{background:${BRAND.theme.textColor};color:#fff;padding:.7rem 1.5rem;display:flex;justify-content:space-between;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:600}
header .who{font-size:.9rem;display:flex;align-items:center;gap:.8rem;flex-wrap:wrap}
header .who a{font-weight:400;text-decoration:underline}
header form{margin:0}
header button{margin:0;padding:.3rem .8rem;font-size:.85rem}
main{max-width:40rem;margin:2rem auto;padding:0 1rem}
.card{background:#fff;border:1px solid #dde2ee;border-radius:10px;padding:1.4rem 1.6rem;margin-bottom:1.2rem}
h1{font-size:1.45rem;margin:0 0 .8rem}
h2{font-size:1.1rem;margin:0 0 .6rem}
label{display:block;font-weight:600;margin:.6rem 0 .25rem}
input[type=email],input[type=text],input[type=tel]{width:100%;padding:.55rem .7rem;border:1px solid #b9c1d4;border-radius:6px;font:inherit}
input.code{display:block;letter-spacing:.35em;font-size:1.3rem;max-width:12rem}
button{margin-top:.8rem;padding:.5rem 1.1rem;border:0;border-radius:6px;background:${BRAND.theme.primaryColor};color:#fff;font:inherit;font-weight:600;cursor:pointer}
button.secondary{background:#e7ebf5;color:${BRAND.theme.textColor}}
.hint{color:${BRAND.theme.mutedColor};font-size:.9rem;margin:.3rem 0 0}
.error{background:#fff0f0;border:1px solid #f1b5b5;color:#8a1c1c;border-radius:8px;padding:.7rem 1rem;margin-bottom:1rem}
.notice{background:#eefaf1;border:1px solid #a8dcb6;color:#17582a;border-radius:8px;padding:.7rem 1rem;margin-bottom:1rem}
.error strong,.notice strong{display:block}
ul.orgs{list-style:none;padding:0;margin:0}
ul.orgs li{display:flex;justify-content:space-between;align-items:center;gap:1rem;padding:.7rem 0;border-top:1px solid #e6e9f2}
ul.orgs li:first-child{border-top:0}
ul.orgs form button{margin:0}
main a{color:${BRAND.theme.primaryColor}}
.muted{color:${BRAND.theme.mutedColor};font-size:.9rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:0}
dt{font-weight:600}
dd{margin:0}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e6e9f2;font-size:.95rem}
code,.code-value{font-family:ui-monospace,Menlo,Consolas,monospace}
.code-value{font-size:1.15rem;font-weight:700;letter-spacing:.12em}
.dev{border-style:dashed}
img.qr{display:block;margin:.4rem 0;image-rendering:pixelated;border:1px solid #dde2ee}
code.secret{font-size:1.05rem;word-break:break-all}
ul.recovery-codes{columns:2;font-size:1.1rem;line-height:1.8}
select{padding:.45rem .5rem;border:1px solid #b9c1d4;border-radius:6px;font:inherit;background:#fff}
input:disabled,select:disabled{background:#f0f2f7;color:${BRAND.theme.mutedColor}}
form.inline{display:inline-flex;gap:.4rem;align-items:center;margin:.2rem .4rem .2rem 0}
form.inline button{margin:0;padding:.35rem .8rem;white-space:nowrap}
main:has(table.members){max-width:54rem}
button.danger{background:#c92a2a}
nav.tabs{margin-bottom:.8rem;font-size:.95rem}
`

/** Who is signed in, for the header. */
export interface HeaderMember {
  emailAddress: string
}

/** A whole page: doctype, head with the inline stylesheet, header and `main`. */
export function page(
  title: string,
  body: Html,
  options: { member?: HeaderMember | undefined } = {},
): string {
  const who =
    options.member === undefined
      ? html`<span class="who"><a href="/auth/sign-in">Sign in</a></span>`
      : html`<span class="who">${options.member.emailAddress}
<a href="/auth/switch-organization">Switch organization</a>
<form method="post" action="/auth/sign-out"><button type="submit" class="secondary">Sign out</button></form></span>`
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${BRAND.productName}</title>
<style>${new Html(CSS)}</style>
</head>
<body>
<header><a href="/dashboard">${BRAND.productName}</a> ${who}</header>
<main>
${body}
</main>
</body>
</html>
`.value
}
