import { SseParser } from './sse-parser.js';

describe('SseParser', () => {
  it('parses events with type, id and multi-line data, ignoring comments (heartbeats)', () => {
    const parser = new SseParser();
    const events = parser.feed(
      ': heartbeat\n\nid: 1-0\nevent: stage.started\ndata: {"stage":"initial"}\n\nid: 2-0\nevent: output.delta\ndata: line one\ndata: line two\n\n',
    );
    expect(events).toEqual([
      { event: 'stage.started', data: '{"stage":"initial"}', id: '1-0' },
      { event: 'output.delta', data: 'line one\nline two', id: '2-0' },
    ]);
    expect(parser.lastEventId).toBe('2-0');
  });

  it('handles chunks split anywhere, including between CR and LF', () => {
    const text = 'id: 7\r\nevent: analysis.completed\r\ndata: {"a":1}\r\n\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      const parser = new SseParser();
      const events = [...parser.feed(text.slice(0, cut)), ...parser.feed(text.slice(cut))];
      expect(events).toEqual([{ event: 'analysis.completed', data: '{"a":1}', id: '7' }]);
    }
  });

  it('accepts bare CR line endings and a leading BOM', () => {
    const parser = new SseParser();
    expect(parser.feed('\uFEFFdata: x\r\rdata:y\r\r')).toEqual([
      { event: 'message', data: 'x', id: undefined },
      { event: 'message', data: 'y', id: undefined },
    ]);
  });

  it('does not count the id of an event cut off before its blank line', () => {
    const parser = new SseParser();
    parser.feed('id: 1\ndata: a\n\nid: 2\ndata: b\n');
    expect(parser.lastEventId).toBe('1');
  });

  it('keeps the last id across events without one, ignores ids with NUL and takes retry digits only', () => {
    const parser = new SseParser();
    const events = parser.feed('id: 5\ndata: a\n\ndata: b\n\nid: x\u0000y\nretry: soon\ndata: c\n\nretry: 2500\n\n');
    expect(events.map((e) => e.id)).toEqual(['5', '5', '5']);
    expect(parser.retryMs).toBe(2500);
  });

  it('dispatches nothing for an event without data, and strips only one leading space', () => {
    const parser = new SseParser();
    expect(parser.feed('event: ping\n\ndata:  two spaces\n\n')).toEqual([
      { event: 'message', data: ' two spaces', id: undefined },
    ]);
  });
});
