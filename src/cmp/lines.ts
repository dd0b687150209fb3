// Line numbers for offsets in one text, for messages and change records. The line starts are found
// once, on first use, and each lookup is a binary search: a stream of many small documents used to
// count lines from the start of the text for every document, which made the rewrite quadratic in
// the number of documents (2 MiB of small documents took 12.5 s, 8 MiB did not finish in 100 s).
// Pure.

export interface LineIndex {
  /** 1-based line of the character at `offset`. */
  lineAt(offset: number): number;
}

export function lineIndex(text: string): LineIndex {
  let starts: number[] | undefined;
  const build = (): number[] => {
    const out = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) out.push(i + 1);
    return out;
  };
  return {
    lineAt(offset: number): number {
      starts ??= build();
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      return lo + 1;
    },
  };
}
