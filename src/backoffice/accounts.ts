import type { SealedColumn } from "../store/reseal.js";
import type { Keyring } from "../crypto/keyring.js";
import { createHash, randomBytes } from "node:crypto";
import { open, seal } from "../crypto/sealing.js";
import { newRowId } from "../store/ids.js";
import type { LoginEvent } from "../audit/events.js";
import type { AccountsRepo } from "./accounts-repo.js";
import { refuse } from "./errors.js";
import { MIN_PASSWORD_LENGTH, hashPassword, oneTimePassword, passwordMatches } from "./passwords.js";
import type { LoginStage, ReviewersTable, Role } from "./tables.js";
import { newTotpSecret, otpauthUri, totpStep } from "./totp.js";

/** Failures (password or code) before the account locks, and for how long. */
export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MS = 15 * 60_000;
/** A full login lasts while used (idle limit), and never longer than a working day. */
export const IDLE_MS = 30 * 60_000;
export const LONGEST_LOGIN_MS = 12 * 3_600_000;
/** Between the password and the code (or enrolment). */
const HALF_LOGIN_MS = 10 * 60_000;

export interface Reviewer {
  id: string;
  email: string;
  role: Role;
  active: boolean;
  secondFactor: boolean;
  lockedUntil: number | null;
}

export interface CurrentLogin {
  reviewer: Reviewer;
  stage: LoginStage;
  /** The cookie's token: CSRF tokens are derived from it. */
  token: string;
}

const view = (row: ReviewersTable): Reviewer => ({
  id: row.id,
  email: row.email,
  role: row.role,
  active: row.active === 1,
  secondFactor: row.totp_sealed !== null,
  lockedUntil: row.locked_until,
});

const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");
const totpAad = (id: string) => `reviewer-totp:${id}`;

/** What of this capability's table is sealed under the master keys (re-sealed by `earthid keys rotate`). */
export const REVIEWER_SEALED_COLUMNS: SealedColumn[] = [
  { table: "reviewers", id: "id", column: "totp_sealed", aad: totpAad },
  { table: "reviewers", id: "id", column: "totp_pending_sealed", aad: totpAad },
];
const normalEmail = (email: string) => email.trim().toLowerCase();

export interface AccountsDeps {
  repo: AccountsRepo;
  masterKey: Keyring;
  /** Records a login's step in the audit trail (every success, failure, lock-out and logout). */
  audit: (event: LoginEvent, at: number) => Promise<void>;
  now?: () => number;
}

