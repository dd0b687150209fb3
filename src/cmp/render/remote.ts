// Does a kustomization entry name something kustomize would fetch over the network? kustomize
// fetches a resource, base, component or generator given as a URL (`https://…`, any `scheme://`),
// in go-getter form (`git::…`), as an scp-like git address (`git@host:org/repo`), with the GitHub
// shorthands (`gh:org/repo`, `github.com/org/repo`), or with a ref query (`?ref=`, `?version=`,
// `?submodules=`, `?timeout=`); see kustomize's api/internal/git/repospec.go and
// api/loader/fileloader.go. Local entries that do not exist are treated as remote by the caller,
// because that is what kustomize does with them (it tries to clone them). Pure.

const REMOTE_FORMS: readonly RegExp[] = [
  /^[a-z][a-z0-9+.-]*:\/\//i,
  /^git::/i,
  /^gh:/i,
  /^[A-Za-z0-9._-]+@[A-Za-z0-9._-]+:/,
  /^(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org)(?:[/:]|$)/i,
  /\?(?:[^#]*&)?(?:ref|version|submodules|timeout)=/i,
];

/** True when `entry` names a network location in any form kustomize would fetch. */
export function isRemoteEntry(entry: string): boolean {
  return REMOTE_FORMS.some((form) => form.test(entry.trim()));
}
