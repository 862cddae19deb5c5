import { describe, expect, it } from 'vitest';
import { createProgressBar, renderLine } from '../../electron/cli/progress-bar.ts';

describe('progress bar', () => {
  it('renders bytes, files and percentage within the terminal width', () => {
    const line = renderLine({ phase: 'hash', loaded: 512 * 1024 * 1024, total: 1024 * 1024 * 1024, unit: 'bytes', files: 10, filesTotal: 20, current: 'data/x.bin' }, 100);
    expect(line).toContain('Hashing');
    expect(line).toContain(' 50%');
    expect(line).toContain('512 MB/1.0 GB');
    expect(line).toContain('10/20 files');
    expect(line.length).toBeLessThan(100);
    expect(renderLine({ phase: 'checkout', loaded: 3, total: 4, unit: 'files' }, 40).length).toBeLessThan(40);
  });

  it('overwrites one line on the stream and erases it when done', () => {
    const writes: string[] = [];
    const bar = createProgressBar({ write: (s) => (writes.push(s), true), columns: 80 });
    bar.progress({ phase: 'cache', loaded: 1, total: 2 });
    bar.progress({ phase: 'cache', loaded: 2, total: 2 });
    bar.done();
    expect(writes.length).toBe(3);
    expect(writes[0]?.startsWith('\r')).toBe(true);
    expect(writes[1]).toContain('100%');
    expect(writes[2]).toBe('\r\x1b[K');
  });
});
