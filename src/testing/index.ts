/**
 * Tools for testing code that uses retention-kit, and for testing the library itself: a realistic
 * business simulator, seeded random streams, and fast-check arbitraries of the domain's records.
 *
 * `fast-check` is an optional peer dependency: install it to use this entry.
 *
 * @module testing
 */

export { createRandom, type Random, streamFor } from '../core/random';
export {
  arbActivityEvents,
  arbCalendarDuration,
  arbCustomers,
  arbFixedDuration,
  arbInstant,
  arbInstantInput,
  arbIsoString,
  arbLifetimes,
  arbMrrChanges,
  arbOrders,
  arbPaymentAttempts,
  arbSurveyResponses,
  arbTimeZone,
  type InstantRange,
  type MrrChangeListOptions,
  type RecordListOptions,
} from './arbitraries';
export {
  type ConformanceOptions,
  concurrencyConformance,
  customersConformance,
  dueCustomersConformance,
  eventsConformance,
  outboxConformance,
  type StoreFactory,
  storeConformance,
  type TestRegistrar,
} from './conformance';
export {
  type ResolvedSimulationOptions,
  type SimulateBusinessOptions,
  type SimulatedBusiness,
  type SimulatedCustomerTruth,
  type SimulatedExitReason,
  simulateBusiness,
} from './simulate';
