/** The back-office's stylesheet, served as assets/admin.css under the back-office's prefix (a module, so that it ships in every build). */
export const ADMIN_CSS = `
:root { --ink:#1d2430; --muted:#5b6575; --line:#d8dde5; --bg:#f6f7f9; --panel:#fff; --accent:#1f5fbf; --ok:#1e6b3a; --bad:#a32020; --warn:#8a5a00; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
a { color:var(--accent); }
.skip { position:absolute; left:-999px; } .skip:focus { left:8px; top:8px; background:#fff; padding:4px 8px; }
header.top { display:flex; align-items:center; gap:24px; padding:8px 20px; background:#18202c; color:#e8edf3; }
header.top a { color:#e8edf3; text-decoration:none; } header.top a[aria-current=page] { text-decoration:underline; font-weight:600; }
.brand { font-weight:600; letter-spacing:.02em; }
nav { display:flex; align-items:center; flex:1; gap:16px; } nav ul { display:flex; gap:16px; list-style:none; margin:0; padding:0; flex:1; }
.logout { display:flex; gap:10px; align-items:center; } .who { color:#b8c2cf; }
main { max-width:1280px; margin:0 auto; padding:16px 20px 40px; }
h1 { font-size:20px; margin:8px 0 12px; } h2 { font-size:15px; margin:18px 0 8px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); }
table { border-collapse:collapse; width:100%; background:var(--panel); border:1px solid var(--line); }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:middle; }
th { background:#eef1f5; font-weight:600; font-size:13px; } caption { text-align:left; padding:4px 0; color:var(--muted); }
tr.selected { outline:2px solid var(--accent); outline-offset:-2px; }
.mono, code { font-family:ui-monospace, "DejaVu Sans Mono", monospace; font-size:12.5px; } .wrap { word-break:break-all; }
.alert { padding:8px 12px; border-radius:4px; border:1px solid; } .alert.error { color:var(--bad); background:#fdf0f0; } .alert.ok { color:var(--ok); background:#eef8f1; }
.hint, .empty { color:var(--muted); }
form.narrow { display:grid; gap:6px; max-width:340px; }
label { font-weight:500; } input, select, textarea, button { font:inherit; }
input, select, textarea { padding:5px 7px; border:1px solid #9aa4b2; border-radius:3px; background:#fff; color:var(--ink); }
button { padding:5px 12px; border:1px solid #7d8796; border-radius:3px; background:#fff; color:var(--ink); cursor:pointer; }
button.primary { background:var(--accent); border-color:var(--accent); color:#fff; margin-top:6px; }
form.inline { display:inline; } .filters { display:flex; flex-wrap:wrap; gap:10px; align-items:end; margin-bottom:8px; } .filters label { display:grid; gap:2px; font-size:13px; }
kbd { border:1px solid var(--line); border-bottom-width:2px; border-radius:3px; padding:0 4px; font-size:12px; background:#fff; }
dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:2px 16px; background:var(--panel); border:1px solid var(--line); padding:10px 14px; margin:0; }
dl.facts dt, dl.pairs dt { color:var(--muted); } dl.facts dd, dl.pairs dd { margin:0; }
dl.pairs { display:grid; grid-template-columns:max-content 1fr; gap:2px 16px; margin:0; }
.columns { display:grid; grid-template-columns:minmax(0,3fr) minmax(0,2fr); gap:24px; }
.shot { margin:0 0 12px; background:var(--panel); border:1px solid var(--line); padding:8px; }
.shot figcaption { color:var(--muted); font-size:12.5px; margin-top:4px; }
button.zoom { display:block; padding:0; border:0; background:none; cursor:zoom-in; max-width:100%; overflow:hidden; }
button.zoom img { display:block; max-width:100%; max-height:420px; width:auto; height:auto; }
button.zoom.zoomed { max-width:none; overflow:auto; cursor:zoom-out; } button.zoom.zoomed img { max-width:none; max-height:none; width:200%; }
.decide { display:grid; gap:6px; background:var(--panel); border:1px solid var(--line); padding:12px; min-width:0; }
.decide select, .decide textarea { width:100%; min-width:0; } fieldset { min-width:0; margin:0; }
.columns > section { min-width:0; }
fieldset { border:1px solid var(--line); display:grid; gap:4px; } legend { font-weight:600; }
.status { padding:1px 6px; border-radius:3px; background:#eef1f5; font-size:12.5px; }
.status-review, .status-pending { background:#fff4dc; color:var(--warn); } .status-approved, .status-delivered { background:#e3f3e8; color:var(--ok); }
.status-declined, .status-failed { background:#fbe6e6; color:var(--bad); }
ol.timeline { list-style:none; padding:0; margin:0; background:var(--panel); border:1px solid var(--line); } ol.timeline li { padding:4px 10px; border-bottom:1px solid var(--line); }
ol.timeline time { color:var(--muted); font-variant-numeric:tabular-nums; }
td.actions { white-space:nowrap; } td.actions form { margin-right:4px; }
.enrol { display:flex; gap:20px; align-items:flex-start; margin-bottom:16px; } .enrol dd { margin:0 0 8px; } figure.qr { margin:0; width:200px; background:#fff; border:1px solid var(--line); padding:6px; }
figure.chart { margin:0 0 16px; background:var(--panel); border:1px solid var(--line); padding:8px 10px; max-width:760px; }
figure.chart details { margin-top:6px; } figure.chart table { margin-top:6px; }
dl.figures { max-width:760px; margin-bottom:8px; }
`;
