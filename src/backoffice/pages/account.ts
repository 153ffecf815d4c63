import type { Reviewer } from "../accounts.js";
import { html } from "../http/html.js";
import { type PageContext, page } from "./layout.js";

export const accountPage = (ctx: PageContext, reviewer: Reviewer) =>
  page(
    ctx,
    "Account",
    html`<dl class="facts"><dt>Email</dt><dd>${reviewer.email}</dd><dt>Role</dt><dd>${reviewer.role}</dd>
    <dt>Two-factor login</dt><dd>${reviewer.secondFactor ? "on" : "off"}</dd></dl>
    ${reviewer.secondFactor ? "" : html`<p><a href="${ctx.adminPath("enrol")}">Turn on two-factor login</a></p>`}
    <p class="hint">A forgotten password or a lost authenticator is reset by an operator: <code>earthid reviewers reset EMAIL</code>.</p>`,
  );
