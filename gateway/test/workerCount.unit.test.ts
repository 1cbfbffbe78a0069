import { mkdtemp, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { usableCores, workerCountFrom } from '../src/workers/workerCount';

describe('workerCountFrom', () => {
  it('takes --workers over GATEWAY_WORKERS', () => {
    expect(workerCountFrom(['--supergraph', 'x.graphql', '--workers', '3'], { GATEWAY_WORKERS: '5' })).toBe(3);
    expect(workerCountFrom([], { GATEWAY_WORKERS: '5' })).toBe(5);
  });

  it('defaults to one per core in production and 1 otherwise', () => {
    expect(workerCountFrom([], { NODE_ENV: 'production' })).toBe(usableCores());
    expect(workerCountFrom([], { NODE_ENV: 'development' })).toBe(1);
    expect(workerCountFrom([], {})).toBe(1);
  });

  it('rejects counts that are not whole numbers of at least 1', () => {
    for (const bad of ['0', '-1', '1.5', 'two']) {
      expect(() => workerCountFrom(['--workers', bad], {})).toThrow(`got "${bad}"`);
    }
    expect(() => workerCountFrom(['--workers'], {})).toThrow('got ""');
  });

  it('caps the cores at a cgroup CPU quota', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cpu-max-'));
    const cpuMax = join(dir, 'cpu.max');
    await writeFile(cpuMax, '50000 100000\n');
    expect(usableCores(cpuMax)).toBe(1);
    await writeFile(cpuMax, '150000 100000\n');
    expect(usableCores(cpuMax)).toBe(Math.min(2, availableParallelism()));
    await writeFile(cpuMax, `${(availableParallelism() + 4) * 100000} 100000\n`);
    expect(usableCores(cpuMax)).toBe(availableParallelism());
    await writeFile(cpuMax, 'max 100000\n');
    expect(usableCores(cpuMax)).toBe(availableParallelism());
    expect(usableCores(join(dir, 'missing'))).toBe(availableParallelism());
  });
});
