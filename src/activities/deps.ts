/** What the activities need — PostgreSQL, the notifier, the sender identity, the power company's API — and how to build it. */
import type pg from 'pg';
import { createNotifierFromConfig, senderFromConfig } from '../adapters/notification/index.js';
import { type CapSigner, capSignerFromFiles } from '../adapters/notification/cap-sign.js';
import { type Notifier, createNotifier } from '../adapters/notification/notifier.js';
import { type AirApiSettings, airApiSettings } from '../adapters/air-quality/provincial.js';
import { type PowerApiSettings, powerApiSettings } from '../adapters/power/index.js';
import { LOG_ONLY_ROUTES } from '../adapters/notification/routes.js';
import type { SenderIdentity } from '../adapters/notification/types.js';
import type { Config } from '../config.js';

export interface ActivityDeps {
  pool: pg.Pool;
  notifier: Notifier;
  sender: SenderIdentity;
  /** The power company's readings API; absent = readings arrive only by file import. */
  powerApi?: PowerApiSettings;
  /** The provincial air-quality platform (AIR_API_*); absent = station data arrive only by file import. */
  airApi?: AirApiSettings;
  /** Signs public warnings (CAP_SIGNING_KEY_FILE / CAP_SIGNING_CERT_FILE); absent = unsigned. */
  capSigner?: CapSigner;
}

/** The activities' dependencies from configuration: notification channels, recipient routes, PostgreSQL. */
export async function activityDepsFromConfig(config: Config, pool: pg.Pool): Promise<ActivityDeps> {
  const signer = await capSignerFromFiles(config.CAP_SIGNING_KEY_FILE, config.CAP_SIGNING_CERT_FILE);
  return {
    pool,
    sender: senderFromConfig(config),
    notifier: await createNotifierFromConfig(pool, config),
    ...(config.POWER_API_BASE_URL && config.POWER_API_TOKEN ? { powerApi: powerApiSettings(config) } : {}),
    ...(airApiSettings(config) ? { airApi: airApiSettings(config) } : {}),
    ...(signer ? { capSigner: signer } : {}),
  };
}

/** Dependencies for tests and exercises: every message goes to the PostgreSQL delivery log only. */
export function logOnlyActivityDeps(pool: pg.Pool, sender?: Partial<SenderIdentity>): ActivityDeps {
  const full: SenderIdentity = {
    id: 'smog-response@chaoyang.example.gov.cn',
    name: '朝阳市重污染天气专项应急指挥部办公室',
    smsSignature: '朝阳生态环境',
    emailFrom: 'smog-response@chaoyang.example.gov.cn',
    ...sender,
  };
  return { pool, sender: full, notifier: createNotifier({ pool, routes: LOG_ONLY_ROUTES, sender: full }) };
}
