// The RequestContext the pipeline builds for every request, as a class: every field exists from the
// constructor on, so all contexts share one shape (a literal with fields added later takes several), and
// the query string is parsed only by the routes that read it.

import { randomUUID } from 'node:crypto';
import type { Actor } from '../../catalog/index.js';
import { CancellationSource, LakegateError } from '../../core/index.js';
import type { AnyRequest, AnyResponse } from '../server/listen.js';
import type { RequestContext } from './context.js';

export class PipelineContext implements RequestContext {
  readonly method: string;
  readonly rawPath: string;
  params: Record<string, string> = {};
  readonly requestId = randomUUID();
  principal: Actor | undefined = undefined;
  body: Buffer | undefined = undefined;
  private readonly url: string;
  private readonly question: number;
  private parsedQuery: URLSearchParams | undefined = undefined;
  /** The client's leaving, followed by the model call without an AbortSignal (see CancellationSource). */
  readonly cancellation = new CancellationSource();

  constructor(
    readonly req: AnyRequest,
    readonly res: AnyResponse,
  ) {
    this.url = req.url ?? '/';
    this.question = this.url.indexOf('?');
    this.rawPath = this.question === -1 ? this.url : this.url.slice(0, this.question);
    this.method = req.method ?? 'GET';
    // A response is closed exactly once: a plain listener is enough (no once-wrapper per request).
    res.on('close', () => {
      if (!res.writableFinished)
        this.cancellation.cancel(new LakegateError('REQUEST_CANCELLED', 'The client went away.'));
    });
  }

  /** Aborted when the client goes away before the response has finished (made on first use). */
  get signal(): AbortSignal {
    return this.cancellation.signal;
  }

  get query(): URLSearchParams {
    this.parsedQuery ??= new URLSearchParams(this.question === -1 ? '' : this.url.slice(this.question + 1));
    return this.parsedQuery;
  }
}
