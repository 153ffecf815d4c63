import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestServer, startTestServer } from "../support/server.js";

/** Sends headers announcing a large body and only a few bytes of it; resolves with the first answer. */
function answerToAnnouncedBody(url: string, path: string, headers: Record<string, string>): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve("(no answer: the server waited for the body)");
    }, 3000);
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      if (received.includes("\r\n\r\n")) {
        clearTimeout(timer);
        socket.destroy();
        resolve(received);
      }
    });
    socket.on("error", reject);
    const head = Object.entries({ host: `${hostname}:${port}`, "content-type": "application/json", "content-length": "20000000", ...headers })
      .map(([k, v]) => `${k}: ${v}`)
      .join("\r\n");
    socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n\r\n{"image":{"context":"face","content":"`);
  });
}

describe("the API key is checked before a body is read", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("refuses a 20 MB media upload without a key at once, without reading the body", async () => {
    const answer = await answerToAnnouncedBody(server.url, "/earthid/api/sessions/3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f/media", {});
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toMatch(/content-type: application\/json/i);
  });

  it("refuses an unknown key the same way", async () => {
    const answer = await answerToAnnouncedBody(server.url, "/v1/sessions", { "x-auth-client": "00000000-0000-4000-8000-000000000000" });
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
  });
});
