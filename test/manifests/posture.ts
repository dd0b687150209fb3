// Shapes and the hardening check shared by the manifest tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { REPO, type KubeObject } from './kustomize.ts';

export interface Mount { name: string; mountPath: string; readOnly?: boolean }
export interface Container { name: string; image: string; securityContext?: Record<string, unknown>; resources?: { requests?: Record<string, string>; limits?: Record<string, string> }; volumeMounts?: Mount[] }
export interface Volume { name: string; emptyDir?: unknown; persistentVolumeClaim?: unknown; configMap?: unknown; secret?: unknown }
export interface PodSpec { containers: Container[]; securityContext?: Record<string, unknown>; volumes: Volume[]; serviceAccountName?: string }
export type Deployment = KubeObject & { spec: { template: { spec: PodSpec } } };

const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
export const IMAGE = `ghcr.io/argocd-image-plugins/argocd-image-plugins:${VERSION}`;

/** The container-level settings every container of ours must carry (Pod Security "restricted", plus uid 999). */
export function assertHardened(c: Container): void {
  const s = c.securityContext ?? {};
  assert.equal(s.runAsNonRoot, true, `${c.name}: runAsNonRoot`);
  assert.equal(s.runAsUser, 999, `${c.name}: runAsUser`);
  assert.equal(s.readOnlyRootFilesystem, true, `${c.name}: readOnlyRootFilesystem`);
  assert.equal(s.allowPrivilegeEscalation, false, `${c.name}: allowPrivilegeEscalation`);
  assert.deepEqual(s.capabilities, { drop: ['ALL'] }, `${c.name}: capabilities`);
  assert.deepEqual(s.seccompProfile, { type: 'RuntimeDefault' }, `${c.name}: seccompProfile`);
  for (const k of ['cpu', 'memory']) {
    assert.ok(c.resources?.requests?.[k], `${c.name}: resources.requests.${k}`);
    assert.ok(c.resources?.limits?.[k], `${c.name}: resources.limits.${k}`);
  }
  assert.equal(c.image, IMAGE, `${c.name}: image must be ${IMAGE} (package.json version)`);
}

