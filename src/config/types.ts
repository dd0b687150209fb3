// The parsed, validated and frozen configuration. `parse.ts` turns the YAML file into these shapes;
// every other module reads only these. Names here are the names users write in config.yaml
// (see README, "Configuration reference"), so keep them stable.
import type { Range } from 'semver';
import type { Platform } from '../image/platform.ts';
import type { SecretSource } from '../shared/secret-source.ts';

export type { SecretSource };

export type PinMode = 'tag' | 'digest' | 'tag+digest';

/** The environment of clusters whose environment label names no override of a watch. */
export const DEFAULT_ENVIRONMENT = 'default';
export type SortOrder = 'asc' | 'desc';

/** How a tag is chosen among the candidates that pass the filter. */
export type PolicySpec =
  | {
      readonly kind: 'semver';
      /** The range as the user wrote it (used in explanations). */
      readonly range: string;
      readonly includePrerelease: boolean;
      /** The range compiled once by parseConfig; policies compile `range` themselves when absent. */
      readonly compiled?: Range;
    }
  | { readonly kind: 'newestBuild' }
  /** The candidate pushed last, by the registry's own push-time API (registry kinds that have one). */
  | { readonly kind: 'newestPush' }
  | { readonly kind: 'lexical'; readonly order: SortOrder }
  | { readonly kind: 'numerical'; readonly order: SortOrder }
  /** Track one mutable tag (e.g. `stable`) and follow its digest. */
  | { readonly kind: 'digest'; readonly tag: string };

/** One exclusion rule, kept with its source text so explanations can name it. */
export interface TagMatcher {
  readonly source: string;
  readonly kind: 'glob' | 'regex';
  readonly test: (tag: string) => boolean;
}

/** Which tags are candidates, Flux-style: `pattern` + `extract` give the value the policy orders by. */
export interface FilterSpec {
  readonly include?: RegExp;
  readonly exclude: readonly TagMatcher[];
  readonly pattern?: RegExp;
  /** Replacement template applied to `pattern` matches, e.g. `$version` or `$1`. */
  readonly extract?: string;
}

/** Keyless cosign verification: who signed (certificate identity) under which trust root. */
export interface KeylessSpec {
  /** The OIDC issuer in the signing certificate (Fulcio extension 1.3.6.1.4.1.57264.1.8). */
  readonly issuer: string;
  readonly subject?: string;
  readonly subjectRegExp?: RegExp;
  /** A Sigstore `trusted_root.json` the operator supplies; nothing is fetched at run time. */
  readonly trustedRoot: SecretSource;
}

/** The supply-chain gate: a candidate is selectable only with a signature that verifies. */
export interface VerifySpec {
  readonly cosign: {
    /** PEM public keys (SubjectPublicKeyInfo, as `cosign generate-key-pair` writes `cosign.pub`). */
    readonly publicKeys: readonly SecretSource[];
    /** Keyless signatures: a certificate for this identity, under this trust root. */
    readonly keyless?: KeylessSpec;
  };
}

/** Everything that decides one resolution: a watch's defaults, or those merged with one environment's override. */
export interface SelectionRule {
  readonly policy: PolicySpec;
  readonly filter: FilterSpec;
  /** Platforms every selected image must provide; empty = no platform check. */
  readonly platforms: readonly Platform[];
  readonly pin: PinMode;
  /** Signature verification; absent = every candidate is selectable. */
  readonly verify?: VerifySpec;
}

export interface Hold {
  /** The tag to serve instead of what the policy would choose (an explicit, recorded rollback). */
  readonly tag: string;
  readonly reason: string;
  /** ISO time after which the hold lapses; absent = until removed from the config. */
  readonly until?: string;
  /** Set on a hold taken as an operation: the operator token's name (a config hold has none). */
  readonly by?: string;
}

