// The checks every numeric and boolean option goes through: one wording for every bad value.

/** `value`, an integer within `bounds`, or `bounds.fallback` when unset; else a TypeError naming it. */
export function integer(
  value: unknown,
  name: string,
  bounds: { min: number; max: number; fallback: number },
): number {
  if (value === undefined) return bounds.fallback
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < bounds.min ||
    value > bounds.max
  ) {
    throw new TypeError(`"${name}" must be an integer from ${bounds.min} to ${bounds.max}`)
  }
  return value
}

/** `value`, a boolean, or `fallback` when unset; else a TypeError naming it. */
export function boolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new TypeError(`"${name}" must be a boolean`)
  return value
}
