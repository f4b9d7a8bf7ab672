import { z } from 'zod';

/**
 * One Step Functions history event: `id`, `previousEventId`, `timestamp`, `type` and one
 * `…EventDetails` member named for the type (e.g. `stateEnteredEventDetails`).
 */
export const HistoryEventSchema = z
  .object({
    id: z.number().int().positive(),
    previousEventId: z.number().int().nonnegative(),
    timestamp: z.string(),
    type: z.string(),
  })
  .catchall(z.unknown());

export type HistoryEvent = z.infer<typeof HistoryEventSchema>;
