const { Table, fromObjects, table } = require('../src');

describe('layout', () => {
  test('ascii borders and alignment', () => {
    const t = new Table({ head: ['Item', 'Qty'], columns: [{}, { align: 'right' }] });
    t.push(['Tea', 3], ['Milk', 12]);
    expect(t.toString()).toBe(
      ['+------+-----+', '| Item | Qty |', '+------+-----+', '| Tea  |   3 |', '| Milk |  12 |', '+------+-----+'].join('\n'),
    );
  });

  test('markdown tables have an alignment row', () => {
    const out = table([['a', 1]], { head: ['name', 'n'], border: 'markdown', columns: [{}, { align: 'right' }] });
    expect(out).toBe(['| name | n |', '|------|--:|', '| a    | 1 |'].join('\n'));
  });

  test('wide characters take two columns', () => {
    const out = table([['東京', 'x']], { border: 'plain', padding: 0 });
    expect(out).toBe('東京  x');
  });

  test('centered cells put the extra space on the right', () => {
    const out = table([['ab']], { border: 'plain', padding: 0, columns: [{ align: 'center', width: 5 }] });
    expect(out).toBe(' ab');
  });
});

describe('overflow', () => {
  test('wraps text at spaces', () => {
    const t = new Table({ columns: [{ width: 10 }], border: 'plain', padding: 0 });
    t.push(['the quick brown fox jumps']);
    expect(t.toString().split('\n')).toEqual(['the quick', 'brown fox', 'jumps']);
  });

  test('breaks a word longer than the column into full-width pieces', () => {
    const t = new Table({ columns: [{ width: 8 }], border: 'plain', padding: 0 });
    t.push(['https://example.org/a/b']);
    expect(t.toString().split('\n')).toEqual(['https://', 'example.', 'org/a/b']);
  });

  test('truncates with an ellipsis when asked', () => {
    const t = new Table({ columns: [{ width: 6, overflow: 'truncate' }], border: 'plain', padding: 0 });
    t.push(['abcdefghij']);
    expect(t.toString()).toBe('abcde…');
  });
});

describe('data', () => {
  test('formats, sorts and totals numbers', () => {
    const t = fromObjects(
      [
        { file: 'b.bin', size: 2048 },
        { file: 'a.txt', size: 10 },
      ],
      { columns: [{}, { format: 'bytes', align: 'right' }], border: 'plain', padding: 0 },
    );
    t.sortBy(1);
    expect(t.toJSON()).toEqual([
      { file: 'a.txt', size: 10 },
      { file: 'b.bin', size: 2048 },
    ]);
    expect(t.toString().split('\n')[2]).toBe('b.bin  2.0 KiB');
  });
});

describe('csv', () => {
  test('numeric columns align right', () => {
    const { fromCsv } = require('../src');
    const t = fromCsv('item,qty\nTea,3\n"Milk, oat",12\n', { border: 'plain', padding: 0 });
    expect(t.toString().split('\n')).toEqual(['item       qty', 'Tea          3', 'Milk, oat   12']);
  });
});
