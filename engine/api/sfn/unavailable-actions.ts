import type { ServiceDeps } from '../../service/deps';
import { notAvailableYet } from './errors';

/**
 * Actions of the Step Functions API that Stepflow does not offer yet (Distributed Map runs): each
 * answers `UnsupportedOperation` saying so.
 * Replace an entry here when its action is built.
 */
const NOT_YET = ['DescribeMapRun', 'ListMapRuns', 'UpdateMapRun'] as const;

/** The not-yet-available actions, keyed by action name. */
export const unavailableActions: Record<string, (deps: ServiceDeps, body: unknown) => Promise<unknown>> =
  Object.fromEntries(
    NOT_YET.map((action) => [
      action,
      async () => {
        throw notAvailableYet(action);
      },
    ]),
  );
