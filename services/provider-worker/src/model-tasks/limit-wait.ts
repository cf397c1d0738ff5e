/**
 * A provider's limits (or its 429 pause) hold the task back: the processor moves the job to BullMQ's delayed set
 * until `until`, so it holds no worker slot while it waits and spends no attempt.
 */
export class LimitWait extends Error {
  constructor(
    readonly until: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'LimitWait';
  }
}
