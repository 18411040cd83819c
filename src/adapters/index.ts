/**
 * The boundary between the pure modules and the world: the storage and delivery interfaces a
 * retention engine runs against, the in-memory store (the embedded default), and clocks.
 *
 * @module adapters
 */
export { createManualClock, type ManualClock, systemClock } from './clock';
export {
  createRecordingDelivery,
  PermanentDeliveryError,
  type RecordedDelivery,
  type RecordingDelivery,
  type RecordingDeliveryOptions,
} from './delivery';
export { createMemoryStore, type MemoryStore } from './memoryStore';
export type {
  ClaimOptions,
  Clock,
  CommitInput,
  CommitResult,
  CustomerClaim,
  CustomerRecord,
  Delivery,
  DeliveryContext,
  OutboxEntry,
  OutboxStatus,
  RetentionStore,
  StoreCapabilities,
  StoredEvent,
} from './types';
