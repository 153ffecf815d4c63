import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Config, Human } from "@vladmandic/human";
import { installOfflineFetch } from "./offline-fetch.js";

const require = createRequire(import.meta.url);

/** What a decision records about the face model, so that it can be replayed with the same one. */
export interface FaceModelInfo {
  library: string;
  tfjs: string;
  backend: string;
  models: string[];
}

const MODELS = ["blazeface", "facemesh", "faceres", "antispoof", "liveness"];

/**
 * human on tfjs's wasm backend, every file from node_modules. Three things stand in the way and are
 * dealt with here: human's `exports` map has no "./dist/…" keys, so the Node wasm bundle is loaded by
 * path next to its main entry; the wasm backend defaults to a CDN, so `wasmPath` points at the
 * installed package; and models are `file://` URLs, which only the offline fetch can read.
 */
export async function loadHuman(): Promise<{ human: Human; info: FaceModelInfo }> {
  installOfflineFetch();
  const dist = path.dirname(require.resolve("@vladmandic/human"));
  const { Human: HumanClass } = require(path.join(dist, "human.node-wasm.js")) as { Human: new (config: Partial<Config>) => Human };
  const human = new HumanClass({
    backend: "wasm",
    wasmPath: path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep,
    modelBasePath: pathToFileURL(path.join(dist, "..", "models")).href + "/",
    debug: false,
    // human reuses a previous result for "similar frames" of a video: every image here is unrelated.
    cacheSensitivity: 0,
    face: {
      enabled: true,
      detector: { rotation: true, maxDetected: 5, minConfidence: 0.3, return: false },
      mesh: { enabled: true },
      description: { enabled: true },
      antispoof: { enabled: true },
      liveness: { enabled: true },
      iris: { enabled: false },
      emotion: { enabled: false },
      attention: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    filter: { enabled: false },
  } as Partial<Config>);
  await human.init();
  await human.load();
  const info = { library: `@vladmandic/human@${human.version}`, tfjs: human.tf.version_core, backend: human.tf.getBackend(), models: MODELS };
  return { human, info };
}
