import { egress } from './pages/egress.js';
import { exposure } from './pages/exposure.js';
import { findings } from './pages/findings.js';
import { flows } from './pages/flows.js';
import { geography } from './pages/geography.js';
import { ingest } from './pages/ingest.js';
import { overview } from './pages/overview.js';
import { rules } from './pages/rules.js';
import { segmentation } from './pages/segmentation.js';
import { get } from './state.js';
import { disposeCharts } from './ui/charts.js';
import { topBar } from './ui/controls.js';
import { clear, h } from './ui/dom.js';

const PAGES: Record<string, () => HTMLElement> = {
  '/': overview,
  '/exposure': exposure,
  '/egress': egress,
  '/geography': geography,
  '/findings': findings,
  '/rules': rules,
  '/segmentation': segmentation,
  '/flows': flows,
  '/ingest': ingest,
};

let timer: number | undefined;

/** Renders the page the URL names; every state change re-renders from the URL. */
function render(): void {
  const root = document.getElementById('app')!;
  disposeCharts();
  clear(root);
  const page = PAGES[location.pathname] ?? overview;
  root.append(topBar(), h('main', {}, page()), attribution());
  window.clearTimeout(timer);
  const refresh = Number(get('refresh'));
  if (refresh > 0) timer = window.setTimeout(render, refresh * 1000);
  document.body.dataset.page = location.pathname;
}

/** Data licences that ask for attribution where results are shown (NOTICE). */
function attribution(): HTMLElement {
  return h(
    'footer',
    { class: 'muted attribution' },
    'IP to ASN and country data: ',
    h('a', { href: 'https://db-ip.com', target: '_blank', rel: 'noopener' }, 'IP Geolocation by DB-IP'),
    ' and RouteViews (CC BY 4.0), via ip-location-db.',
  );
}

window.addEventListener('popstate', render);
window.addEventListener('flowlens:state', render);
render();
