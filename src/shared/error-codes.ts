// Every error code the product reports: the union of each domain's own code union. AppError takes
// only these, so a new code must join its domain's union, and test/docs/errors.test.ts reads the
// unions to check that docs/errors.md documents each one.
import type { CacheErrorCode } from '../cache/errors.ts';
import type { ClustersErrorCode } from '../clusters/errors.ts';
import type { CmpErrorCode } from '../cmp/errors.ts';
import type { ConfigErrorCode } from '../config/errors.ts';
import type { GeneratorErrorCode } from '../generator/errors.ts';
import type { ReplicasErrorCode } from '../ha/errors.ts';
import type { KubeErrorCode } from '../kube/errors.ts';
import type { OperationsErrorCode } from '../operations/errors.ts';
import type { PolicyErrorCode } from '../policy/errors.ts';
import type { RegistryErrorCode } from '../registry/errors.ts';
import type { ServerErrorCode } from './http-errors.ts';
import type { UiErrorCode } from '../ui/errors.ts';
import type { VerifyErrorCode } from '../verify/errors.ts';
import type { WebhookErrorCode } from '../webhooks/errors.ts';

/** A secret file or variable the config names is missing or empty. */
export type SecretErrorCode = 'SECRET_UNREADABLE';

export type ErrorCode =
  | CacheErrorCode
  | ClustersErrorCode
  | CmpErrorCode
  | ConfigErrorCode
  | GeneratorErrorCode
  | ReplicasErrorCode
  | KubeErrorCode
  | OperationsErrorCode
  | PolicyErrorCode
  | RegistryErrorCode
  | SecretErrorCode
  | ServerErrorCode
  | UiErrorCode
  | VerifyErrorCode
  | WebhookErrorCode;
