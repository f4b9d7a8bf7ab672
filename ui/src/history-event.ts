/** A history event as `GET /v1/executions/{id}/history` returns it (one `…EventDetails` member). */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: string;
  type: string;
  [details: string]: unknown;
}
