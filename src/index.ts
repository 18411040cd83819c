/**
 * retention-kit: composable, side-effect-free primitives that help a business keep its customers
 * after the first purchase.
 *
 * The root entry re-exports the domain model and every pure module; each module also has its own
 * subpath (`retention-kit/metrics`, ...). Nothing here reads the clock or performs I/O.
 *
 * @packageDocumentation
 */
export * from './core/index';
export * from './dunning/index';
export * from './lifecycle/index';
export * from './metrics/index';
export * from './scoring/index';
export * from './triggers/index';
export * from './winback/index';
