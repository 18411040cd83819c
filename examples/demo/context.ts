import type { SimulatedBusiness } from '../../src/testing/index';

/** What every demo section receives. */
export interface DemoContext {
  readonly business: SimulatedBusiness;
  /** The instant the dashboard is drawn at: the end of the simulated history. */
  readonly asOf: number;
}
