import type { Finding } from '../../core/finding.js';
import { type AlertChannel, findingLink, subjectFacts, summaryLine } from './channel.js';
import { postBody } from './http.js';

const COLOR: Record<string, string> = {
  critical: 'Attention',
  high: 'Attention',
  medium: 'Warning',
  low: 'Accent',
  info: 'Default',
};

/**
 * Teams workflow webhook ("When a Teams webhook request is received"): a message whose attachment
 * is an Adaptive Card (schema 1.4, the version Teams renders).
 * @see https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook
 * @see https://adaptivecards.io/explorer/FactSet.html
 */
export function teamsPayload(f: Finding, publicUrl?: string): object {
  const link = findingLink(f, publicUrl);
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              text: summaryLine(f),
              weight: 'Bolder',
              size: 'Medium',
              wrap: true,
              color: COLOR[f.severity] ?? 'Default',
            },
            { type: 'TextBlock', text: f.reason || f.title, wrap: true },
            { type: 'FactSet', facts: subjectFacts(f).map(([title, value]) => ({ title, value })) },
          ],
          ...(link ? { actions: [{ type: 'Action.OpenUrl', title: 'Open finding', url: link }] } : {}),
        },
      },
    ],
  };
}

export function teamsChannel(opts: {
  name: string;
  url: string;
  publicUrl?: string | undefined;
}): AlertChannel {
  const render = (f: Finding) => JSON.stringify(teamsPayload(f, opts.publicUrl));
  return {
    name: opts.name,
    type: 'teams',
    render,
    send: (f, signal) => postBody(opts.url, render(f), {}, signal),
    close: async () => {},
  };
}
