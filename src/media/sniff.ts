/** Image formats we take, told apart by their first bytes, never by what the client declares. */
export type SniffedFormat = "jpeg" | "png" | "webp" | "heif";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** ISO-BMFF brands of still HEIF images (HEVC-coded HEIC, and AV1-coded AVIF). */
const HEIF_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs", "mif1", "msf1", "avif", "avis"]);

export function sniffFormat(bytes: Buffer): SniffedFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return "png";
  if (bytes.length >= 12 && bytes.toString("latin1", 0, 4) === "RIFF" && bytes.toString("latin1", 8, 12) === "WEBP") return "webp";
  if (isHeif(bytes)) return "heif";
  return undefined;
}

/** An `ftyp` box first, whose major or compatible brands name a HEIF image. */
function isHeif(bytes: Buffer): boolean {
  if (bytes.length < 16 || bytes.toString("latin1", 4, 8) !== "ftyp") return false;
  const boxEnd = Math.min(bytes.readUInt32BE(0), bytes.length, 256);
  if (boxEnd < 16) return false;
  for (let offset = 8; offset + 4 <= boxEnd; offset += 4) {
    if (offset === 12) continue; // minor version, not a brand
    if (HEIF_BRANDS.has(bytes.toString("latin1", offset, offset + 4))) return true;
  }
  return false;
}
