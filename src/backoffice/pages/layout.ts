import type { AdminPath } from "../http/door.js";
import { type Html, html } from "../http/html.js";

export interface PageContext {
  /** The logged-in reviewer; absent on the login pages. */
  reviewer?: { email: string; role: string };
  csrf: string;
  /** Path of the current page, to mark its menu entry. */
  path: string;
  /** Whether the bundle exists (pages work without it). */
  script: boolean;
  /** Every link, form and asset of a page goes through this: the back-office can be served under any prefix. */
  adminPath: AdminPath;
}

const menu = (ctx: PageContext) => {
  if (!ctx.reviewer) return "";
  const entries: Array<[string, string]> = [["queue", "Review queue"]];
  if (ctx.reviewer.role === "admin") entries.push(["overview", "Overview"], ["integrations", "Integrations"], ["deliveries", "Webhook deliveries"]);
  entries.push(["account", "Account"]);
  return html`<nav aria-label="Back-office">
    <ul>${entries.map(([to, label]) => html`<li><a href="${ctx.adminPath(to)}"${ctx.path.startsWith(ctx.adminPath(to)) ? html` aria-current="page"` : ""}>${label}</a></li>`)}</ul>
    <form method="post" action="${ctx.adminPath("logout")}" class="logout">
      <input type="hidden" name="_csrf" value="${ctx.csrf}">
      <span class="who">${ctx.reviewer.email} · ${ctx.reviewer.role}</span>
      <button type="submit">Log out</button>
    </form>
  </nav>`;
};

export function page(ctx: PageContext, title: string, body: Html, options: { flash?: string | undefined; error?: string | undefined } = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · EarthID back-office</title>
<link rel="stylesheet" href="${ctx.adminPath("assets/admin.css")}">
${ctx.script ? html`<script src="${ctx.adminPath("assets/admin.js")}" defer></script>` : ""}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><span class="brand">EarthID Verify · back-office</span>${menu(ctx)}</header>
<main id="main">
<h1>${title}</h1>
${options.error ? html`<p class="alert error" role="alert">${options.error}</p>` : ""}
${options.flash ? html`<p class="alert ok" role="status">${options.flash}</p>` : ""}
${body}
</main>
</body>
</html>`.text;
}

export const csrfField = (ctx: PageContext) => html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
