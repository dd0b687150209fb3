// Error codes of the CMP sidecar. Each one ends the command with a non-zero exit and a one-paragraph
// reason on stderr, which Argo CD shows on the Application (Argo CD's config-management-plugins.md), so every
// message names the input at fault and how to fix it. Never put a secret in a message.
import { AppError, type AppErrorOptions } from '../shared/errors.ts';

export type CmpErrorCode =
  /** ARGOCD_ENV_IMAGE_OVERRIDES or the `images` parameter is not a valid mapping of image to reference. */
  | 'CMP_OVERRIDES_INVALID'
  /** ARGOCD_APP_PARAMETERS cannot be read, or a parameter has the wrong shape. */
  | 'CMP_PARAMS_INVALID'
  /** An option (ARGOCD_ENV_* or sidecar setting) has a value we do not understand. */
  | 'CMP_OPTIONS_INVALID'
  /** A manifest is not valid YAML/JSON (the message names file and line). */
  | 'CMP_YAML_INVALID'
  /** YAML aliases expand beyond the bound (a "billion laughs" document) or form a cycle. */
  | 'CMP_ALIAS_LIMIT'
  /** The source or rendered output is larger than the configured cap. */
  | 'CMP_INPUT_TOO_LARGE'
  /** The command's time budget ran out (in a renderer or in our own steps). */
  | 'CMP_DEADLINE'
  /** kustomize / helm failed, timed out, or could not be started. */
  | 'CMP_RENDER_FAILED'
  /** The source rendered to nothing and the Application did not opt in to an empty render. */
  | 'CMP_EMPTY_RENDER'
  /** Strict mode: an override names an image the Application does not use. */
  | 'CMP_OVERRIDE_UNUSED'
  /** A path a renderer would read (kustomize resource, base, patch; helm values file) leaves the repository. */
  | 'CMP_OUTSIDE_REPOSITORY'
  /** A kustomization names something to fetch over the network (a URL, a git repository, a helm chart). */
  | 'CMP_REMOTE_REFUSED'
  /** The Application asked for an argument a renderer must not get (a release name that is not a DNS-1123 label, a flag). */
  | 'CMP_ARGUMENT_INVALID'
  /** The fallback lookup at the image service failed; we never render with stale tags instead. */
  | 'CMP_FALLBACK_FAILED';

export function cmpError(code: CmpErrorCode, message: string, options?: AppErrorOptions): AppError {
  return new AppError(code, message, options);
}
