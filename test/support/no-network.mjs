// Preload (`node --import`) for tests that prove the service never reaches the network: every TCP,
// TLS, UDP or DNS attempt towards anything but loopback is recorded and refused before a single
// packet leaves. Records are JSON lines appended to $EARTHID_NETWORK_LOG and echoed on stderr.
// Plain JavaScript because Node 20 cannot load TypeScript as a preload.
import dgram from "node:dgram";
import dns from "node:dns";
import { appendFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import net from "node:net";
import { isMainThread, threadId } from "node:worker_threads";

const GUARD = Symbol.for("earthid.noNetwork");
const LOG = process.env.EARTHID_NETWORK_LOG;

function record(entry) {
  const line = JSON.stringify({ pid: process.pid, thread: threadId, at: Date.now(), ...entry });
  if (LOG) appendFileSync(LOG, `${line}\n`);
  if (entry.event === "blocked") process.stderr.write(`no-network preload: refused ${entry.kind} ${entry.host}${entry.port === undefined ? "" : `:${entry.port}`}\n`);
}

function isLoopbackAddress(address) {
  const host = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "").toLowerCase();
  if (net.isIPv4(host)) return host.startsWith("127.");
  if (net.isIPv6(host)) return host === "::1" || /^(0{0,4}:){7}0{0,3}1$/.test(host) || /^::ffff:127\./.test(host);
  return false;
}

/** Loopback literals and the name `localhost` (resolved from /etc/hosts, never asked of a server). */
function isLoopbackHost(host) {
  if (host === undefined || host === null || host === "") return true; // Node's default is localhost
  const name = String(host).toLowerCase().replace(/\.$/, "");
  return name === "localhost" || isLoopbackAddress(name);
}

function blockedError(what) {
  const error = new Error(`network access refused by the test preload: ${what}`);
  error.code = "EARTHID_NETWORK_BLOCKED";
  return error;
}

function origin() {
  return new Error().stack?.split("\n").slice(3, 12).map((line) => line.trim());
}

// TCP and TLS: net.connect, tls.connect, http(s), http2, fetch (undici) all end in Socket#connect.
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  // net.connect() passes its already-normalised [options, callback] pair as the first argument.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  let host;
  let port;
  if (first !== null && typeof first === "object") {
    if (first.path) return connect.apply(this, args); // a Unix socket
    host = first.host;
    port = first.port;
  } else if (typeof first === "string" && !/^\d+$/.test(first)) {
    return connect.apply(this, args); // connect(path)
  } else {
    port = first;
    host = typeof args[1] === "string" ? args[1] : undefined;
  }
  if (isLoopbackHost(host)) return connect.apply(this, args);
  record({ event: "blocked", kind: "connect", host, port, stack: origin() });
  const error = blockedError(`connect to ${host}:${port}`);
  process.nextTick(() => this.destroy(error));
  return this;
};
net.Socket.prototype.connect[GUARD] = true;

// DNS: lookups of anything but localhost or an IP literal, and every query to a DNS server.
/** Fails a blocked DNS call the way the real one reports errors: a rejection, or the callback's first argument. */
function failDns(error, promises, args) {
  if (promises) return Promise.reject(error);
  const callback = args.findLast((arg) => typeof arg === "function");
  if (callback) process.nextTick(callback, error);
  return {};
}

function guardLookup(original, { promises }) {
  const guarded = function guardedLookup(hostname, ...rest) {
    if (isLoopbackHost(hostname) || net.isIP(String(hostname))) return original.call(this, hostname, ...rest);
    record({ event: "blocked", kind: "dns.lookup", host: hostname, stack: origin() });
    return failDns(blockedError(`DNS lookup of ${hostname}`), promises, rest);
  };
  guarded[GUARD] = true;
  return guarded;
}

function guardQuery(method, { promises }) {
  const guarded = function guardedQuery(name, ...rest) {
    record({ event: "blocked", kind: `dns.${method}`, host: name, stack: origin() });
    return failDns(blockedError(`DNS ${method} of ${name}`), promises, rest);
  };
  guarded[GUARD] = true;
  return guarded;
}

const QUERIES = Object.keys(dns).filter((key) => /^resolve|^reverse$|^lookupService$/.test(key));
for (const [target, promises] of [[dns, false], [dns.promises, true], [dns.Resolver.prototype, false], [dns.promises.Resolver.prototype, true]]) {
  if (typeof target.lookup === "function") target.lookup = guardLookup(target.lookup, { promises });
  for (const method of QUERIES) if (typeof target[method] === "function") target[method] = guardQuery(method, { promises });
}

// UDP.
const send = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function guardedSend(message, ...args) {
  // send(msg, [offset, length,] port [, address] [, callback])
  const rest = typeof args[0] === "number" && typeof args[1] === "number" && typeof args[2] === "number" ? args.slice(2) : args;
  const port = rest[0];
  const address = typeof rest[1] === "string" ? rest[1] : undefined;
  if (typeof port !== "number" || isLoopbackHost(address)) return send.call(this, message, ...args);
  record({ event: "blocked", kind: "udp.send", host: address, port, stack: origin() });
  const callback = args.findLast((arg) => typeof arg === "function");
  const error = blockedError(`UDP to ${address}:${port}`);
  process.nextTick(() => (callback ? callback(error) : this.emit("error", error)));
};
dgram.Socket.prototype.send[GUARD] = true;

const udpConnect = dgram.Socket.prototype.connect;
dgram.Socket.prototype.connect = function guardedUdpConnect(port, address, callback) {
  if (isLoopbackHost(typeof address === "string" ? address : undefined)) return udpConnect.call(this, port, address, callback);
  record({ event: "blocked", kind: "udp.connect", host: address, port, stack: origin() });
  const error = blockedError(`UDP connect to ${address}:${port}`);
  process.nextTick(() => this.emit("error", error));
};
dgram.Socket.prototype.connect[GUARD] = true;

syncBuiltinESMExports();
globalThis[GUARD] = { armed: true };
record({ event: "armed", mainThread: isMainThread, argv: process.argv.slice(1) });
