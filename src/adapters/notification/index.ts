/** Notification adapter: channels, delivery log, CAP 1.2 public warnings, plan-template messages. */
import type pg from 'pg';
import type { Config } from '../../config.js';
import { createChannels } from './channels.js';
import { createNotifier, type Notifier } from './notifier.js';
import { loadRecipientRoutes } from './routes.js';
import { createThrottle, parseChannelLimits } from './throttle.js';
import type { SenderIdentity } from './types.js';

export * from './cap.js';
export * from './cap-feed.js';
export * from './cap-publish.js';
export * from './cap-sign.js';
export * from './gbt35965.js';
export * from './period.js';
export * from './sms-providers.js';
export * from './sms-template.js';
export * from './channels.js';
export * from './messages.js';
export * from './notifier.js';
export * from './routes.js';
export * from './throttle.js';
export * from './types.js';

/** The sender identity from config. */
export function senderFromConfig(config: Config): SenderIdentity {
  return {
    id: config.NOTIFY_SENDER_ID,
    name: config.NOTIFY_SENDER_NAME,
    smsSignature: config.NOTIFY_SMS_SIGNATURE,
    emailFrom: config.SMTP_FROM,
  };
}

/** A notifier wired from config: routes file (default: log only), SMTP and SMS gateway settings. */
export async function createNotifierFromConfig(pool: pg.Pool, config: Config): Promise<Notifier> {
  const routes = await loadRecipientRoutes(config.NOTIFY_ROUTES_FILE);
  const channels = createChannels({
    httpTimeoutMs: config.NOTIFY_HTTP_TIMEOUT_MS,
    ...(config.SMTP_HOST
      ? {
          smtp: {
            host: config.SMTP_HOST,
            port: config.SMTP_PORT,
            secure: config.SMTP_SECURE,
            ...(config.SMTP_USER
              ? { auth: { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } }
              : {}),
          },
        }
      : {}),
    ...(config.SMS_PROVIDER !== 'gateway' && config.SMS_GATEWAY_URL
      ? {
          smsProvider: {
            provider: config.SMS_PROVIDER,
            url: config.SMS_GATEWAY_URL,
            accessKeyId: config.SMS_ACCESS_KEY_ID ?? '',
            accessKeySecret: config.SMS_ACCESS_KEY_SECRET ?? '',
            ...(config.SMS_SDK_APP_ID ? { sdkAppId: config.SMS_SDK_APP_ID } : {}),
            ...(config.SMS_REGION ? { region: config.SMS_REGION } : {}),
          },
        }
      : {}),
    ...(config.SMS_GATEWAY_URL
      ? {
          sms: {
            url: config.SMS_GATEWAY_URL,
            bodyTemplate: config.SMS_GATEWAY_BODY_TEMPLATE,
            ...(config.SMS_GATEWAY_TOKEN ? { token: config.SMS_GATEWAY_TOKEN } : {}),
          },
        }
      : {}),
  });
  const throttle = createThrottle(parseChannelLimits(config.NOTIFY_CHANNEL_LIMITS), {
    maxWaitMs: config.NOTIFY_THROTTLE_MAX_WAIT_MS,
  });
  return createNotifier({ pool, routes, channels, throttle, sender: senderFromConfig(config) });
}
