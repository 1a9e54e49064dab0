// The JS distance kernels of the exact scan: four-way unrolled so that V8 keeps the four accumulators in
// registers and the loads sequential. Sums are float64 over float32 products.

export function dot(a: Float32Array, aOffset: number, b: Float32Array, dimension: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < dimension; i += 4) {
    s0 += a[aOffset + i]! * b[i]!;
    s1 += a[aOffset + i + 1]! * b[i + 1]!;
    s2 += a[aOffset + i + 2]! * b[i + 2]!;
    s3 += a[aOffset + i + 3]! * b[i + 3]!;
  }
  for (; i < dimension; i++) s0 += a[aOffset + i]! * b[i]!;
  return s0 + s1 + s2 + s3;
}

export function squaredL2(a: Float32Array, aOffset: number, b: Float32Array, dimension: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < dimension; i += 4) {
    const d0 = a[aOffset + i]! - b[i]!;
    const d1 = a[aOffset + i + 1]! - b[i + 1]!;
    const d2 = a[aOffset + i + 2]! - b[i + 2]!;
    const d3 = a[aOffset + i + 3]! - b[i + 3]!;
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; i < dimension; i++) {
    const d = a[aOffset + i]! - b[i]!;
    s0 += d * d;
  }
  return s0 + s1 + s2 + s3;
}
