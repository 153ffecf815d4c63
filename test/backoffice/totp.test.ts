import { describe, expect, it } from "vitest";
import { newTotpSecret, otpauthUri, totpCode, totpStep } from "../../src/backoffice/totp.js";

/** Secrets enrolled before otpauth took over the codes: the same base32, SHA1, 6 digits, 30 s, one step either side. */
describe("one-time codes", () => {
  // RFC 6238, appendix B: the SHA1 key "12345678901234567890", in base32 as it is stored; the last 6 of its 8-digit codes.
  const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

  it("gives RFC 6238's codes for its SHA1 key", () => {
    expect(totpCode(RFC_SECRET, 59_000)).toBe("287082");
    expect(totpCode(RFC_SECRET, 1_111_111_109_000)).toBe("081804");
    expect(totpCode(RFC_SECRET, 1_234_567_890_000)).toBe("005924");
  });

  it("accepts the step before and after, not two away, and never a step already used", () => {
    const at = 1_234_567_890_000;
    const step = Math.floor(at / 30_000);
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, at), at)).toBe(step);
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, at - 30_000), at)).toBe(step - 1);
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, at + 30_000), at)).toBe(step + 1);
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, at - 60_000), at)).toBeUndefined();
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, at), at, step)).toBeUndefined();
    expect(totpStep(RFC_SECRET, "abcdef", at)).toBeUndefined();
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, at).replace(/^(\d{3})/, "$1 "), at)).toBe(step);
  });

  it("makes 20-byte base32 secrets and an otpauth URI that names them", () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(otpauthUri(secret, "rita@example.com"));
    expect(uri.protocol).toBe("otpauth:");
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({ secret, issuer: "EarthID Verify", algorithm: "SHA1", digits: "6", period: "30" });
  });
});
