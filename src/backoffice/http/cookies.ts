import fastifyCookie, { Signer } from "@fastify/cookie";
import type { CookieSerializeOptions } from "@fastify/cookie";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Keyring } from "../../crypto/keyring.js";
import type { Door } from "./door.js";

export const LOGIN_COOKIE = "earthid_admin";
/** The secret the CSRF tokens of this browser's forms are made from (csrf.ts), signed. */
export const CSRF_COOKIE = "earthid_admin_csrf";

const signingKey = Keyring.derivedKeys("earthid back-office cookies");

/**
 * Cookies through @fastify/cookie. Signed ones are signed with a key derived from the current master
 * key and accepted under any key of the keyring: a signature made before `earthid keys rotate`
 * still holds after it (and after a restart) for as long as the retired key is kept.
 */
export async function installCookies(app: FastifyInstance, keys: Keyring): Promise<void> {
  let signer: Signer | undefined;
  let signedBy = "";
  const current = () => {
    const ring = keys.all();
    const ids = ring.map((key) => key.id).join();
    if (ids !== signedBy) [signer, signedBy] = [new Signer(ring.map(signingKey)), ids];
    return signer!;
  };
  await app.register(fastifyCookie, { secret: { sign: (value: string) => current().sign(value), unsign: (value: string) => current().unsign(value) } });
}

/** HttpOnly, SameSite=Strict, scoped to the back-office's prefix; Secure as the door decides. */
export const cookieOptions = (door: Door, request: FastifyRequest): CookieSerializeOptions => ({
  path: door.prefix,
  httpOnly: true,
  sameSite: "strict",
  secure: door.secureCookies(request),
});
