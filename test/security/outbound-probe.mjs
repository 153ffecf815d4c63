// Run under test/support/no-network.mjs by no-network.test.ts: tries every way out it knows and prints
// one JSON line per attempt with how it ended. The targets are documentation addresses (192.0.2.0/24,
// 2001:db8::/32) and example.com, and nothing is tried unless the preload is armed, so no packet can
// leave even if the preload were broken.
import dgram from "node:dgram";
import dns from "node:dns";
import http from "node:http";
import net from "node:net";
import tls from "node:tls";
import { Worker, isMainThread, parentPort } from "node:worker_threads";

const GUARD = Symbol.for("earthid.noNetwork");
const armed =
  globalThis[GUARD]?.armed === true &&
  net.Socket.prototype.connect[GUARD] === true &&
  dns.lookup[GUARD] === true &&
  dns.promises.resolve4[GUARD] === true &&
  dgram.Socket.prototype.send[GUARD] === true;

/** Settles with how an attempt ended: refused by the preload, connected, or some other error. */
function outcome(name, start) {
  return new Promise((resolve) => {
    const done = (result) => resolve({ name, ...result });
    const timer = setTimeout(() => done({ result: "timeout" }), 3000);
    start(
      () => (clearTimeout(timer), done({ result: "connected" })),
      (error) => (clearTimeout(timer), done({ result: error?.code === "EARTHID_NETWORK_BLOCKED" ? "blocked" : "error", code: error?.code ?? String(error) })),
    );
  });
}

const viaSocket = (socket, ok, fail) => {
  socket.once("connect", () => (ok(), socket.destroy()));
  socket.once("secureConnect", () => (ok(), socket.destroy()));
  socket.once("error", fail);
};

const attempts = {
  "net.connect 192.0.2.1:9": (ok, fail) => viaSocket(net.connect(9, "192.0.2.1"), ok, fail),
  "net.createConnection {host 2001:db8::1}": (ok, fail) => viaSocket(net.createConnection({ host: "2001:db8::1", port: 9 }), ok, fail),
  "new net.Socket().connect(example.com)": (ok, fail) => viaSocket(new net.Socket().connect({ host: "example.com", port: 80 }), ok, fail),
  "tls.connect 192.0.2.1:443": (ok, fail) => viaSocket(tls.connect({ host: "192.0.2.1", port: 443, servername: "example.com" }), ok, fail),
  "http.get http://192.0.2.1/": (ok, fail) => http.get("http://192.0.2.1/", (res) => (ok(), res.destroy())).once("error", fail),
  "fetch https://example.com/": (ok, fail) => fetch("https://example.com/").then(ok, (error) => fail(error.cause ?? error)),
  "dns.lookup example.com": (ok, fail) => dns.lookup("example.com", (error) => (error ? fail(error) : ok())),
  "dns.promises.lookup example.com": (ok, fail) => dns.promises.lookup("example.com").then(ok, fail),
  "dns.resolve4 example.com": (ok, fail) => dns.resolve4("example.com", (error) => (error ? fail(error) : ok())),
  "new dns.promises.Resolver().resolveTxt": (ok, fail) => new dns.promises.Resolver().resolveTxt("example.com").then(ok, fail),
  "dgram send 192.0.2.1:53": (ok, fail) => {
    const socket = dgram.createSocket("udp4");
    socket.send(Buffer.from("probe"), 53, "192.0.2.1", (error) => (socket.close(), error ? fail(error) : ok()));
  },
};

/** Must get through: loopback is how the service talks to its own database. */
const controls = {
  "loopback net.connect 127.0.0.1": async (ok, fail) => {
    const server = net.createServer((socket) => socket.destroy()).listen(0, "127.0.0.1", () => {
      const socket = net.connect(server.address().port, "127.0.0.1");
      socket.once("connect", () => (ok(), socket.destroy(), server.close()));
      socket.once("error", (error) => (fail(error), server.close()));
    });
  },
  "loopback dns.lookup localhost": (ok, fail) => dns.lookup("localhost", (error) => (error ? fail(error) : ok())),
};

async function runAll(table) {
  return Promise.all(Object.entries(table).map(([name, start]) => outcome(name, start)));
}

if (!isMainThread) {
  const results = armed ? await runAll({ "worker net.connect 192.0.2.1:9": attempts["net.connect 192.0.2.1:9"] }) : [];
  parentPort.postMessage({ armed, results });
} else {
  if (!armed) {
    process.stdout.write(`${JSON.stringify({ armed: false })}\n`);
    process.exit(3);
  }
  const results = [...(await runAll(attempts)), ...(await runAll(controls))];
  const worker = await new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url));
    w.once("message", resolve);
    w.once("error", reject);
  });
  process.stdout.write(`${JSON.stringify({ armed, results, worker })}\n`);
}
