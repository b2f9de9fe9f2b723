/**
 * How the API, the worker and the CLIs reach Temporal: Temporal's standard environment configuration
 * (@temporalio/envconfig: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS,
 * TEMPORAL_TLS_CLIENT_CERT_PATH / _KEY_PATH, TEMPORAL_TLS_SERVER_CA_CERT_PATH, TEMPORAL_TLS_SERVER_NAME,
 * TEMPORAL_GRPC_META_*, TEMPORAL_CONFIG_FILE + TEMPORAL_PROFILE), so a self-hosted cluster with mTLS
 * or a managed Temporal with an API key works without code. In production a plaintext connection to
 * anything but loopback is refused unless TEMPORAL_TLS=false says it is wanted.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { type Config, ConfigError } from '../config.js';

export interface TemporalConnectConfig {
  connectionOptions: NativeConnectionOptions;
  namespace: string;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+$/;

export function temporalConnectConfig(
  config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'NODE_ENV'>,
  env: NodeJS.ProcessEnv = process.env,
): TemporalConnectConfig {
  const vars = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({
      overrideEnvVars: vars,
      ...(vars.TEMPORAL_CONFIG_FILE ? {} : { disableFile: true }),
    });
  } catch (err) {
    throw new ConfigError(`invalid Temporal connection settings: ${(err as Error).message}`);
  }
  // The validated config (itself from TEMPORAL_ADDRESS/TEMPORAL_NAMESPACE) wins, unless only a
  // config-file profile names them.
  const fromFile = (envName: string, value: string | undefined) =>
    vars[envName] === undefined ? value : undefined;
  const connectionOptions: NativeConnectionOptions = {
    ...loaded.connectionOptions,
    address: fromFile('TEMPORAL_ADDRESS', loaded.connectionOptions.address) ?? config.TEMPORAL_ADDRESS,
  };
  for (const k of ['apiKey', 'tls', 'metadata'] as const) {
    if (connectionOptions[k] === undefined) delete connectionOptions[k];
  }
  const address = connectionOptions.address ?? '';
  if (
    config.NODE_ENV === 'production' &&
    connectionOptions.tls === undefined &&
    !LOOPBACK.test(address) &&
    vars.TEMPORAL_TLS?.toLowerCase() !== 'false'
  ) {
    throw new ConfigError(
      `Temporal at ${address} without TLS: set TEMPORAL_TLS_CLIENT_CERT_PATH/_KEY_PATH/SERVER_CA_CERT_PATH ` +
        '(mTLS) or TEMPORAL_API_KEY, or TEMPORAL_TLS=false to accept a plaintext connection',
    );
  }
  return {
    connectionOptions,
    namespace: fromFile('TEMPORAL_NAMESPACE', loaded.namespace) ?? config.TEMPORAL_NAMESPACE,
  };
}
