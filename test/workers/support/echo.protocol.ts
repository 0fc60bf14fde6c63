/** The test worker of workerChannel.test.ts: small methods that each exercise one part of the channel. */
export interface EchoProtocol {
  data: { greeting: string; failStart?: string; hangStart?: boolean };
  ready: { greeting: string; threadId: number };
  methods: {
    echo: { payload: { value: string; delayMs: number }; result: string };
    /** Doubles the values and sends them back transferred; says how many it received. */
    double: { payload: Float32Array; result: Float32Array };
    fail: { payload: string; result: never };
    /** Emits `count` events, then answers. */
    count: { payload: number; result: 'counted' };
    exit: { payload: number; result: never };
  };
  events: { step: number };
}
