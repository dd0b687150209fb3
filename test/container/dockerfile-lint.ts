// A small Dockerfile reader and the rules this project holds its Dockerfile to. Parsing follows the
// Dockerfile reference (https://docs.docker.com/reference/dockerfile/): `#` comment lines, `\` line
// continuations, ARG defaults before the first FROM usable in FROM lines, `FROM image AS name` stages.

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  name?: string;
  /** The FROM argument with ARG defaults substituted. */
  from: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  globalArgs: Record<string, string>;
  stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (/^\s*#/.test(line) || (pending === undefined && line.trim() === '')) return;
    const continued = /\\\s*$/.test(line);
    const body = continued ? line.replace(/\\\s*$/, '') : line;
    pending = pending ? { text: `${pending.text} ${body.trim()}`, line: pending.line } : { text: body.trim(), line: i + 1 };
    if (!continued) {
      const m = /^(\S+)\s*(.*)$/.exec(pending.text);
      if (m) instructions.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line: pending.line });
      pending = undefined;
    }
  });
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      const from = (m?.[1] ?? ins.args).replace(/\$\{?(\w+)\}?/g, (_, name: string) => globalArgs[name] ?? '');
      stages.push({ name: m?.[2], from, instructions: [] });
    } else if (stages.length === 0) {
      const m = /^(\w+)(?:=(.*))?$/.exec(ins.args);
      if (ins.keyword === 'ARG' && m) globalArgs[m[1]!] = (m[2] ?? '').replace(/^"(.*)"$/, '$1');
    } else {
      stages.at(-1)!.instructions.push(ins);
    }
  }
  return { globalArgs, stages };
}

/** An image reference pinned to an exact version (x.y.z in the tag) or a digest. */
export function isPinnedImage(ref: string): boolean {
  if (/@sha256:[a-f0-9]{64}$/.test(ref)) return true;
  const tag = /:([^/:@]+)$/.exec(ref)?.[1];
  return tag !== undefined && /^v?\d+\.\d+\.\d+(?:[-.][\w.-]+)?$/.test(tag);
}

const DOWNLOAD = /\b(?:curl|wget|fetch)\b|https?:\/\//;
const SECRET_NAME = /(?:token|password|passwd|secret|api[_-]?key|credential)/i;

/** Every rule the project's Dockerfile must keep; returns one message per broken rule. */
export function lintDockerfile(df: Dockerfile, opts: { dockerignore: string }): string[] {
  const problems: string[] = [];
  const names = new Set(df.stages.map((s) => s.name).filter(Boolean));
  if (df.stages.length < 2) problems.push('not multi-stage: build and runtime must be separate stages');
  for (const s of df.stages) {
    if (!names.has(s.from) && !isPinnedImage(s.from)) problems.push(`FROM ${s.from}: not an earlier stage and not pinned to an exact version or digest`);
  }
  const final = df.stages.at(-1);
  if (!final) return [...problems, 'no FROM'];
  const baseOf = (stage: Stage): string => {
    const parent = df.stages.find((x) => x.name === stage.from);
    return parent && parent !== stage ? baseOf(parent) : stage.from;
  };
  if (!/\/node:24\.\d+\.\d+-|^node:24\.\d+\.\d+-/.test(baseOf(final))) problems.push(`runtime base ${baseOf(final)} is not a pinned Node 24 image`);
  const users = final.instructions.filter((i) => i.keyword === 'USER');
  if (!/^999(?::999)?$/.test(users.at(-1)?.args ?? '')) problems.push(`runtime USER is ${users.at(-1)?.args ?? 'unset (root)'}, must be 999`);
  for (const s of df.stages) {
    for (const i of s.instructions) {
      if (i.keyword === 'ADD') problems.push(`line ${i.line}: ADD (use COPY for files; downloads must be verified in a RUN)`);
      if (i.keyword === 'RUN' && DOWNLOAD.test(i.args) && !/sha256sum\s+(?:-c|--check)/.test(i.args)) problems.push(`line ${i.line}: downloads without a sha256sum -c check`);
      if ((i.keyword === 'ENV' || i.keyword === 'ARG') && SECRET_NAME.test(i.args.split('=')[0] ?? '')) problems.push(`line ${i.line}: ${i.keyword} ${i.args.split('=')[0]} looks like a secret; use a build secret mount`);
      if (i.keyword === 'COPY' && /(?:^|\s|\/)\.(?:npmrc|env)\b/.test(i.args)) problems.push(`line ${i.line}: copies a credentials file`);
    }
  }
  const nodeModules = final.instructions.find((i) => i.keyword === 'COPY' && /--from=(\S+)\s+\S*node_modules/.test(i.args));
  const depsStage = df.stages.find((s) => s.name === /--from=(\S+)/.exec(nodeModules?.args ?? '')?.[1]);
  const installsProdOnly = (s: Stage | undefined): boolean => s?.instructions.some((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args) && /--omit=dev\b/.test(i.args)) ?? false;
  if (!installsProdOnly(depsStage) && !installsProdOnly(final)) problems.push('runtime node_modules do not come from `npm ci --omit=dev`');
  if (!final.instructions.some((i) => i.keyword === 'COPY' && /^plugin\.yaml\s+\/home\/argocd\/cmp-server\/config\/plugin\.yaml$/.test(i.args))) {
    problems.push('plugin.yaml is not copied to /home/argocd/cmp-server/config/plugin.yaml');
  }
  problems.push(...contextProblems(df, opts.dockerignore));
  return problems;
}

/** COPY sources from the build context must be allowed by the allow-list .dockerignore (`*` then `!path`). */
function contextProblems(df: Dockerfile, dockerignore: string): string[] {
  const lines = dockerignore.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (lines[0] !== '*') return ['.dockerignore must start with "*" (an allow-list, so nothing unlisted enters the context)'];
  const allowed = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1));
  const problems: string[] = [];
  for (const s of df.stages) {
    for (const i of s.instructions) {
      if (i.keyword !== 'COPY' || /--from=/.test(i.args)) continue;
      const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const src of parts.slice(0, -1)) {
        if (!allowed.some((a) => src === a || (a.endsWith('/') && (src === a || src.startsWith(a))))) problems.push(`line ${i.line}: COPY ${src} is not in .dockerignore's allow-list`);
      }
    }
  }
  return problems;
}
