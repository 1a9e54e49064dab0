// A/B traffic split: each request picks a served model with probability equal to its share. Models
// without shares split evenly.

export interface TrafficShare {
  model: string;
  traffic?: number | undefined;
}

export function pickByTraffic<T extends TrafficShare>(
  served: readonly T[],
  random: () => number = Math.random,
): T {
  if (served.length === 0) throw new Error('pickByTraffic needs at least one served model');
  const weights = served.map((s) => s.traffic ?? 100 / served.length);
  const total = weights.reduce((sum, w) => sum + w, 0);
  let point = random() * total;
  for (let i = 0; i < served.length; i++) {
    point -= weights[i]!;
    if (point < 0) return served[i]!;
  }
  // Rounding can leave `point` at exactly 0 after the last share: the last model with a share wins.
  for (let i = served.length - 1; i >= 0; i--) if (weights[i]! > 0) return served[i]!;
  return served[served.length - 1]!;
}
