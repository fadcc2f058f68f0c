// A describe-level stand-in for a value that a before-hook builds anew for every test.

/**
 * An object that stands for the value a hook builds, before the hook has run: reading it inside a
 * test reads the current value. Lets a suite write `const stack = useStack()` at describe level.
 * @example const stack = lateBound<Stack>('the stack'); beforeEach(async () => stack.set(await build()))
 */
export function lateBound<T extends object>(
  what: string,
): { value: T; set(value: T | undefined): void } {
  let current: T | undefined
  const target = (): T => {
    if (current === undefined) throw new Error(`${what} is built by a hook: use it inside a test`)
    return current
  }
  const value = new Proxy({} as T, {
    get: (_, key) => Reflect.get(target(), key),
    set: (_, key, next) => Reflect.set(target(), key, next),
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(target(), key),
  })
  return {
    value,
    set(next) {
      current = next
    },
  }
}
