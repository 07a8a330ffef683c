import type { PeerInfo, Recommendation, RuleReport } from '../analysis/types.js';
import { esc } from './html-escape.js';
import { STYLE } from './html-style.js';
import { barChart, portStrip } from './svg.js';
import { backtestText, countBy, endpointText, newlyDeniedText, PROTOCOLS, ruleFields } from './text.js';

/**
 * A self-contained HTML document (inline CSS and SVG, no scripts or external assets) that a network
 * engineer can take to a change review or print.
 */
export function renderHtml(report: RuleReport): string {
  const recs = report.recommendations;
  const stats = countBy(recs, (r) => r.action);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>NSG rule review ${esc(report.window.from.slice(0, 10))} – ${esc(report.window.to.slice(0, 10))}</title><style>${STYLE}</style></head>
<body>
<h1>NSG rule review</h1>
<div class="muted">Window ${esc(report.window.from)} → ${esc(report.window.to)} · generated ${esc(report.generatedAt)} by flowlens</div>
<div class="cards"><div class="stat"><b>${recs.length}</b>recommendations</div>${stats.map(([a, n]) => `<div class="stat"><b>${n}</b>${esc(a)}</div>`).join('')}<div class="stat"><b>${report.insufficientData.length}</b>without verdict</div></div>
<h2>By category</h2>${
    recs.length
      ? barChart(
          countBy(
            recs.flatMap((r) => r.categories),
            (c) => c,
          ),
        )
      : '<p class="muted">No recommendations.</p>'
  }
<h2>Flow-log coverage</h2><p class="muted">Share of the window with flow logs for each NSG; "unused" is only claimed where coverage is sufficient.</p>
${
  report.coverage.length
    ? barChart(
        report.coverage.map((c) => [c.nsg, c.coverage] as [string, number]),
        { max: 1, unit: '%' },
      )
    : ''
}
<h2>Summary</h2>
<table><tr><th>severity</th><th>NSG</th><th>rule</th><th>action</th><th>categories</th></tr>
${recs.map((r, i) => `<tr><td><span class="badge ${r.severity}">${r.severity}</span></td><td>${esc(r.nsg)}</td><td><a href="#r${i}">${esc(r.rule)}</a></td><td>${r.action}</td><td>${esc(r.categories.join(', '))}</td></tr>`).join('\n')}
</table>
${recs.map((r, i) => recommendation(r, i, report.peers)).join('\n')}
${report.insufficientData.length ? `<h2>Insufficient data</h2><ul>${report.insufficientData.map((i) => `<li>${esc(i.nsg)} / ${esc(i.rule)}: ${esc(i.reason)}</li>`).join('')}</ul>` : ''}
${report.notes.length ? `<h2>Notes</h2><ul>${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
</body></html>
`;
}

function recommendation(r: Recommendation, i: number, peers: Record<string, PeerInfo> | undefined): string {
  const cur = ruleFields(r.current);
  const prop = r.proposed ? ruleFields(r.proposed) : null;
  const rows = cur.map(([k, v], j) => {
    const p = prop?.[j]?.[1];
    return `<tr><th>${k}</th><td>${esc(v)}</td>${prop ? `<td${p !== v ? ' class="changed"' : ''}>${esc(p ?? '')}</td>` : ''}</tr>`;
  });
  const ev = r.evidence;
  return `<section class="rec ${r.severity}" id="r${i}">
<h3>${esc(r.nsg)} / ${esc(r.rule)}</h3>
<div><span class="badge ${r.severity}">${r.severity}</span><span class="badge action">${r.action}</span><span class="muted">${esc(r.categories.join(' · '))} · ${esc(r.resourceGroup)}</span></div>
<p>${esc(r.reason)}</p>
<table><tr><th></th><th>current</th>${prop ? '<th>proposed</th>' : ''}</tr>${rows.join('')}</table>
<p class="muted">Destination ports</p>${portStrip(r.current.destinationPorts, r.proposed?.destinationPorts ?? null, ev.observedPorts)}
<div class="legend"><span><i style="background:#ffb3a7"></i>allowed ports</span>${prop ? '<span><i style="background:#1a7f37"></i>proposed</span>' : ''}<span><i style="background:#0550ae"></i>observed</span></div>
${r.unusedAttributes.length ? `<p><b>Never used in the window:</b></p><ul>${r.unusedAttributes.map((u) => `<li>${esc(u)}</li>`).join('')}</ul>` : ''}
<p><b>Evidence:</b> ${plural(ev.hits, 'flow')} from ${plural(ev.distinctSources, 'source')} · ports ${esc(ev.observedPorts.join(', ') || '–')} · first ${esc(ev.firstHit ?? '–')} · last ${esc(ev.lastHit ?? '–')}${ev.formats.length ? ` · ${esc(ev.formats.join(', '))}` : ''}</p>
${ev.sampleFlows.length ? `<table><tr><th>time</th><th>source</th><th>destination</th><th>protocol</th><th>action</th></tr>${ev.sampleFlows.map((f) => `<tr><td>${esc(f.time)}</td><td>${esc(endpointText(f.srcIp, f.srcPort, peers))}</td><td>${esc(endpointText(f.dstIp, f.dstPort, peers))}</td><td>${PROTOCOLS[f.protocol] ?? f.protocol}</td><td>${f.action}</td></tr>`).join('')}</table>` : ''}
<p><b>What-if:</b> newly denied ${esc(newlyDeniedText(r))} · <b>backtest:</b> ${esc(backtestText(r.whatIf?.backtest))}</p>
${r.whatIf?.newlyDenied.length ? `<table><tr><th>source</th><th>destination</th><th>flows</th></tr>${r.whatIf.newlyDenied.map((d) => `<tr><td>${esc(d.srcIp)}</td><td>${esc(d.dstIp)}:${d.dstPort}</td><td>${d.hits}</td></tr>`).join('')}</table>` : ''}
<p><b>Azure CLI</b></p><pre>${esc(r.commands.az)}</pre>
<p><b>Bicep</b></p><pre>${esc(r.commands.bicep)}</pre>
<p><b>Terraform</b></p><pre>${esc(r.commands.terraform)}</pre>
</section>`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
