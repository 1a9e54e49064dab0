// An async iterator's next result passed on through one `then`, for iterators written out by hand on the
// hot path of streams (an async generator or method costs promises and microtask turns per item).

/**
 * `iterator.next()` with its result handed to `onResult`, and a failure to `onError` — a rejection, or a
 * synchronous throw, which an iterator may do instead of rejecting.
 */
export function nextThen<T, R>(
  iterator: AsyncIterator<T>,
  onResult: (result: IteratorResult<T>) => R | PromiseLike<R>,
  onError: (error: unknown) => R | PromiseLike<R>,
): Promise<R> {
  let pending: Promise<IteratorResult<T>>;
  try {
    pending = iterator.next();
  } catch (error) {
    return Promise.resolve(onError(error));
  }
  return pending.then(onResult, onError);
}
