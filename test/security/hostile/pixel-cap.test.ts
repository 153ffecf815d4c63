import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_PIXELS } from "../../../src/media/image-check.js";
import { expectFail } from "../../support/client.js";
import { type TestIntegration, type TestServer, startTestServer } from "../../support/server.js";
import { download, makeJpeg, newSession, upload } from "../../media/images.js";

/** A real small JPEG whose baseline frame header (SOF0) is rewritten to declare `width`×`height`. */
async function jpegDeclaring(width: number, height: number): Promise<Buffer> {
  const jpeg = Buffer.from(await makeJpeg(16, 16));
  // SOF0: FF C0, length (2), precision (1), height (2), width (2).
  const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x10]));
  if (sof < 0) throw new Error("no SOF0 in the JPEG sharp made");
  jpeg.writeUInt16BE(height, sof + 5);
  jpeg.writeUInt16BE(width, sof + 7);
  return jpeg;
}

/**
 * Issue 14, finding 8: a JPEG whose header claims 7000×7000 was accepted (49 MP, under the 50 MP
 * cap of the time). Refused from the header now, with a 400 that names the limit.
 */
describe("the pixel cap at upload", () => {
  let server: TestServer;
  let shop: TestIntegration;
  let sessionId: string;
  beforeAll(async () => {
    server = await startTestServer();
    shop = await server.integration();
    sessionId = await newSession(shop);
  });
  afterAll(() => server.close());

  it("a JPEG claiming 7000×7000 in a few hundred bytes: 400 1400 naming the limit", async () => {
    const bomb = await jpegDeclaring(7000, 7000);
    expect(bomb.length).toBeLessThan(2_000);
    expectFail(await upload(shop, sessionId, bomb), 400, "1400", "declares 7000×7000 pixels, more than the limit of 25 megapixels (25000000 pixels)");
  });

  it("a real, highly compressible 7000×7000 JPEG is refused the same way", async () => {
    const flat = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: "#808080" } }).jpeg({ quality: 50 }).toBuffer();
    expectFail(await upload(shop, sessionId, flat), 400, "1400", "more than the limit of 25 megapixels");
  });

  it("the limit itself is taken (5000×5000), one row more is not; uploads and downloads go on", async () => {
    expect(MAX_PIXELS).toBe(25_000_000);
    const atLimit = await sharp({ create: { width: 5000, height: 5000, channels: 3, background: "#a0a0a0" } }).jpeg({ quality: 50 }).toBuffer();
    const accepted = await upload(shop, sessionId, atLimit);
    expect(accepted.status, accepted.text).toBe(201);
    expect(accepted.body.image.size).toBe(atLimit.length);
    expectFail(await upload(shop, sessionId, await jpegDeclaring(5000, 5001)), 400, "1400", "5000×5001");
    const jpeg = await makeJpeg();
    const normal = await upload(shop, sessionId, jpeg);
    expect(normal.status).toBe(201);
    expect((await download(server.url, shop, normal.body.image.id)).bytes.equals(jpeg)).toBe(true);
  });
});
