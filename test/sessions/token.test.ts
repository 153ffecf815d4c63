import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SESSION_TOKEN_TTL_SECONDS, sessionTokens } from "../../src/sessions/token.js";

/**
 * The end user's credential: the hosted flow will grant access to one session on the strength of
 * `verify` alone, so every way a token can be wrong must be refused.
 */
describe("session tokens: verify", () => {
  const secret = randomBytes(48);
  const tokens = sessionTokens(secret);
  const now = () => Math.floor(Date.now() / 1000);
  const claims = { sessionId: "0190e3a4-5b6c-7d8e-9f01-23456789abcd", integrationId: "7c1e2a44-0c8e-4b7e-9b7a-2f4c6d8e0a1b" };
  const parts = (token: string) => token.split(".") as [string, string, string];
  const resign = (header: string, payload: string, key: Buffer) => `${header}.${payload}.${createHmac("sha256", key).update(`${header}.${payload}`).digest("base64url")}`;

  it("accepts a token it signed, with the session, the integration and seven days of validity", async () => {
    const iat = now();
    const verified = await tokens.verify(tokens.sign({ ...claims, iat }));
    expect(verified).toMatchObject({ session_id: claims.sessionId, iid: claims.integrationId, iat, exp: iat + SESSION_TOKEN_TTL_SECONDS });
    expect(SESSION_TOKEN_TTL_SECONDS).toBe(7 * 24 * 3600);
  });

  it("refuses a token whose seven days are over, and accepts one a minute before", async () => {
    await expect(tokens.verify(tokens.sign({ ...claims, iat: now() - SESSION_TOKEN_TTL_SECONDS - 60 }))).rejects.toThrow(/exp/);
    await expect(tokens.verify(tokens.sign({ ...claims, iat: now() - SESSION_TOKEN_TTL_SECONDS + 60 }))).resolves.toMatchObject({ session_id: claims.sessionId });
  });

  it("refuses a token whose claims were changed (another session), its signature left as it was", async () => {
    const [header, , signature] = parts(tokens.sign({ ...claims, iat: now() }));
    const forged = Buffer.from(JSON.stringify({ session_id: "0190e3a4-0000-7000-8000-000000000000", iid: claims.integrationId, iat: now(), exp: now() + 600 })).toString("base64url");
    await expect(tokens.verify(`${header}.${forged}.${signature}`)).rejects.toThrow(/signature/);
  });

  it("refuses a token whose signature was altered by one character", async () => {
    const [header, payload, signature] = parts(tokens.sign({ ...claims, iat: now() }));
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === "A" ? "B" : "A"}${signature.at(-1)}`;
    await expect(tokens.verify(`${header}.${payload}.${flipped}`)).rejects.toThrow();
  });

  it("refuses a token signed with another secret (another installation, or a rotated key)", async () => {
    const other = sessionTokens(randomBytes(48));
    await expect(tokens.verify(other.sign({ ...claims, iat: now() }))).rejects.toThrow(/signature/);
  });

  it("refuses an unsigned token (alg none) and one of another algorithm", async () => {
    const [, payload] = parts(tokens.sign({ ...claims, iat: now() }));
    const none = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    await expect(tokens.verify(`${none}.${payload}.`)).rejects.toThrow();
    const hs512 = Buffer.from(JSON.stringify({ alg: "HS512", typ: "JWT" })).toString("base64url");
    await expect(tokens.verify(`${hs512}.${payload}.${createHmac("sha512", secret).update(`${hs512}.${payload}`).digest("base64url")}`)).rejects.toThrow();
  });

  it("refuses a well-signed token that lacks the session or the integration", async () => {
    const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
    const withoutIid = Buffer.from(JSON.stringify({ session_id: claims.sessionId, iat: now(), exp: now() + 600 })).toString("base64url");
    await expect(tokens.verify(resign(header, withoutIid, secret))).rejects.toThrow(/iid/);
    const withoutSession = Buffer.from(JSON.stringify({ iid: claims.integrationId, iat: now(), exp: now() + 600 })).toString("base64url");
    await expect(tokens.verify(resign(header, withoutSession, secret))).rejects.toThrow(/session_id/);
  });

  it("refuses what is not a token at all", async () => {
    for (const junk of ["", "abc", "a.b.c", "..."]) await expect(tokens.verify(junk)).rejects.toThrow();
  });
});
