import { html, trusted } from "../http/html.js";
import { type PageContext, csrfField, page } from "./layout.js";

export const loginPage = (ctx: PageContext, error?: string) =>
  page(
    ctx,
    "Log in",
    html`<form method="post" action="${ctx.adminPath("login")}" class="narrow">
      ${csrfField(ctx)}
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="username" required autofocus>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <button type="submit" class="primary">Log in</button>
    </form>`,
    { error },
  );

export const codePage = (ctx: PageContext, error?: string) =>
  page(
    ctx,
    "Enter your one-time code",
    html`<form method="post" action="${ctx.adminPath("login/code")}" class="narrow">
      ${csrfField(ctx)}
      <label for="code">6-digit code from your authenticator app</label>
      <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required autofocus>
      <button type="submit" class="primary">Continue</button>
    </form>`,
    { error },
  );

export const enrolPage = (ctx: PageContext, enrolment: { secret: string; uri: string; qrSvg: string }, required: boolean, error?: string) =>
  page(
    ctx,
    "Set up two-factor login",
    html`<p>${required ? "Administrators log in with a one-time code as well as their password." : "Add a one-time code to your login."}
      Scan this code with an authenticator app (or type the key), then enter the 6-digit code it shows.</p>
    <div class="enrol">
      <figure class="qr" aria-label="QR code of the authenticator key">${trusted(enrolment.qrSvg)}</figure>
      <dl>
        <dt>Key</dt><dd><code data-testid="totp-secret">${enrolment.secret}</code></dd>
        <dt>Link</dt><dd><code class="wrap" data-testid="totp-uri">${enrolment.uri}</code></dd>
      </dl>
    </div>
    <form method="post" action="${ctx.adminPath("enrol")}" class="narrow">
      ${csrfField(ctx)}
      <label for="code">6-digit code</label>
      <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required>
      <button type="submit" class="primary">Turn on</button>
    </form>`,
    { error },
  );

export const refusalPage = (ctx: PageContext, status: number, message: string) =>
  page(ctx, status === 403 ? "Not allowed" : status === 404 ? "Not found" : "Something needs your attention", html`<p><a href="${ctx.adminPath("queue")}">Back to the review queue</a></p>`, { error: message });
