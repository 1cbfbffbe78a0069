import { readFileSync } from 'node:fs';

/** One instruction of a Dockerfile: `COPY --from=build a b` → { keyword: 'COPY', flags: { from: 'build' }, args: ['a', 'b'] }. */
export interface Instruction {
  keyword: string;
  flags: Record<string, string>;
  /** Arguments: the JSON array of the exec form, else split on whitespace. */
  args: string[];
  /** Everything after the keyword (and its flags), as written: the shell form of RUN. */
  text: string;
}

export interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM (usable in FROM lines). */
  globalArgs: Instruction[];
  stages: Stage[];
}

/** Reads a Dockerfile into stages (comments dropped, continuation lines joined). */
export function parseDockerfile(path: string): Dockerfile {
  const logical = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const result: Dockerfile = { globalArgs: [], stages: [] };
  for (const line of logical) {
    const keyword = line.split(/\s+/, 1)[0] ?? '';
    let text = line.slice(keyword.length).trim();
    const flags: Record<string, string> = {};
    for (let flag = /^--([a-z-]+)=(\S+)\s*/.exec(text); flag; flag = /^--([a-z-]+)=(\S+)\s*/.exec(text)) {
      flags[flag[1]!] = flag[2]!;
      text = text.slice(flag[0].length);
    }
    const args = text.startsWith('[') ? (JSON.parse(text) as string[]) : text.split(/\s+/).filter(Boolean);
    const instruction: Instruction = { keyword: keyword.toUpperCase(), flags, args, text };
    if (instruction.keyword === 'FROM') {
      result.stages.push({ image: args[0]!, name: args[2] ?? String(result.stages.length), instructions: [] });
      continue;
    }
    const stage = result.stages[result.stages.length - 1];
    if (stage) stage.instructions.push(instruction);
    else if (instruction.keyword === 'ARG') result.globalArgs.push(instruction);
  }
  return result;
}

/** `${NAME}` and `$NAME` replaced from `vars` (unknown names become empty, as in Docker). */
export function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced, bare) => vars[braced ?? bare] ?? '');
}

/** `ENV A=1 B="x y"` / `ARG A` → [['A', '1'], ['B', 'x y']] / [['A', undefined]]. */
export function assignments(instruction: Instruction): Array<[string, string | undefined]> {
  return [...instruction.text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=("([^"]*)"|\S*))?/g)].map((match) => [
    match[1]!,
    match[2] === undefined ? undefined : (match[3] ?? match[2]),
  ]);
}
