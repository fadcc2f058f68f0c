// The pages' stylesheet (colours and font through --sb-* custom properties) and the theme stylesheet built from the validated `pages.theme`.
import { createHash } from 'node:crypto'
import type { ResolvedPagesOptions } from '../../kit/pages-options.js'

// Contrast: text #1d2433 on #ffffff is 15:1, muted #4f586b is 7:1, white on #2f4fc9 is 6.6:1,
// error #a61b1b on white is 7:1 (WCAG AA needs 4.5:1).
const STYLESHEET = `:root{--sb-primary:#2f4fc9;--sb-on-primary:#fff;--sb-background:#f4f6fb;--sb-surface:#fff;--sb-text:#1d2433;--sb-muted:#4f586b;--sb-error:#a61b1b;--sb-border:#b9c1d4;--sb-radius:8px;--sb-font:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 var(--sb-font);color:var(--sb-text);background:var(--sb-background)}
.sb-main{max-width:30rem;margin:0 auto;padding:2rem 1rem}
.sb-logo{display:block;max-height:3rem;max-width:100%;margin:0 auto 1.2rem}
.sb-product{text-align:center;font-weight:600;margin:0 0 1rem}
.sb-card{background:var(--sb-surface);border:1px solid var(--sb-border);border-radius:var(--sb-radius);padding:1.4rem 1.3rem;margin-bottom:1rem;overflow-wrap:anywhere}
h1{font-size:1.45rem;line-height:1.25;margin:0 0 .8rem}
h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
p{margin:.5rem 0}
label{display:block;font-weight:600;margin:.8rem 0 .25rem}
input[type=email],input[type=text],input[type=tel]{display:block;width:100%;padding:.6rem .7rem;border:1px solid var(--sb-muted);border-radius:var(--sb-radius);font:inherit;color:var(--sb-text);background:var(--sb-surface)}
input.sb-code{letter-spacing:.3em;font-size:1.3rem;max-width:12rem}
input[aria-invalid=true]{border:2px solid var(--sb-error)}
button{display:inline-block;margin-top:.9rem;padding:.6rem 1.1rem;border:0;border-radius:var(--sb-radius);background:var(--sb-primary);color:var(--sb-on-primary);font:inherit;font-weight:600;cursor:pointer}
button.sb-secondary{background:transparent;color:var(--sb-primary);border:1px solid var(--sb-primary)}
a{color:var(--sb-primary)}
a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid var(--sb-primary);outline-offset:2px}
.sb-hint,.sb-muted{color:var(--sb-muted);font-size:.92rem}
.sb-alert{border:2px solid var(--sb-error);border-radius:var(--sb-radius);padding:.7rem 1rem;margin:0 0 1rem}
.sb-alert h2{margin:0 0 .3rem;font-size:1rem;color:var(--sb-error)}
.sb-alert:focus{outline:3px solid var(--sb-error)}
.sb-field-error{color:var(--sb-error);font-weight:600;margin:.2rem 0}
.sb-notice{border-left:4px solid var(--sb-primary);padding:.5rem .9rem;margin:0 0 1rem;background:var(--sb-background)}
ul.sb-list{list-style:none;padding:0;margin:0}
ul.sb-list li{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.6rem;padding:.7rem 0;border-top:1px solid var(--sb-border)}
ul.sb-list li:first-child{border-top:0}
ul.sb-list form{margin:0}
ul.sb-list button{margin:0}
.sb-section{border-top:1px solid var(--sb-border);margin-top:1.2rem;padding-top:.4rem}
img.sb-qr{display:block;margin:.4rem 0;image-rendering:pixelated;border:1px solid var(--sb-border);max-width:100%;height:auto}
code{font-family:ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}
ul.sb-codes{columns:2;column-gap:1rem;padding-left:1.2rem;font-size:.95rem;line-height:1.8}
ul.sb-codes code{overflow-wrap:normal;white-space:nowrap}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:.35rem .4rem;border-bottom:1px solid var(--sb-border);vertical-align:top}
.sb-scroll{overflow-x:auto}
`

/** A stylesheet served under basePath, its URL naming its content so it can be cached for good. */
export interface ServedStylesheet {
  path: string
  css: string
}

function served(base: string, name: string, css: string): ServedStylesheet {
  const hash = createHash('sha256').update(css).digest('hex').slice(0, 12)
  return { path: `${base}/pages/${name}.${hash}.css`, css }
}

/** The package's stylesheet, and the theme's when `pages.theme` sets anything (`base`: PagesEnv's). */
export function stylesheets(
  base: string,
  options: ResolvedPagesOptions,
): { main: ServedStylesheet; theme: ServedStylesheet | undefined } {
  // Values were checked against strict patterns (kit/pages-options.ts): none can end the rule.
  const theme =
    options.theme.length === 0
      ? undefined
      : served(
          base,
          'theme',
          `:root{${options.theme.map(([property, value]) => `${property}:${value}`).join(';')}}\n`,
        )
  return { main: served(base, 'style', STYLESHEET), theme }
}
