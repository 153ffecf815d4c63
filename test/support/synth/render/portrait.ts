/**
 * The holder's portrait as a document prints it: the fixed head-and-shoulders box of a face photo,
 * resized, a little desaturated and lightened (a print on security paper is never as rich as the
 * photo). Decoded once per photo and size: the set builder asks for the same few hundred times.
 */
import { type Image, loadImage } from "@napi-rs/canvas";
import sharp from "sharp";
import type { FacePhoto } from "../faces.js";

const cache = new Map<string, Promise<Image>>();

export function portraitImage(photo: FacePhoto, widthPx: number, heightPx: number, ghost = false): Promise<Image> {
  const key = `${photo.file}:${widthPx}x${heightPx}:${ghost}`;
  let image = cache.get(key);
  if (!image) {
    const pipeline = sharp(photo.file)
      .extract(photo.portrait)
      .resize(widthPx, heightPx, { fit: "cover" })
      .modulate({ saturation: ghost ? 0 : 0.75, brightness: ghost ? 1.35 : 1.04 });
    image = pipeline.png().toBuffer().then((png) => loadImage(png));
    cache.set(key, image);
  }
  return image;
}
