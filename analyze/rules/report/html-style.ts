/** Inline stylesheet of the HTML report: readable on screen, one recommendation per block in print. */
export const STYLE = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--card:#f6f8fa;--high:#cf222e;--medium:#bc4c00;--low:#9a6700;--info:#0969da;--ok:#1a7f37}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1000px;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:16px;margin:0 0 6px}
.muted{color:var(--muted)}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}.stat{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:120px}
.stat b{display:block;font-size:22px}table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--card);font-weight:600}td.changed{background:#dafbe1;font-weight:600}.rec{border:1px solid var(--line);border-left:6px solid var(--info);border-radius:6px;padding:14px 16px;margin:16px 0;break-inside:avoid;page-break-inside:avoid}
.rec.high,.rec.critical{border-left-color:var(--high)}.rec.medium{border-left-color:var(--medium)}.rec.low{border-left-color:var(--low)}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff;background:var(--info);margin-right:4px}
.badge.high,.badge.critical{background:var(--high)}.badge.medium{background:var(--medium)}.badge.low{background:var(--low)}.badge.action{background:#6e7781}
pre{background:#0d1117;color:#e6edf3;padding:10px;border-radius:6px;overflow-x:auto;white-space:pre-wrap;word-break:break-all;font-size:12px}
.chart text{font-size:11px;fill:var(--fg)}.chart .bar{fill:#54aeff}.chart .threshold{stroke:var(--high);stroke-dasharray:4 3}
.chart .track{fill:#eaeef2}.chart .allowed{fill:#ffb3a7}.chart .proposed{fill:var(--ok)}.chart .tick{stroke:#0550ae;stroke-width:1.5}
.legend span{display:inline-block;margin-right:12px;font-size:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
ul{margin:4px 0 8px 20px;padding:0}
@media print{body{max-width:none;padding:0;font-size:11px}pre{background:#fff;color:#000;border:1px solid #999}.rec{border-left-width:4px}a{color:inherit;text-decoration:none}}
`;
