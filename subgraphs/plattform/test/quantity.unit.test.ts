import { formatBytes, formatCpu, parseBytes, parseCpuMillicores } from '../src/quotas/quantity';

describe('Kubernetes quantities for quotas', () => {
  it.each([
    ['10', 10_000],
    ['500m', 500],
    ['1.5', 1_500],
    ['0.25', 250],
    ['2k', 2_000_000],
  ])('cpu %s is %i millicores', (text, millicores) => {
    expect(parseCpuMillicores(text)).toBe(millicores);
  });

  it.each([
    ['20Gi', 20 * 1024 ** 3],
    ['512Mi', 512 * 1024 ** 2],
    ['1.5Gi', 1.5 * 1024 ** 3],
    ['1G', 1e9],
    ['1000', 1000],
    ['4Pi', 4 * 1024 ** 5],
  ])('bytes %s is %i', (text, bytes) => {
    expect(parseBytes(text, 'memory')).toBe(bytes);
  });

  it.each(['', '0', '-1', '10Gb', '1e3', '0.1m', 'ten', '10 Gi', '1.0001m'])('cpu %p is refused', (text) => {
    expect(() => parseCpuMillicores(text)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it.each(['500m', '1.5', '0', '5Pi', '10Ei'])('bytes %p are refused (fractional, zero or beyond 4Pi)', (text) => {
    expect(() => parseBytes(text, 'storage')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'storage' } }));
  });

  it('formats amounts back in their shortest exact form', () => {
    expect([formatCpu(10_000), formatCpu(1_500), formatCpu(250)]).toEqual(['10', '1500m', '250m']);
    expect([formatBytes(20 * 1024 ** 3), formatBytes(1.5 * 1024 ** 3), formatBytes(1000), formatBytes(1024)]).toEqual([
      '20Gi',
      '1536Mi',
      '1000',
      '1Ki',
    ]);
  });
});
