import type { Finding } from '../../core/finding.js';
import { type AlertChannel, findingLink, subjectFacts, summaryLine } from './channel.js';
import { postBody } from './http.js';

const EMOJI: Record<string, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  info: ':white_circle:',
};

/**
 * Slack incoming-webhook payload: `text` (notification fallback) plus Block Kit blocks — a header,
 * the reason, up to 10 fields (Slack's limit per section) and the finding id.
 * @see https://api.slack.com/messaging/webhooks
 * @see https://api.slack.com/reference/block-kit/blocks#section
 */
export function slackPayload(f: Finding, publicUrl?: string): object {
  const link = findingLink(f, publicUrl);
  const fields = subjectFacts(f)
    .slice(0, 10)
    .map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${escapeMrkdwn(v)}` }));
  return {
    text: summaryLine(f),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: `${summaryLine(f)}`.slice(0, 150), emoji: true } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `${EMOJI[f.severity] ?? ''} ${escapeMrkdwn(f.reason || f.title)}` },
      },
      { type: 'section', fields },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: link ? `<${link}|Open finding ${f.id}>` : `flowlens finding ${f.id}` },
        ],
      },
    ],
  };
}

/** Slack mrkdwn needs only &, < and > escaped. */
function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackChannel(opts: {
  name: string;
  url: string;
  publicUrl?: string | undefined;
}): AlertChannel {
  const render = (f: Finding) => JSON.stringify(slackPayload(f, opts.publicUrl));
  return {
    name: opts.name,
    type: 'slack',
    render,
    send: (f, signal) => postBody(opts.url, render(f), {}, signal),
    close: async () => {},
  };
}
