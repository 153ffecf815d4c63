import { describe, expect, it } from "vitest";
import { hmacMatches } from "../../src/crypto/hmac.js";
import { timestampedSignature, verifyTimestampedSignature, webhookHeaders } from "../../src/webhooks/signing.js";

const secret = "abcdef12-abcd-abcd-abcd-abcdef012345";
const body = '{"verification":{"status":"submitted"}}';

describe("webhook signatures", () => {
  it("signs the raw body as Veriff does (docs/veriff-api.md §1.3 test vector)", () => {
    const headers = webhookHeaders({ apiKey: "k", integrationId: "i", secret, body, deliveryId: "d", attempt: 3, at: 1_700_000_000_123 });
    expect(headers["x-hmac-signature"]).toBe("431804d39503a5600eb3a57c1bb6403cba06b3b243593e2619868e17eb22b277");
    expect(headers["vrf-hmac-signature"]).toBe(headers["x-hmac-signature"]);
    expect(headers).toMatchObject({ "x-auth-client": "k", "vrf-auth-client": "k", "vrf-integration-id": "i", "x-earthid-delivery-id": "d", "x-earthid-attempt": "3" });
    expect(headers["x-earthid-signature"]).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    const v1 = headers["x-earthid-signature"]!.split("v1=")[1]!;
    expect(hmacMatches(secret, `1700000000.${body}`, v1)).toBe(true);
  });

  it("verifies a timestamped signature within the tolerance only", () => {
    const header = timestampedSignature(secret, 1_700_000_000, body);
    expect(verifyTimestampedSignature(secret, header, body, { now: 1_700_000_100_000 })).toBe(true);
    expect(verifyTimestampedSignature(secret, header, body, { now: 1_700_000_301_000 })).toBe(false);
    expect(verifyTimestampedSignature(secret, header, body, { now: 1_700_000_301_000, toleranceSeconds: 600 })).toBe(true);
    expect(verifyTimestampedSignature("another secret", header, body, { now: 1_700_000_000_000 })).toBe(false);
    expect(verifyTimestampedSignature(secret, header, `${body} `, { now: 1_700_000_000_000 })).toBe(false);
    // The timestamp is signed: moving it breaks the signature.
    expect(verifyTimestampedSignature(secret, header.replace("t=1700000000", "t=1700000001"), body, { now: 1_700_000_000_000 })).toBe(false);
    expect(verifyTimestampedSignature(secret, "v1=abc", body)).toBe(false);
  });

  it("accepts any of several v1 signatures (rotation overlap)", () => {
    const good = timestampedSignature(secret, 1_700_000_000, body);
    const other = timestampedSignature("old secret", 1_700_000_000, body).split(",")[1];
    expect(verifyTimestampedSignature(secret, `${good.split(",")[0]},${other},${good.split(",")[1]}`, body, { now: 1_700_000_000_000 })).toBe(true);
  });
});
