/**
 * Defers building a value (a zod schema, a lookup table) until first use and caches it, so that
 * importing a module does no work and a bundler can drop it when unused.
 *
 * @param build - Builds the value.
 * @returns A function that returns the value, building it on the first call.
 * @internal
 */
/* @__NO_SIDE_EFFECTS__ */
export function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}
