/**
 * What the back-office refuses, and why, in words a reviewer reads on the page (or an operator in the
 * CLI). Pages render these; they never reach the integrator API, whose catalogue is src/errors.ts.
 */
export const refusals = {
  BAD_LOGIN: { status: 401, message: "Email or password is wrong." },
  BAD_CODE: { status: 401, message: "That code is not right. Check your authenticator app and try again." },
  LOCKED: { status: 429, message: "Too many failed attempts: this account is locked for a few minutes." },
  NOT_LOGGED_IN: { status: 401, message: "Please log in." },
  FORBIDDEN: { status: 403, message: "This page is for administrators only." },
  CSRF: { status: 403, message: "This form has expired or did not come from this site. Reload the page and try again." },
  NOT_FOUND: { status: 404, message: "Not found." },
  ASSIGNED_ELSEWHERE: { status: 409, message: "This case is already assigned to {who}." },
  NOT_IN_REVIEW: { status: 409, message: "This case is no longer in review: it was {status} meanwhile." },
  BAD_INPUT: { status: 400, message: "{detail}" },
  EXISTS: { status: 409, message: "An account with this email already exists." },
} as const;

export type RefusalName = keyof typeof refusals;

export class Refusal extends Error {
  readonly status: number;
  constructor(readonly refusal: RefusalName, params: Record<string, string> = {}) {
    super(refusals[refusal].message.replace(/\{(\w+)\}/g, (_, key: string) => params[key] ?? ""));
    this.status = refusals[refusal].status;
  }
}

export const refuse = (name: RefusalName, params?: Record<string, string>) => new Refusal(name, params);
