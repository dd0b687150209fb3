// Everything a CMP command needs to know, read from its environment. Two kinds of settings:
// - per Application, from `spec.source.plugin.env` (arriving as ARGOCD_ENV_<name>, name case kept)
//   and `spec.source.plugin.parameters` (ARGOCD_APP_PARAMETERS), Argo CD's config-management-plugins.md;
// - per sidecar, from the sidecar container's own env (ARGOCD_IMAGE_PLUGINS_*). An Application
//   cannot set those: Argo CD only passes ARGOCD_ENV_-prefixed names from the spec.
// Pure: the environment is an argument.
import { cmpError } from './errors.ts';
import { buildOverrideTable, parseOverridesJson, type OverrideTable } from './overrides.ts';
import { parseAppParameters, pluginParameters } from './parameters.ts';
import { buildImagePaths, type ImagePath } from './paths.ts';

export type Env = Readonly<Record<string, string | undefined>>;
export type RendererName = 'auto' | 'directory' | 'kustomize' | 'helm';
export const RENDERERS: readonly RendererName[] = ['auto', 'directory', 'kustomize', 'helm'];

export interface HelmOptions {
  readonly releaseName: string;
  /** The variable the release name came from, for messages. */
  readonly releaseNameFrom: string;
  readonly namespace: string | undefined;
  readonly namespaceFrom: string;
  readonly valuesFiles: readonly string[];
  readonly parameters: Readonly<Record<string, string>>;
  readonly kubeVersion: string | undefined;
  readonly apiVersions: readonly string[];
}

export interface FallbackOptions {
  readonly url: string;
  readonly tokenFile: string | undefined;
  readonly environment: string;
}

export interface CmpOptions {
  readonly renderer: RendererName;
  readonly strict: boolean;
  readonly allowEmpty: boolean;
  readonly recurse: boolean;
  readonly include: string | undefined;
  readonly exclude: string | undefined;
  readonly helm: HelmOptions;
  readonly overrides: OverrideTable;
  /** True when the Application gave overrides (even an empty object): the fallback is then off. */
  readonly overridesGiven: boolean;
  readonly paths: readonly ImagePath[];
  /** Set when the sidecar names the image service and the Application gave no overrides. */
  readonly fallback: FallbackOptions | undefined;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** `spec.source.path`, to find the repository root above the working directory. */
  readonly sourcePath: string | undefined;
}

export const OVERRIDES_VAR = 'ARGOCD_ENV_IMAGE_OVERRIDES';
/** Renderers must finish inside Argo CD's 60 s repo-server budget, which also pays for git and the tarball. */
export const DEFAULT_TIMEOUT_SECONDS = 45;
/** Below Argo CD's 100 MiB gRPC message cap (ARGOCD_GRPC_MAX_SIZE_MB). */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

function optionError(message: string): never {
  throw cmpError('CMP_OPTIONS_INVALID', message);
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  return optionError(`${name}="${env[name]}" is not a boolean; use true or false`);
}

function positive(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) optionError(`${name}="${raw}" must be a positive number`);
  return n;
}

