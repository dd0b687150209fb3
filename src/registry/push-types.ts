// The shape every push-time API is read into: per tag, when it was last pushed and (where the API
// says) the manifest digest it points at. One PushApi per registry kind knows its vendor's URLs and
// response shape; push-walk.ts reads the pages. Registry answers are untrusted: parsers keep only
// well-formed entries and say what was wrong with the page otherwise.

export interface TagPush {
  readonly tag: string;
  /** ISO 8601, normalised to UTC. */
  readonly pushedAt: string;
  /** The manifest (or index) digest the tag points at, when the API says and it is well formed. */
  readonly digest?: string;
}

export interface PushPage {
  readonly entries: readonly TagPush[];
  /** The next page's URL, when the API says there is one (same-origin check is the walker's). */
  readonly next?: URL;
}

export interface PageContext {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** `registry/repository` path part, as in image references. */
  readonly repository: string;
  readonly host: string;
}

/** A page the API answered in a shape we cannot read (the reason names the field). */
export class PushShapeError extends Error {}

export interface PushApi {
  /** For messages and docs: `Docker Hub tags API`, `Harbor artifacts API`, … */
  readonly name: string;
  /** The first page of `repository`; throws PushShapeError when the repository cannot be named in this API. */
  first(base: URL, repository: string, host: string): URL;
  parse(body: unknown, page: PageContext): PushPage;
}
