import pino from 'pino';
import { traceLogFields } from './ops/trace-fields.js';

/** The process-wide structured logger (JSON lines); with tracing on, lines carry trace_id and request_id. */
export const logger = pino({
  mixin: traceLogFields,
  level: process.env.LOG_LEVEL ?? 'info',
  base: { service: 'smog-response' },
  timestamp: pino.stdTimeFunctions.isoTime,
});
