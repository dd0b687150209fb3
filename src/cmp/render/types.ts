import type { Utf8Problem } from '../utf8.ts';
import type { Deadline } from '../deadline.ts';
import type { CmpOptions } from '../options.ts';

/** What every renderer gets: the application directory, the options and the process environment. */
export interface RenderContext {
  readonly cwd: string;
  readonly options: CmpOptions;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The command's time budget: renderers get what is left, in-process steps check it. */
  readonly deadline: Deadline;
}

/** Rendered manifests: one text per source, in output order. */
export interface RenderedSource {
  /** File name relative to the application directory, or the renderer's name. */
  readonly name: string;
  readonly text: string;
  /** A `.json` file: a single JSON object. */
  readonly json: boolean;
  /** Set when the bytes were not UTF-8: the source is then refused like a file that does not parse. */
  readonly invalidUtf8?: Utf8Problem;
}
