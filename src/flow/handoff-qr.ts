import QRCode from "qrcode";

/** The hand-off link as a QR code: an SVG made here (no image service), handed to the page as a data: URI. */
export async function handoffQrCode(url: string): Promise<string> {
  const svg = await QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 2, color: { dark: "#111827", light: "#ffffff" } });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}
