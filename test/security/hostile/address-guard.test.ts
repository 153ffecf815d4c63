import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forbiddenReason } from "../../../src/webhooks/address-guard.js";
import { httpSender } from "../../../src/webhooks/delivery.js";
import { type Receiver, startReceiver } from "../../webhooks/receiver.js";

/**
 * Issue 14, finding 7: the probe's address forms that passed the webhook address guard. Each is
 * refused, and a delivery to one reaches no receiver, even one listening on loopback.
 */
const PASSED_BEFORE = ["::ffff:0:127.0.0.1", "64:ff9b::808:808", "64:ff9b::7f00:1", "64:ff9b:1::a00:1", "64:ff9b:1::808:808", "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2"];

describe("the address forms that passed the guard", () => {
  it.each(PASSED_BEFORE)("%s is refused", (address) => {
    expect(forbiddenReason(address)).toMatch(/private, loopback or reserved address \((rfc6145|rfc6052|teredo)\)/);
  });

  describe("a delivery to one of them", () => {
    let receiver: Receiver;
    const send = httpSender({ timeoutMs: 2000, allowPrivate: false });
    beforeAll(async () => {
      receiver = await startReceiver();
    });
    afterAll(async () => {
      send.close();
      await receiver.close();
    });

    it("is refused before any connection, and the loopback receiver gets nothing", async () => {
      for (const address of ["::ffff:0:127.0.0.1", "64:ff9b::7f00:1", "64:ff9b:1::7f00:1", "2001::1"]) {
        const outcome = await send({ url: `http://[${address}]:${receiver.port}/hook`, body: Buffer.from("{}"), headers: { "content-type": "application/json" } });
        expect(outcome.statusCode, address).toBeNull();
        expect(outcome.error, address).toMatch(/^refused: .* is a private, loopback or reserved address/);
      }
      expect(receiver.received).toHaveLength(0);
    });
  });
});
