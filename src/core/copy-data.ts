// A deep copy of plain data (objects, arrays, primitives, byte arrays), as structuredClone makes but
// without its serialiser: structuredClone of a small model answer cost more than anything else the
// response cache did per call. Anything that is not plain data (Date, Map, class instances) is copied
// by structuredClone, so the result is always an independent copy.

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

export function copyData<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyData) as T;
  if (value instanceof Uint8Array && value.constructor === Uint8Array) return value.slice() as T;
  if (!isPlainObject(value)) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = copyData((value as Record<string, unknown>)[key]);
  return copy as T;
}
