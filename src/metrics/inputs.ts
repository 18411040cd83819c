import type { InstantInput } from '../core/instant';
import type { Attributes } from '../core/records';

/**
 * What the event-based calculators read from an activity event: who, what and when (and, for
 * {@link featureUsageByOutcome}, its properties). Every `ActivityEvent` of the core model fits;
 * so does any record of your own with these fields.
 *
 * @category metrics
 */
export interface MetricEvent {
  /** The customer the event belongs to. */
  readonly customerId: string;
  /** The event type, e.g. `'login'`. */
  readonly type: string;
  /** When it happened. */
  readonly at: InstantInput;
  /** Details, e.g. `{ feature: 'reports' }`. */
  readonly properties?: Attributes;
}

/**
 * What the purchase calculators read from an order: who and when. Every `Order` of the core
 * model fits. Each record is one purchase: remove re-ingested duplicates first.
 *
 * @category metrics
 */
export interface MetricOrder {
  /** The customer who ordered. */
  readonly customerId: string;
  /** When the order was placed. */
  readonly at: InstantInput;
}

/**
 * A survey answer as {@link nps} and {@link csat} read it: a bare score, or a record with a
 * `score` (every `SurveyResponse` fits). Records whose `kind` names another survey are skipped.
 *
 * @category metrics
 */
export type MetricSurveyAnswer =
  | number
  | { readonly score?: number; readonly kind?: 'nps' | 'csat' | 'ces' | 'exit' };
