// The response parser reads every framing the same way however the bytes are split across reads, and
// refuses the answers that could be read two ways.

import { describe, expect, it } from 'vitest';
import {
  Http1ParseError,
  Http1ResponseParser,
  MAX_HEAD_BYTES,
  type ResponseHead,
} from './http1-response-parser.js';

interface Parsed {
  heads: ResponseHead[];
  body: string;
  completions: boolean[];
}

function parserWith(bodyless = false): { parser: Http1ResponseParser; parsed: Parsed } {
  const parsed: Parsed = { heads: [], body: '', completions: [] };
  const parser = new Http1ResponseParser(
    {
      onHead: (head) => parsed.heads.push(head),
      onBody: (chunk) => {
        parsed.body += chunk.toString('latin1');
      },
      onComplete: (reusable) => parsed.completions.push(reusable),
    },
    bodyless,
  );
  return { parser, parsed };
}

/** Parses `wire` split into the given pieces. */
function parseSplit(wire: string, cuts: number[], bodyless = false): Parsed {
  const { parser, parsed } = parserWith(bodyless);
  const bytes = Buffer.from(wire, 'latin1');
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    parser.execute(bytes.subarray(from, cut));
    from = cut;
  }
  return parsed;
}

/** Every way of cutting the answer in two, and byte by byte: all must parse alike. */
function everySplit(wire: string, bodyless = false): Parsed[] {
  const results = [parseSplit(wire, [], bodyless)];
  for (let cut = 1; cut < wire.length; cut++) results.push(parseSplit(wire, [cut], bodyless));
  results.push(
    parseSplit(
      wire,
      Array.from({ length: wire.length - 1 }, (_, i) => i + 1),
      bodyless,
    ),
  );
  return results;
}

const headOf = (parsed: Parsed) => parsed.heads.map((h) => ({ status: h.status, headers: h.headers }));

describe('Http1ResponseParser', () => {
  it('reads a Content-Length body the same way whatever the reads', () => {
    const wire =
      'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\n\r\n{"ok":true}';
    for (const parsed of everySplit(wire)) {
      expect(headOf(parsed)).toEqual([
        {
          status: 200,
          headers: {
            'content-type': 'application/json',
            'content-length': '11',
            'set-cookie': ['a=1', 'b=2'],
          },
        },
      ]);
      expect(parsed.body).toBe('{"ok":true}');
      expect(parsed.completions).toEqual([true]);
    }
  });

  it('reads chunked bodies with extensions and trailers, skipping informational answers', () => {
    const wire =
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '5;name=value\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: yes\r\n\r\n';
    for (const parsed of everySplit(wire)) {
      expect(parsed.heads.map((h) => h.status)).toEqual([200]);
      expect(parsed.body).toBe('hello 0123456789');
      expect(parsed.completions).toEqual([true]);
    }
  });

  it('reads a body that runs to the end of the connection, which then cannot be reused', () => {
    const { parser, parsed } = parserWith();
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\npart one, '));
    parser.execute(Buffer.from('part two'));
    expect(parsed.completions).toEqual([]);
    parser.end();
    expect(parsed.body).toBe('part one, part two');
    expect(parsed.completions).toEqual([false]);
  });

  it('knows the answers that have no body, and the connections that close', () => {
    expect(parseSplit('HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n', []).completions).toEqual([
      true,
    ]);
    expect(parseSplit('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', [], true).completions).toEqual([true]);
    expect(
      parseSplit('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', []).completions,
    ).toEqual([false]);
    expect(parseSplit('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok', []).completions).toEqual([false]);
    // A transfer coding that is not chunked last runs to the end of the connection.
    const { parser, parsed } = parserWith();
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx'));
    parser.end();
    expect(parsed.completions).toEqual([false]);
  });

  it('accepts repeated Content-Length headers only when they agree', () => {
    expect(parseSplit('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok', []).body).toBe(
      'ok',
    );
    expect(() =>
      parseSplit('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok', []),
    ).toThrow(Http1ParseError);
    expect(() => parseSplit('HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\nok', [])).toThrow(
      Http1ParseError,
    );
    expect(() => parseSplit('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', [])).toThrow(Http1ParseError);
  });

  it.each([
    [
      'Content-Length with Transfer-Encoding',
      'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
    ],
    ['a folded header line', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  continued\r\nContent-Length: 0\r\n\r\n'],
    ['a bare LF', 'HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n'],
    ['a bare LF in a value', 'HTTP/1.1 200 OK\r\nX-A: 1\nX-B: 2\r\nContent-Length: 0\r\n\r\n'],
    ['a bare CR in a value', 'HTTP/1.1 200 OK\r\nX-A: 1\rX-B: 2\r\nContent-Length: 0\r\n\r\n'],
    ['a NUL in a value', 'HTTP/1.1 200 OK\r\nX-A: 1\u0000\r\nContent-Length: 0\r\n\r\n'],
    ['a bare CR ending the status line', 'HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n'],
    ['a malformed status line', 'HTTP/2 200\r\nContent-Length: 0\r\n\r\n'],
    ['a header name with a space', 'HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 0\r\n\r\n'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['chunk data not followed by CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX'],
    ['data after the answer', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n'],
    ['a protocol upgrade', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'],
  ])('refuses %s', (_what, wire) => {
    expect(() => parseSplit(wire, [])).toThrow(Http1ParseError);
  });

  it('refuses a head larger than the limit, even before it ends', () => {
    const { parser } = parserWith();
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\n'));
    const filler = Buffer.from(`X-Filler: ${'a'.repeat(1000)}\r\n`);
    expect(() => {
      for (let i = 0; i <= MAX_HEAD_BYTES / filler.length; i++) parser.execute(filler);
    }).toThrow(/too large/);
  });

  it('says when the connection ended before the answer was complete', () => {
    const { parser } = parserWith();
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort'));
    expect(() => parser.end()).toThrow(/before the response was complete/);
  });
});
