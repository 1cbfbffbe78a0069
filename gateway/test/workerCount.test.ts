import { availableParallelism } from 'node:os';
import { workerCountFrom } from '../src/workers/workerCount';

describe('workerCountFrom', () => {
  it('takes --workers over GATEWAY_WORKERS', () => {
    expect(workerCountFrom(['--supergraph', 'x.graphql', '--workers', '3'], { GATEWAY_WORKERS: '5' })).toBe(3);
    expect(workerCountFrom([], { GATEWAY_WORKERS: '5' })).toBe(5);
  });

  it('defaults to one per core in production and 1 otherwise', () => {
    expect(workerCountFrom([], { NODE_ENV: 'production' })).toBe(availableParallelism());
    expect(workerCountFrom([], { NODE_ENV: 'development' })).toBe(1);
    expect(workerCountFrom([], {})).toBe(1);
  });

  it('rejects counts that are not whole numbers of at least 1', () => {
    for (const bad of ['0', '-1', '1.5', 'two']) {
      expect(() => workerCountFrom(['--workers', bad], {})).toThrow(`got "${bad}"`);
    }
    expect(() => workerCountFrom(['--workers'], {})).toThrow('got ""');
  });
});
