// The benches' settings, read from the environment (BENCH_SECONDS=1, BENCH_CLIENTS=1,16): a bad value
// stops the run with the setting's name rather than measuring something else.

/** A number in [min, max], or `fallback` when the variable is unset or empty. */
export function numberSetting(name, fallback, min, max) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new Error(`${name}=${text}: expected a number in [${min}, ${max}]`);
  return value;
}

/** A comma-separated list, trimmed, or `fallback` when the variable is unset or empty. */
export function listSetting(name, fallback = undefined) {
  const text = process.env[name];
  return text ? text.split(',').map((part) => part.trim()) : fallback;
}
