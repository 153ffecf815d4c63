/** What the card lies on: a few procedural surfaces and, sometimes, a pen beside it. */
import type { SKRSContext2D } from "@napi-rs/canvas";
import type { Random } from "../random.js";

export const SURFACES = ["wood", "grey-desk", "fabric", "notebook", "dark-desk"] as const;
export type Surface = (typeof SURFACES)[number];

export function drawSurface(ctx: SKRSContext2D, surface: Surface, width: number, height: number, random: Random): void {
  const fill = (style: string) => {
    ctx.fillStyle = style;
    ctx.fillRect(0, 0, width, height);
  };
  switch (surface) {
    case "wood": {
      const hue = random.int(20, 36);
      fill(`hsl(${hue}, ${random.int(35, 55)}%, ${random.int(28, 48)}%)`);
      for (let i = 0; i < 140; i++) {
        const y0 = random.range(-0.1, 1.1) * height;
        ctx.strokeStyle = `hsla(${hue + random.int(-6, 6)}, 50%, ${random.int(15, 55)}%, ${random.range(0.15, 0.5)})`;
        ctx.lineWidth = random.range(1, 6);
        ctx.beginPath();
        const amp = random.range(3, 25);
        const period = random.range(200, 900);
        for (let x = 0; x <= width; x += 20) ctx.lineTo(x, y0 + amp * Math.sin(x / period * Math.PI * 2 + i));
        ctx.stroke();
      }
      break;
    }
    case "grey-desk":
    case "dark-desk": {
      const light = surface === "grey-desk" ? random.int(62, 86) : random.int(8, 20);
      fill(`hsl(${random.int(190, 230)}, ${random.int(3, 12)}%, ${light}%)`);
      for (let i = 0; i < 900; i++) {
        ctx.fillStyle = `rgba(${random.chance(0.5) ? "255,255,255" : "0,0,0"}, ${random.range(0.03, 0.12)})`;
        ctx.fillRect(random.next() * width, random.next() * height, random.range(1, 3), random.range(1, 3));
      }
      break;
    }
    case "fabric": {
      fill(`hsl(${random.int(0, 359)}, ${random.int(20, 45)}%, ${random.int(30, 60)}%)`);
      ctx.lineWidth = 2;
      for (let d = -height; d < width; d += 6) {
        ctx.strokeStyle = "rgba(0,0,0,0.10)";
        ctx.beginPath(); ctx.moveTo(d, 0); ctx.lineTo(d + height, height); ctx.stroke();
        ctx.strokeStyle = "rgba(255,255,255,0.07)";
        ctx.beginPath(); ctx.moveTo(d + height, 0); ctx.lineTo(d, height); ctx.stroke();
      }
      break;
    }
    case "notebook": {
      fill(`hsl(50, 30%, ${random.int(90, 96)}%)`);
      const gap = random.range(28, 44);
      ctx.strokeStyle = "rgba(80, 120, 200, 0.45)";
      ctx.lineWidth = 2;
      for (let y = gap; y < height; y += gap) { ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(width, y); ctx.stroke(); }
      ctx.strokeStyle = "rgba(210, 60, 60, 0.5)";
      const margin = random.range(0.05, 0.2) * width;
      ctx.beginPath(); ctx.moveTo(margin, 0); ctx.lineTo(margin, height); ctx.stroke();
      break;
    }
  }
  // Light falls off towards the edges of every photo taken on a desk.
  const vignette = ctx.createRadialGradient(width / 2, height / 2, Math.min(width, height) * 0.3, width / 2, height / 2, Math.max(width, height) * 0.75);
  vignette.addColorStop(0, "rgba(0,0,0,0)");
  vignette.addColorStop(1, `rgba(0,0,0,${random.range(0.1, 0.35)})`);
  ctx.fillStyle = vignette;
  ctx.fillRect(0, 0, width, height);
}

/** A ballpoint pen lying somewhere on the desk, drawn before the card so the card may cover it. */
export function drawPen(ctx: SKRSContext2D, width: number, height: number, random: Random): void {
  ctx.save();
  ctx.translate(random.next() * width, random.chance(0.5) ? random.range(0, 0.15) * height : random.range(0.85, 1) * height);
  ctx.rotate(random.range(-Math.PI, Math.PI));
  const length = random.range(0.3, 0.5) * width;
  const thickness = Math.max(10, length * 0.05);
  ctx.shadowColor = "rgba(0,0,0,0.45)";
  ctx.shadowBlur = 12;
  ctx.shadowOffsetY = 6;
  const body = ctx.createLinearGradient(0, -thickness / 2, 0, thickness / 2);
  const hue = random.int(0, 359);
  body.addColorStop(0, `hsl(${hue}, 60%, 60%)`);
  body.addColorStop(0.5, `hsl(${hue}, 60%, 35%)`);
  body.addColorStop(1, `hsl(${hue}, 60%, 20%)`);
  ctx.fillStyle = body;
  ctx.beginPath();
  ctx.roundRect(-length / 2, -thickness / 2, length, thickness, thickness / 2);
  ctx.fill();
  ctx.restore();
}
