import type { RuleReport } from '../analysis/types.js';
import { renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';

export const REPORT_FORMATS = ['json', 'md', 'html', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Renders a rule report; JSON is the stable contract, the others are views of it. */
export function renderReport(report: RuleReport, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'md':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report);
    case 'csv':
      return renderCsv(report);
  }
}