export interface Watch {
  /** The key under `images.<name>` in parameter sets. */
  readonly name: string;
  /** `registry/repository`, normalised (docker.io/library/nginx). */
  readonly image: string;
  readonly registry: string;
  readonly repository: string;
  /** The rule used for clusters whose environment has no override. */
  readonly rule: SelectionRule;
  /** Per-environment rules, already merged over `rule`. */
  readonly environments: Readonly<Record<string, SelectionRule>>;
  readonly holds: Readonly<Record<string, Hold>>;
  /** ApplicationSet name patterns allowed to request this watch (globs); empty = any. */
  readonly allowedApplicationSets: readonly string[];
}

/** What a registry runs, where it matters beyond the OCI API (registry-kind.ts tells it from the host). */
export type RegistryKind = 'distribution' | 'dockerhub' | 'ghcr' | 'quay' | 'harbor' | 'acr' | 'gar' | 'ecr';

export type RegistryAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic'; readonly username: SecretSource; readonly password: SecretSource }
  /** A static bearer token (e.g. a GitHub PAT for ghcr.io) exchanged at the realm like a password. */
  | { readonly kind: 'token'; readonly token: SecretSource }
  /** A `kubernetes.io/dockerconfigjson` Secret read and watched through the Kubernetes API. */
  | { readonly kind: 'pullSecret'; readonly namespace: string; readonly name: string }
  /**
   * Amazon ECR through the AWS SDK's credential chain (IRSA, EKS Pod Identity, instance role), with an
   * optional role to assume; region and account are read from the host.
   */
  | { readonly kind: 'ecr'; readonly region: string; readonly public: boolean; readonly registryId?: string; readonly roleArn?: string }
  /** Artifact Registry / gcr.io through google-auth-library: Application Default Credentials, or a key file. */
  | { readonly kind: 'google'; readonly keyFile?: SecretSource }
  /** Azure Container Registry through @azure/identity (workload or managed identity) and ACR's token exchange. */
  | { readonly kind: 'acr' };

export interface RegistryConfig {
  /** Host as written in image references (`ghcr.io`, `127.0.0.1:5000`, `docker.io`). */
  readonly host: string;
  /** Base URL of the Distribution API, without `/v2/`. docker.io -> https://registry-1.docker.io. */
  readonly url: string;
  readonly auth: RegistryAuth;
  /** Skip TLS verification (labs only). */
  readonly insecure: boolean;
  readonly caFile?: string;
  readonly requestsPerSecond: number;
  readonly timeoutMs: number;
  readonly maxConcurrency: number;
  /** Most requests one poll cycle may send to this registry. */
  readonly requestBudget: number;
  /** Largest number of tags-list pages followed per repository. */
  readonly maxPages: number;
  /** Most tags kept from one listing (all pages); a longer listing is incomplete. */
  readonly maxTags: number;
  /** Most bytes of tags-list bodies read for one listing (all pages). */
  readonly maxTagListBytes: number;
  /** Token realm origins (`https://auth.docker.io`) that may receive this registry's credentials, besides its own origin. */
  readonly authRealms: readonly string[];
  /** What the registry runs (`registries[].kind`); absent: told from the host (registry-kind.ts). */
  readonly kind?: RegistryKind;
  /** Base URL of the registry's push-time API when it is not the default for its kind (`registries[].apiUrl`). */
  readonly apiUrl?: string;
  /** This entry's own request window (`registries[].rateLimit`), paced like a registry's own limit. */
  readonly rateLimit?: RequestWindow;
  /** One window shared by every entry logging in with the same credentials (`registries[].rateLimit.credential`). */
  readonly credentialRateLimit?: RequestWindow;
}

/** At most `requests` requests in any `windowSeconds`. */
export interface RequestWindow {
  readonly requests: number;
  readonly windowSeconds: number;
}