function text(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

/** `ARGOCD_APP_NAME` is `<namespace>_<name>` for Applications outside the Argo CD namespace. */
function appName(env: Env): string | undefined {
  const raw = text(env, 'ARGOCD_APP_NAME');
  return raw?.includes('_') ? raw.slice(raw.indexOf('_') + 1) : raw;
}

function list(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export interface SidecarInputs {
  /** `cmp.extraImagePaths` from the config file named by ARGOCD_IMAGE_PLUGINS_CONFIG, if any. */
  readonly configImagePaths?: readonly string[];
}

/** Read and check every option; throws an AppError naming the first bad input. */
export function readOptions(env: Env, sidecar: SidecarInputs = {}): CmpOptions {
  const renderer = (text(env, 'ARGOCD_ENV_RENDERER') ?? 'auto') as RendererName;
  if (!RENDERERS.includes(renderer)) optionError(`ARGOCD_ENV_RENDERER="${renderer}" is not one of ${RENDERERS.join(', ')}`);

  const params = pluginParameters(parseAppParameters(env.ARGOCD_APP_PARAMETERS));
  const sources: { source: string; entries: Readonly<Record<string, unknown>> }[] = [];
  const envOverrides = env[OVERRIDES_VAR];
  if (envOverrides !== undefined) sources.push({ source: OVERRIDES_VAR, entries: parseOverridesJson(envOverrides, OVERRIDES_VAR) });
  if (params.images !== undefined) sources.push({ source: 'parameter "images"', entries: params.images });
  const overrides = buildOverrideTable(sources);

  const extraPaths = [...(sidecar.configImagePaths ?? []), ...list(env.ARGOCD_IMAGE_PLUGINS_EXTRA_IMAGE_PATHS)];
  const paths = buildImagePaths(extraPaths, 'ARGOCD_IMAGE_PLUGINS_EXTRA_IMAGE_PATHS / cmp.extraImagePaths');

  const url = text(env, 'ARGOCD_IMAGE_PLUGINS_URL');
  if (url !== undefined && !/^https?:\/\/[^/\s]+/.test(url)) optionError(`ARGOCD_IMAGE_PLUGINS_URL="${url}" must be an http(s) URL such as http://argocd-image-plugins.argocd.svc:8080`);
  const overridesGiven = sources.length > 0;
  const fallback = url !== undefined && !overridesGiven
    ? { url: url.replace(/\/+$/, ''), tokenFile: text(env, 'ARGOCD_IMAGE_PLUGINS_TOKEN_FILE'), environment: text(env, 'ARGOCD_ENV_IMAGE_ENVIRONMENT') ?? 'default' }
    : undefined;

  return {
    renderer,
    strict: flag(env, 'ARGOCD_ENV_STRICT', false),
    allowEmpty: flag(env, 'ARGOCD_ENV_ALLOW_EMPTY', false),
    recurse: flag(env, 'ARGOCD_ENV_RECURSE', false),
    include: text(env, 'ARGOCD_ENV_DIRECTORY_INCLUDE'),
    exclude: text(env, 'ARGOCD_ENV_DIRECTORY_EXCLUDE'),
    helm: {
      releaseName: text(env, 'ARGOCD_ENV_HELM_RELEASE_NAME') ?? appName(env) ?? 'release',
      releaseNameFrom: text(env, 'ARGOCD_ENV_HELM_RELEASE_NAME') !== undefined ? 'ARGOCD_ENV_HELM_RELEASE_NAME' : 'ARGOCD_APP_NAME',
      namespace: text(env, 'ARGOCD_ENV_HELM_NAMESPACE') ?? text(env, 'ARGOCD_APP_NAMESPACE'),
      namespaceFrom: text(env, 'ARGOCD_ENV_HELM_NAMESPACE') !== undefined ? 'ARGOCD_ENV_HELM_NAMESPACE' : 'ARGOCD_APP_NAMESPACE',
      valuesFiles: params.valuesFiles ?? list(env.ARGOCD_ENV_HELM_VALUES_FILES),
      parameters: params.helmParameters ?? {},
      kubeVersion: text(env, 'KUBE_VERSION'),
      apiVersions: list(env.KUBE_API_VERSIONS),
    },
    overrides,
    overridesGiven,
    paths,
    fallback,
    timeoutMs: positive(env, 'ARGOCD_IMAGE_PLUGINS_RENDER_TIMEOUT_SECONDS', DEFAULT_TIMEOUT_SECONDS) * 1000,
    maxBytes: positive(env, 'ARGOCD_IMAGE_PLUGINS_MAX_MANIFEST_BYTES', DEFAULT_MAX_BYTES),
    sourcePath: text(env, 'ARGOCD_APP_SOURCE_PATH'),
  };
}
