// How a replica takes part in leader election, from its environment (the Deployment sets these
// through the downward API; see docs/install.md, "Several replicas"). Durations follow client-go's
// defaults and its rule that renewDeadline < leaseDuration (the old leader must stop before anyone
// can take over) and retryPeriod < renewDeadline (a leader gets several tries per deadline).
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { haError } from './errors.ts';
import { MAX_SHARDS_DEFAULT } from './state-codec.ts';
import { PUBLISH_BYTES_PER_SECOND_DEFAULT } from './leader-role.ts';

export interface HaSettings {
  readonly identity: string;
  readonly namespace: string;
  readonly leaseName: string;
  /** The state head ConfigMap; shards are `<name>-<i>`, rescan requests `<name>-requests`. */
  readonly stateName: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  /** Shard ConfigMaps of the state the Role names (HA_STATE_MAX_SHARDS); default MAX_SHARDS_DEFAULT. */
  readonly stateMaxShards?: number;
  /** State bytes per second scan-driven publishes average at most (HA_STATE_PUBLISH_BYTES_PER_SECOND; leader-role.ts). */
  readonly publishBytesPerSecond?: number;
}

const NAME = /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/;

function seconds(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback * 1000;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 3600) throw haError('REPLICAS_SETTINGS_INVALID', `${key}="${raw}" must be a number of seconds between 0 and 3600`);
  return Math.round(value * 1000);
}

function count(env: NodeJS.ProcessEnv, key: string, fallback: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw haError('REPLICAS_SETTINGS_INVALID', `${key}="${raw}" must be a whole number between 1 and ${max}`);
  return Number(raw);
}

function wholeNumber(env: NodeJS.ProcessEnv, key: string, fallback: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw haError('REPLICAS_SETTINGS_INVALID', `${key}="${raw}" must be a whole number between 1 and ${max}`);
  return Number(raw);
}

function name(env: NodeJS.ProcessEnv, key: string, fallback: string): string {
  const value = env[key] || fallback;
  if (!NAME.test(value)) throw haError('REPLICAS_SETTINGS_INVALID', `${key}="${value}" is not a Kubernetes object name (lower-case letters, digits, '-', '.'; at most 63)`);
  return value;
}

function podNamespace(env: NodeJS.ProcessEnv, serviceAccountDir: string): string {
  if (env.POD_NAMESPACE) return env.POD_NAMESPACE;
  try {
    return readFileSync(`${serviceAccountDir}/namespace`, 'utf8').trim();
  } catch {
    return 'argocd';
  }
}

export function haSettingsFrom(env: NodeJS.ProcessEnv, serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount'): HaSettings {
  const leaseDurationMs = seconds(env, 'HA_LEASE_DURATION_SECONDS', 15);
  const renewDeadlineMs = seconds(env, 'HA_RENEW_DEADLINE_SECONDS', 10);
  const retryPeriodMs = seconds(env, 'HA_RETRY_PERIOD_SECONDS', 2);
  if (renewDeadlineMs >= leaseDurationMs) throw haError('REPLICAS_SETTINGS_INVALID', 'HA_RENEW_DEADLINE_SECONDS must be shorter than HA_LEASE_DURATION_SECONDS, so an old leader stops before a new one can start');
  if (retryPeriodMs >= renewDeadlineMs) throw haError('REPLICAS_SETTINGS_INVALID', 'HA_RETRY_PERIOD_SECONDS must be shorter than HA_RENEW_DEADLINE_SECONDS');
  const identity = env.POD_NAME || hostname();
  if (identity.length === 0 || identity.length > 253) throw haError('REPLICAS_SETTINGS_INVALID', 'POD_NAME must be 1 to 253 characters');
  return {
    identity,
    namespace: name(env, 'POD_NAMESPACE', podNamespace(env, serviceAccountDir)),
    leaseName: name(env, 'HA_LEASE_NAME', 'argocd-image-plugins'),
    stateName: name(env, 'HA_STATE_NAME', 'argocd-image-plugins-state'),
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs,
    stateMaxShards: count(env, 'HA_STATE_MAX_SHARDS', MAX_SHARDS_DEFAULT, 256),
    publishBytesPerSecond: wholeNumber(env, 'HA_STATE_PUBLISH_BYTES_PER_SECOND', PUBLISH_BYTES_PER_SECOND_DEFAULT, 2 ** 30),
  };
}
