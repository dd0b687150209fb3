// `cmp parameters`: the dynamic parameter announcement Argo CD shows in the Application's UI
// (Argo CD's config-management-plugins.md): a JSON array of {name, title, tooltip, collectionType, map|array}.
// The `images` map lists every image the app uses with what it currently resolves to: the override
// when one is given, otherwise the reference written in the manifests. Pure.
import type { ImageUse } from './rewrite.ts';
import type { OverrideTable } from './overrides.ts';
import { PARAMETER_NAMES } from './parameters.ts';

export interface ParameterAnnouncement {
  readonly name: string;
  readonly title: string;
  readonly tooltip: string;
  readonly collectionType: 'string' | 'array' | 'map';
  readonly map?: Readonly<Record<string, string>>;
  readonly array?: readonly string[];
}

export function announce(images: readonly ImageUse[], overrides: OverrideTable, helm: { valuesFiles: readonly string[]; parameters: Readonly<Record<string, string>> } | undefined): ParameterAnnouncement[] {
  const current = new Map<string, string[]>();
  for (const use of images) {
    const values = current.get(use.repository) ?? [];
    const value = overrides.get(use.repository)?.ref ?? use.value;
    if (!values.includes(value)) values.push(value);
    current.set(use.repository, values);
  }
  const map: Record<string, string> = {};
  for (const repository of [...current.keys()].sort()) map[repository] = current.get(repository)!.join(', ');
  const out: ParameterAnnouncement[] = [
    {
      name: PARAMETER_NAMES.images,
      title: 'Images',
      tooltip: 'Image repository → full new reference (tag and/or digest). Keys match by normalised repository: nginx is docker.io/library/nginx. Shown: each image the app uses and what it resolves to now.',
      collectionType: 'map',
      map,
    },
  ];
  if (helm) {
    out.push(
      { name: PARAMETER_NAMES.valuesFiles, title: 'Helm values files', tooltip: 'Values files relative to the application directory, inside the repository.', collectionType: 'array', array: [...helm.valuesFiles] },
      { name: PARAMETER_NAMES.helmParameters, title: 'Helm parameters', tooltip: 'Values passed with --set (value path → value).', collectionType: 'map', map: { ...helm.parameters } },
    );
  }
  return out;
}
