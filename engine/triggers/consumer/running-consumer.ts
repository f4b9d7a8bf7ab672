/** A queue trigger being consumed. */
export interface RunningConsumer {
  /** Stops taking messages, lets those in flight finish (ack or not), and closes the connection. */
  stop(): Promise<void>;
  /** Settles when the consumer ended by itself (connection lost): the manager restarts it. */
  closed: Promise<void>;
}