/** Reviewer accounts: created by an operator from the CLI, logged in with a password and (admins always) a TOTP code. */
export function reviewerAccounts({ repo, masterKey, audit, now = Date.now }: AccountsDeps) {
  const openSecret = (row: ReviewersTable, sealed: string) => open(masterKey, sealed, totpAad(row.id)).toString("utf8");

  async function startLogin(reviewerId: string, stage: LoginStage, at: number): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    const ttl = stage === "full" ? IDLE_MS : HALF_LOGIN_MS;
    await repo.insertLogin({ token_hash: tokenHash(token), reviewer_id: reviewerId, stage, created_at: at, last_seen_at: at, expires_at: at + ttl });
    return token;
  }

  /** Counts a failure (password or code), recorded with what failed; true when it locked the account. */
  async function countFailure(row: ReviewersTable, at: number, step: "password" | "code", reason: "wrong_password" | "disabled" | "wrong_code"): Promise<boolean> {
    const failures = await repo.countFailure(row.id, LOCK_AFTER_FAILURES, at + LOCK_MS, at);
    await audit({ type: "backoffice.login_failed", data: { reviewerId: row.id, step, reason } }, at);
    const locked = failures >= LOCK_AFTER_FAILURES;
    if (locked) await audit({ type: "backoffice.locked_out", data: { reviewerId: row.id, until: at + LOCK_MS } }, at);
    return locked;
  }

  async function succeeded(row: ReviewersTable, stage: LoginStage, at: number): Promise<void> {
    if (stage === "full") await audit({ type: "backoffice.login_succeeded", data: { reviewerId: row.id, secondFactor: row.totp_sealed !== null } }, at);
  }

  const stageAfterPassword = (row: ReviewersTable): LoginStage => (row.totp_sealed ? "second-factor" : row.role === "admin" ? "enrol" : "full");

  async function setPassword(row: ReviewersTable, password: string | undefined): Promise<string | undefined> {
    if (password !== undefined && password.length < MIN_PASSWORD_LENGTH) throw refuse("BAD_INPUT", { detail: `A password needs at least ${MIN_PASSWORD_LENGTH} characters.` });
    const chosen = password ?? oneTimePassword();
    row.password_hash = await hashPassword(chosen);
    return password === undefined ? chosen : undefined;
  }

  return {
    async create({ email, role, password }: { email: string; role: Role; password?: string }): Promise<{ reviewer: Reviewer; oneTimePassword?: string }> {
      const address = normalEmail(email);
      if (!/^[^\s@]+@[^\s@]+$/.test(address)) throw refuse("BAD_INPUT", { detail: `"${email}" is not an email address.` });
      if (await repo.byEmail(address)) throw refuse("EXISTS");
      const at = now();
      const row: ReviewersTable = { id: newRowId(), email: address, role, password_hash: "", totp_sealed: null, totp_pending_sealed: null, totp_last_step: null, active: 1, failed_logins: 0, locked_until: null, created_at: at, updated_at: at };
      const printed = await setPassword(row, password);
      await repo.insert(row);
      return { reviewer: view(row), ...(printed ? { oneTimePassword: printed } : {}) };
    },

    list: async () => (await repo.list()).map(view),

    async disable(email: string): Promise<Reviewer> {
      const row = await repo.byEmail(normalEmail(email));
      if (!row) throw refuse("NOT_FOUND");
      await repo.update(row.id, { active: 0, updated_at: now() });
      await repo.endLoginsOf(row.id);
      return view({ ...row, active: 0 });
    },

    /** A new password (printed when none is given), unlocked and active again; `secondFactor: true` also removes the TOTP. */
    async reset(email: string, options: { password?: string; secondFactor?: boolean } = {}): Promise<{ reviewer: Reviewer; oneTimePassword?: string }> {
      const row = await repo.byEmail(normalEmail(email));
      if (!row) throw refuse("NOT_FOUND");
      const printed = await setPassword(row, options.password);
      const totp = options.secondFactor ? { totp_sealed: null, totp_pending_sealed: null, totp_last_step: null } : {};
      await repo.update(row.id, { password_hash: row.password_hash, active: 1, failed_logins: 0, locked_until: null, updated_at: now(), ...totp });
      await repo.endLoginsOf(row.id);
      const after = { ...row, active: 1, locked_until: null, ...totp };
      return { reviewer: view(after), ...(printed ? { oneTimePassword: printed } : {}) };
    },

    /** Email and password: a login at its next stage. Unknown email, wrong password and disabled account read alike. */
    async logIn(email: string, password: string): Promise<{ token: string; stage: LoginStage }> {
      const at = now();
      const row = await repo.byEmail(normalEmail(email));
      if (!row) {
        await hashPassword(password); // the same time as a real check, so that emails cannot be probed
        await audit({ type: "backoffice.login_failed", data: { reviewerId: null, step: "password", reason: "unknown_account" } }, at);
        throw refuse("BAD_LOGIN");
      }
      if (row.locked_until !== null && row.locked_until > at) {
        await audit({ type: "backoffice.login_failed", data: { reviewerId: row.id, step: "password", reason: "locked" } }, at);
        throw refuse("LOCKED");
      }
      const matches = await passwordMatches(password, row.password_hash);
      if (!matches || row.active !== 1) {
        throw refuse((await countFailure(row, at, "password", matches ? "disabled" : "wrong_password")) ? "LOCKED" : "BAD_LOGIN");
      }
      await repo.update(row.id, { failed_logins: 0, locked_until: null, updated_at: at });
      const stage = stageAfterPassword(row);
      const token = await startLogin(row.id, stage, at);
      await succeeded(row, stage, at);
      return { token, stage };
    },

    /** The login behind a cookie's token, if it is still valid; a full one is extended by being used. */
    async current(token: string | undefined): Promise<CurrentLogin | undefined> {
      if (!token) return undefined;
      const at = now();
      const hash = tokenHash(token);
      const login = await repo.login(hash);
      if (!login) return undefined;
      const row = login.expires_at > at ? await repo.byId(login.reviewer_id) : undefined;
      if (!row || row.active !== 1) {
        await repo.endLogin(hash);
        return undefined;
      }
      // Written at most once a minute: a page's images and assets are not each a write.
      if (login.stage === "full" && at - login.last_seen_at > 60_000) {
        await repo.touchLogin(hash, { last_seen_at: at, expires_at: Math.min(at + IDLE_MS, login.created_at + LONGEST_LOGIN_MS) });
      }
      return { reviewer: view(row), stage: login.stage, token };
    },

    /** The second step: a code from the authenticator app. A new token replaces the half-login's. */
    async secondFactor(login: CurrentLogin, code: string): Promise<string> {
      const at = now();
      const row = await repo.byId(login.reviewer.id);
      if (!row || login.stage !== "second-factor" || !row.totp_sealed) throw refuse("NOT_LOGGED_IN");
      if (row.locked_until !== null && row.locked_until > at) {
        await audit({ type: "backoffice.login_failed", data: { reviewerId: row.id, step: "code", reason: "locked" } }, at);
        throw refuse("LOCKED");
      }
      const step = totpStep(openSecret(row, row.totp_sealed), code, at, row.totp_last_step);
      if (step === undefined) {
        if (await countFailure(row, at, "code", "wrong_code")) {
          await repo.endLoginsOf(row.id);
          throw refuse("LOCKED");
        }
        throw refuse("BAD_CODE");
      }
      await repo.update(row.id, { failed_logins: 0, totp_last_step: step, updated_at: at });
      await repo.endLogin(tokenHash(login.token));
      const token = await startLogin(row.id, "full", at);
      await succeeded(row, "full", at);
      return token;
    },

    /** A new secret to scan, kept pending until a code from it is confirmed. */
    async beginEnrolment(login: CurrentLogin): Promise<{ secret: string; uri: string }> {
      const secret = newTotpSecret();
      await repo.update(login.reviewer.id, { totp_pending_sealed: seal(masterKey, secret, totpAad(login.reviewer.id)), updated_at: now() });
      return { secret, uri: otpauthUri(secret, login.reviewer.email) };
    },

    /** The pending secret, to show it again after a wrong code. */
    async pendingEnrolment(login: CurrentLogin): Promise<{ secret: string; uri: string } | undefined> {
      const row = await repo.byId(login.reviewer.id);
      if (!row?.totp_pending_sealed) return undefined;
      const secret = openSecret(row, row.totp_pending_sealed);
      return { secret, uri: otpauthUri(secret, row.email) };
    },

    /** The first code from the new secret turns it on; the login becomes full (a new token). */
    async confirmEnrolment(login: CurrentLogin, code: string): Promise<string> {
      const at = now();
      const row = await repo.byId(login.reviewer.id);
      if (!row?.totp_pending_sealed || (login.stage !== "enrol" && login.stage !== "full")) throw refuse("NOT_LOGGED_IN");
      const step = totpStep(openSecret(row, row.totp_pending_sealed), code, at);
      if (step === undefined) throw refuse("BAD_CODE");
      await repo.update(row.id, { totp_sealed: row.totp_pending_sealed, totp_pending_sealed: null, totp_last_step: step, updated_at: at });
      await repo.endLogin(tokenHash(login.token));
      const token = await startLogin(row.id, "full", at);
      // An enrolment at login ends the login: recorded as one, its second factor now on.
      if (login.stage === "enrol") await succeeded({ ...row, totp_sealed: row.totp_pending_sealed }, "full", at);
      return token;
    },

    async logOut(login: CurrentLogin): Promise<void> {
      await repo.endLogin(tokenHash(login.token));
      await audit({ type: "backoffice.logged_out", data: { reviewerId: login.reviewer.id } }, now());
    },
  };
}

export type ReviewerAccounts = ReturnType<typeof reviewerAccounts>;
