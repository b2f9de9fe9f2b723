/** The part of autocannon 8's API the benchmark uses (the package ships no types). */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';
  interface Options {
    url: string;
    connections?: number;
    overallRate?: number;
    duration?: number;
    headers?: Record<string, string>;
    requests?: Array<{
      method?: string;
      path?: string;
      setupRequest?: (req: Record<string, unknown>) => Record<string, unknown>;
    }>;
  }
  function autocannon(options: Options): EventEmitter;
  export default autocannon;
}
