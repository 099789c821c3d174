/**
 * What AWS charges for what one purchase uses, in one place, with its date and source. Region
 * us-east-1, Lambda on arm64, list prices without free tiers or savings plans, as published on the
 * services' pricing pages (aws.amazon.com/<service>/pricing) and read on the date below.
 */
export const PRICES = {
  asOf: '2026-12-01',
  region: 'us-east-1',
  dynamodb: {
    /** On-demand, per write request unit (1 KB; ×2 in a transaction); price since 2024-11-01. */
    perMillionWriteUnits: 0.625,
    /** On-demand, per read request unit (4 KB strongly consistent; ½ eventually consistent; ×2 transactional). */
    perMillionReadUnits: 0.125,
    /** Standard table class storage, per GB-month (first 25 GB free: not applied). */
    perGbMonth: 0.25,
    /**
     * Provisioned capacity, per unit-hour, for the comparison line: one WCU is 3,600 writes an hour
     * at full use; auto scaling keeps a table near its target utilisation (70 % by default).
     */
    provisioned: { perWcuHour: 0.00065, perRcuHour: 0.00013, utilisation: 0.7 },
    /** Streams read by a Lambda event source mapping are free of charge. */
    perMillionStreamReadsByLambda: 0,
  },
  lambda: {
    perMillionRequests: 0.2,
    /** arm64, first 6 billion GB-s of the month. */
    perGbSecond: 0.0000133334,
    /** Billed duration rounds up to the millisecond. */
    billingIncrementMs: 1,
  },
  stepFunctionsExpress: {
    perMillionRequests: 1.0,
    /** First 1,000 GB-hours; memory in 64 MB steps, duration in 100 ms steps. */
    perGbSecond: 0.00001667,
    memoryStepMb: 64,
    billingIncrementMs: 100,
  },
  apiGatewayHttp: {
    /** First 300 million requests of the month, each metered in 512 KB increments. */
    perMillionRequests: 1.0,
  },
  cloudWatchLogs: {
    /** Standard log class ingestion. */
    perGbIngested: 0.5,
  },
  xray: {
    perMillionTracesRecorded: 5.0,
    /** X-Ray's default sampling rule: the first request each second, then 5 % (what a busy service records). */
    sampledShare: 0.05,
  },
} as const;

/** Lambda's START, END and REPORT lines per invocation (text format, with the X-Ray line): about this many bytes. */
export const LAMBDA_PLATFORM_LOG_BYTES = 350;