export interface StaticCluster {
  readonly name: string;
  readonly server: string;
  readonly project: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface ClustersConfig {
  /** Cluster label whose value picks a watch's environment. */
  readonly environmentLabel: string;
  /** Cluster annotation listing the platforms its nodes run (`linux/amd64,linux/arm64`). */
  readonly platformsAnnotation: string;
  readonly static: readonly StaticCluster[];
  /** Read Argo CD cluster Secrets from this namespace, when set. */
  readonly argocd?: { readonly namespace: string; readonly kubeconfig?: string };
}

export interface WebhookConfig {
  /** Shared secret each push event must carry (header or signature), read from a file or env. */
  readonly secret?: SecretSource;
}

export interface OperatorToken {
  readonly name: string;
  readonly token: SecretSource;
}

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  /** The Bearer token the ApplicationSet controller sends (the value of the `$<secret>:<key>` reference in Argo CD's plugin ConfigMap). */
  readonly token: SecretSource;
  /** Token people type into the status page's login form (read-only access to /ui/). */
  readonly viewerToken?: SecretSource;
  /** Secret header value argocd-server's proxy extension adds; requests carrying it are trusted as Argo CD's. */
  readonly proxySecret?: SecretSource;
  /** Tokens of the operations API and CLI (hold, release, approve, promote); the name is recorded as who acted. */
  readonly operatorTokens: readonly OperatorToken[];
  readonly webhooks: WebhookConfig;
  /** Refresh ApplicationSets that use a watch when its resolution changes. */
  readonly refreshApplicationSets: boolean;
  /** Time a client has to send its request headers (read at start). */
  readonly headersTimeoutSeconds: number;
  /** Time a client has to send its whole request (read at start). */
  readonly requestTimeoutSeconds: number;
  /** Connections open at once before one of their requests was authenticated (read at start). */
  readonly maxUnauthenticatedConnections: number;
}

export interface PollingConfig {
  readonly intervalSeconds: number;
  /** Fraction of the interval added at random (0..1) so repositories do not all poll at once. */
  readonly jitter: number;
  /** Longest wait after repeated failures. */
  readonly maxBackoffSeconds: number;
}

export interface CmpConfig {
  /** Extra YAML paths holding images, e.g. `spec.steps[].image` for Tekton Tasks. */
  readonly extraImagePaths: readonly string[];
}

/** `environments.<env>.promotion`: the environment only takes a reference its `from` environment ran. */
export interface PromotionSpec {
  readonly from: string;
  /** How long every `from` Application must have run the reference Synced and Healthy. */
  readonly soakMs: number;
  /** false: only `soak` since the `from` environment was served the reference counts, not health. */
  readonly requireHealthy: boolean;
  /** A move into the environment also waits for an `approve` operation naming its tag. */
  readonly requireApproval: boolean;
}

/** metav1.LabelSelector, the shape the clusters' selector matching reads. */
export interface WaveSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly { readonly key: string; readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; readonly values: readonly string[] }[];
}

/** One wave: the clusters a label selector matches, or a stable share of the environment's clusters. */
export type WaveSpec =
  | { readonly kind: 'selector'; readonly selector: WaveSelector }
  | { readonly kind: 'percent'; readonly percent: number };

/** `environments.<env>.rollout`: a new reference reaches the clusters wave by wave. */
export interface RolloutSpec {
  readonly waves: readonly WaveSpec[];
  /** How long a wave must run the reference (Synced and Healthy when requireHealthy) before the next opens. */
  readonly pauseMs: number;
  readonly requireHealthy: boolean;
}

/** Progressive delivery of one environment, for every watch (docs/promotion.md). */
export interface EnvironmentPolicy {
  readonly promotion?: PromotionSpec;
  readonly rollout?: RolloutSpec;
}

export interface Config {
  readonly server: ServerConfig;
  readonly polling: PollingConfig;
  readonly cache: { readonly path: string };
  readonly registries: readonly RegistryConfig[];
  readonly watches: readonly Watch[];
  readonly clusters: ClustersConfig;
  readonly cmp: CmpConfig;
  /** Per-environment promotion and rollout; empty = every cluster gets a new reference at once. */
  readonly environments: Readonly<Record<string, EnvironmentPolicy>>;
}

/** One problem found in a config file: where, what, and how to fix it. */
export interface ConfigIssue {
  /** e.g. `watches[2].policy.semver.range` */
  readonly path: string;
  readonly message: string;
}
