import { writeFileSync } from "node:fs";
import sharp from "sharp";
import { PASSPORT } from "./harness.js";

const WIDTH = 960;
const HEIGHT = 540;

/**
 * A one-frame Y4M (I420) for chromium's --use-file-for-fake-video-capture: the passport specimen
 * laid on a dark desk, exposed as a camera would (paper a little below pure white, so it reads as
 * paper rather than glare). Chromium loops the frame: a still, sharp picture, as a steady hand gives.
 * `documentWidth` (of 960) places the document near (700: it fills the guide) or far (300).
 */
export async function writeDocumentVideo(file: string, documentWidth = 700): Promise<void> {
  const passport = await sharp(PASSPORT).resize(documentWidth).modulate({ brightness: 0.86 }).toBuffer();
  const { data } = await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: { r: 43, g: 47, b: 54 } } })
    .composite([{ input: passport, gravity: "center" }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const y = Buffer.alloc(WIDTH * HEIGHT);
  const u = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2));
  const v = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2));
  const clamp = (value: number) => Math.max(0, Math.min(255, Math.round(value)));
  for (let row = 0; row < HEIGHT; row++) {
    for (let col = 0; col < WIDTH; col++) {
      const i = (row * WIDTH + col) * 3;
      y[row * WIDTH + col] = clamp(0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!);
    }
  }
  for (let row = 0; row < HEIGHT / 2; row++) {
    for (let col = 0; col < WIDTH / 2; col++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) {
        const i = ((row * 2 + dy) * WIDTH + col * 2 + dx) * 3;
        r += data[i]!;
        g += data[i + 1]!;
        b += data[i + 2]!;
      }
      r /= 4;
      g /= 4;
      b /= 4;
      u[row * (WIDTH / 2) + col] = clamp(-0.169 * r - 0.331 * g + 0.5 * b + 128);
      v[row * (WIDTH / 2) + col] = clamp(0.5 * r - 0.419 * g - 0.081 * b + 128);
    }
  }
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F30:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(file, Buffer.concat([header, Buffer.from("FRAME\n"), y, u, v]));
}
