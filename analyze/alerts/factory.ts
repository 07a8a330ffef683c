import type { AlertsConfig, ChannelConfig } from '../../core/config/sections/alerts.js';
import type { AlertChannel } from './channel.js';
import { slackChannel } from './slack.js';
import { syslogChannel } from './syslog.js';
import { teamsChannel } from './teams.js';
import { webhookChannel } from './webhook.js';

/** Builds the configured channels (inert until the first send). */
export function createChannels(config: AlertsConfig, version = '0.1.0'): AlertChannel[] {
  return config.channels.map((c) => createChannel(c, config.publicUrl, version));
}

export function createChannel(
  c: ChannelConfig,
  publicUrl: string | undefined,
  version: string,
): AlertChannel {
  switch (c.type) {
    case 'webhook':
      return webhookChannel({ name: c.name, url: c.url, secret: c.secret, headers: c.headers, publicUrl });
    case 'slack':
      return slackChannel({ name: c.name, url: c.url, publicUrl });
    case 'teams':
      return teamsChannel({ name: c.name, url: c.url, publicUrl });
    case 'syslog':
      return syslogChannel(c, version);
  }
}
