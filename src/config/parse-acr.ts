// `registries[].auth.acr: {}`: log in to Azure Container Registry with @azure/identity (AKS workload
// identity, else managed identity) and ACR's token exchange. The host is the registry's login server,
// `<name>.azurecr.io` (`.azurecr.cn`, `.azurecr.us` in sovereign clouds); names are 5-50 letters and
// digits (https://learn.microsoft.com/azure/container-registry/container-registry-get-started-portal).
import type { RegistryAuth } from './types.ts';
import { readOptionalMapping, report, type IssueSink } from './reader.ts';

const ACR_HOST = /^[a-z0-9]{5,50}\.azurecr\.(?:io|cn|us)$/;

export function readAcr(sink: IssueSink, value: unknown, path: string, host: string): Extract<RegistryAuth, { kind: 'acr' }> | undefined {
  const m = readOptionalMapping(sink, value, path, []);
  if (m === undefined) return undefined;
  if (!ACR_HOST.test(host)) {
    report(sink, path, `"${host}" is not an Azure Container Registry login server; write the host as <name>.azurecr.io (put a proxy address in url), or remove auth.acr`);
    return undefined;
  }
  return { kind: 'acr' };
}
