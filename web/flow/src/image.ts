/** A capture ready to send: the bytes, and a preview URL when the browser can show them. */
export interface Prepared {
  blob: Blob;
  preview: string | null;
}

export class ImageProblem extends Error {
  constructor(readonly kind: "file" | "tooLarge") {
    super(kind);
  }
}

/** The server takes 16 MB of JSON; base64 makes 4 bytes of 3. */
const MAX_BYTES = 11 * 1024 * 1024;
const isHeic = (file: File) => /image\/hei[cf]/i.test(file.type) || /\.hei[cf]$/i.test(file.name);

/**
 * Decodes the photo with its EXIF orientation applied, shrinks it so its long side is at most
 * `maxSide` pixels, and re-encodes it as JPEG: a 12-megapixel phone photo becomes a few hundred
 * kilobytes. A HEIC photo the browser cannot decode (all but Safari) is sent as it is: the server
 * reads HEIC.
 */
export async function prepareImage(file: Blob & { name?: string }, maxSide: number): Promise<Prepared> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    if (file instanceof File && isHeic(file)) {
      if (file.size > MAX_BYTES) throw new ImageProblem("tooLarge");
      return { blob: file, preview: null };
    }
    throw new ImageProblem("file");
  }
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const context = canvas.getContext("2d");
  if (!context) throw new ImageProblem("file");
  context.imageSmoothingQuality = "high";
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await canvasToJpeg(canvas);
  if (blob.size > MAX_BYTES) throw new ImageProblem("tooLarge");
  return { blob, preview: URL.createObjectURL(blob) };
}

export function canvasToJpeg(canvas: HTMLCanvasElement, quality = 0.9): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new ImageProblem("file"))), "image/jpeg", quality));
}

/** The bytes as a data URI, the form the media API's `image.content` takes. */
export function dataUri(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
