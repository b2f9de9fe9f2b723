import pino from 'pino';

/** The process-wide structured logger (JSON lines). */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { service: 'smog-response' },
  timestamp: pino.stdTimeFunctions.isoTime,
});
