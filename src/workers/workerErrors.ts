/** Why a worker channel refused or failed a call; its owner maps these to the errors its callers see. */
export class WorkerChannelError extends Error {}

/** The worker said it could not start (its `start` threw), or did not say it was ready in time. */
export class WorkerStartFailed extends WorkerChannelError {
  constructor(
    readonly worker: string,
    /** The worker's own words (its start error's message), or the timeout. */
    readonly reason: string,
  ) {
    super(`the ${worker} could not start: ${reason}`);
  }
}

/** The thread ended (crash, terminate, or exit during start): every call it had not answered fails with this. */
export class WorkerStopped extends WorkerChannelError {
  constructor(
    readonly worker: string,
    readonly exitCode: number | undefined,
    readonly duringStart: boolean,
    /** The uncaught error that ended it, if one did. */
    crash?: Error,
  ) {
    const what = duringStart ? `the ${worker} exited during start (code ${exitCode})` : `the ${worker} stopped (exit code ${exitCode})`;
    super(crash ? `${what}: ${crash.message}` : what, { cause: crash });
  }
}

/** The worker's handler threw: its message, as the worker saw it. */
export class WorkerCallFailed extends WorkerChannelError {
  constructor(
    readonly method: string,
    message: string,
  ) {
    super(message);
  }
}
