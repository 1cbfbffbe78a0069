import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

/**
 * `npm run test:durations [-- jest arguments]`: runs the tests and records each file's duration in
 * test/durations.json, which orders a fresh checkout's run longest first (the jest sequencer in
 * @hub/testkit). Files the run did not cover keep their recorded duration; deleted files are dropped.
 */
const ROOT = resolve(__dirname, '../..');
const DURATIONS = join(ROOT, 'test/durations.json');

interface JestReport {
  testResults: Array<{ name: string; startTime: number; endTime: number; status: string }>;
}

interface Durations {
  about: string;
  files: Record<string, number>;
}

const dir = mkdtempSync(join(tmpdir(), 'hub-test-durations-'));
try {
  const report = join(dir, 'report.json');
  const jest = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--json', `--outputFile=${report}`, ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const results = (JSON.parse(readFileSync(report, 'utf8')) as JestReport).testResults;
  const recorded = JSON.parse(readFileSync(DURATIONS, 'utf8')) as Durations;
  const files = Object.fromEntries(Object.entries(recorded.files).filter(([file]) => existsSync(join(ROOT, file))));
  for (const result of results) {
    if (result.status !== 'passed') continue;
    files[relative(ROOT, result.name)] = Math.round((result.endTime - result.startTime) / 100) / 10;
  }
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(DURATIONS, `${JSON.stringify({ about: recorded.about, files: sorted }, null, 2)}\n`);
  console.log(`recorded ${results.filter((result) => result.status === 'passed').length} files in ${relative(ROOT, DURATIONS)}`);
  process.exitCode = jest.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
