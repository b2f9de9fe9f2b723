/** What the public answers link to and are signed by: the public base URL and the issuing office. */
import { configSchema } from '../config.js';
import type { AppDeps } from './deps.js';

/** Links are absolute: API_PUBLIC_URL, else (development) the origin the request came to. */
export function publicBase(deps: AppDeps, req: { protocol: string; host: string }): string {
  return (deps.publicUrl ?? `${req.protocol}://${req.host}`).replace(/\/$/, '');
}

export const publicSenderDefault = {
  id: configSchema.shape.NOTIFY_SENDER_ID.parse(undefined),
  name: configSchema.shape.NOTIFY_SENDER_NAME.parse(undefined),
};
