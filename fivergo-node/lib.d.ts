// Types of the package entry point (`lib.js`): what JavaScript adds over the native
// binding. The native functions and every value type are generated into `index.d.ts`
// by `napi build` from the Rust code.

import type {
  Brief,
  BriefInput,
  EvalReport,
  Gateway,
  Hub as NativeHub,
  JobReport,
  Modality,
  Policy as NativePolicy,
  TrainingAsset,
} from './index'

/** Every number of the SPEC (the native class, plus `fromJson`). */
export type Policy = NativePolicy
export declare const Policy: typeof NativePolicy & {
  /** Parses and validates a policy JSON; throws `FivergoError` `invalid_policy`. */
  fromJson(json: string): NativePolicy
}

export {
  version,
  defaultPolicyJson,
  loadPolicy,
  inspect,
  inspectMany,
  decode,
  markDraft,
  detectWatermark,
} from './index'

export type {
  Artifact,
  Asset,
  AssetMeta,
  AssetMetaInput,
  AssetSource,
  AssetSourceInput,
  Brief,
  BriefInput,
  CatalogueEntry,
  Charge,
  ChargeRequest,
  ChargeSource,
  ClockStep,
  Creation,
  CreationModel,
  Currency,
  CustomOffer,
  Detection,
  EndReason,
  Entitlement,
  Entitlements,
  ErrorDetails,
  EvalReport,
  EventPage,
  FileRef,
  Finding,
  FivergoEvent,
  Gateway,
  GatewayCharge,
  GenerationJob,
  GenerationOutcome,
  GenerationRequest,
  GeneratorRegistryName,
  Inspected,
  JobReport,
  JobStatus,
  Listing,
  MarkedDraft,
  Modality,
  ModelRecord,
  ModelStatus,
  Money,
  MoneyInput,
  OfferInput,
  Order,
  OrderPath,
  OrderStatus,
  Outcome,
  Partition,
  PaymentMethod,
  PaymentMethodInput,
  PaymentMethodKind,
  Placement,
  PlacementInput,
  PlaygroundResult,
  PriceSpec,
  PriceSpecInput,
  PricingUnit,
  QuotaStatus,
  QuotaWindow,
  Quote,
  QuoteLine,
  Report,
  Reputation,
  Requirement,
  Review,
  Seller,
  SellerLevel,
  Severity,
  SkippedAsset,
  Subscription,
  SubscriptionRecord,
  SubscriptionState,
  SubscriptionStatus,
  Trace,
  TrainedStyle,
  TrainedVersion,
  TrainingAsset,
  TrainingJob,
  UnpublishReason,
  WorkId,
} from './index'

/** A refusal or failure of the fivergo engine, with the error's data as fields. */
export declare class FivergoError extends Error {
  constructor(
    message: string,
    fields: { code: string; rule?: string | null; details?: Record<string, unknown> },
  )
  readonly name: 'FivergoError'
  /** Stable snake_case code, e.g. `training_quota_exhausted`. */
  code: string
  /** The SPEC rule the refusal enforces (`T5`, ...), or `null`. */
  rule: string | null
  /** The kind of refusal (`order`, `quota`, `invalid_input`, ...): one per error variant of the core. */
  family?: string
  /** The error's fields (`code`, `rule` and `message` included), camelCase, instants as `Date`. */
  details: Record<string, unknown>
  /** The exception a JavaScript generator threw, for `generator_failed`. */
  cause?: unknown
  /** The error's own data fields (`used`, `limit`, `renewsAt`, `missing`, ...). */
  [field: string]: unknown
}

/** What a JavaScript generator's `train` receives. */
export interface TrainInput {
  subcategory: string
  modality: Modality
  instructions: string | null
  /** The owner's selected assets (D5), with their files when uploaded. */
  assets: TrainingAsset[]
}

/** What a JavaScript generator's `generate` receives. */
export interface GenerateInput {
  /** The style `train` returned (after a JSON round trip). */
  style: unknown
  brief: Brief
  seed: number
}

/** Progress and cancellation of a generator call. */
export interface JobControl {
  /**
   * Reports the fraction done (`0..1`); returns whether to stop: the job was
   * cancelled, or the call's deadline (`limits` of the policy) passed.
   */
  progress(fraction: number): boolean
  /** Whether to stop (cancelled, or past the deadline): return (or throw). */
  readonly cancelled: boolean
}

/**
 * A generator written in JavaScript. `train` returns a JSON-serializable style;
 * `generate` returns a file (`Buffer` / `Uint8Array`: PNG, JPEG, WebP or WAV) or a
 * string (a text). Both may be async. The hub watermarks what `generate` returns.
 */
export interface Generator {
  /** Recorded in trained styles; defaults to `js:<subcategory>`. */
  name?: string
  train(input: TrainInput, ctl: JobControl): unknown
  generate(input: GenerateInput, ctl: JobControl): Buffer | Uint8Array | string | Promise<Buffer | Uint8Array | string>
}

/**
 * Which generator serves which subcategory (C1): a registry for all of them
 * (`'echo'`, the default placeholder; `'reference'`, the core's offline reference
 * generators; `'none'`), or an object whose keys are subcategories, or `'*'` for the
 * registry under them, and whose values are a generator's name (`'quilt'`,
 * `'jingle_synth'`, `'espeak_guide'`, `'markov_text'`, `'echo'`) or a JavaScript
 * generator. An unknown key or name throws `invalid_input` naming `generators.<key>`.
 */
export type Generators =
  | 'echo'
  | 'reference'
  | 'none'
  | { '*'?: 'echo' | 'reference' | 'none'; [subcategory: string]: string | Generator | undefined }

/** How to build a `Hub`. */
export interface HubOptions {
  /** The policy (default: `new Policy()`), or its JSON. */
  policy?: Policy | string
  /** Starts a manual clock at this instant; the system clock when absent. */
  start?: Date
  /** The store: `'memory:'` (default), `'sqlite:path/fivergo.db'` or `'postgres://...'`. */
  store?: string
  /** Which generator serves which subcategory (default `'echo'`). */
  generators?: Generators
  /** The host's payment processor; the simulated gateway when absent. */
  gateway?: Gateway
}

/** What `evaluate` may be given besides the generator, subcategory and files. */
export interface EvaluateOptions {
  /** Another style's files, for style fidelity. */
  other?: Buffer[]
  /** The briefs to generate (default: one). */
  briefs?: BriefInput[]
  /** The seeds (default 1–4). */
  seeds?: number[]
  /** Instructions given to training. */
  instructions?: string
  /** The policy (default: the SPEC's), or its JSON. */
  policy?: Policy | string
}

/**
 * Measures a generator with the core's evaluation harness: a reference generator's
 * name (`quilt`, `jingle_synth`, `espeak_guide`, `markov_text`, `echo`) or a
 * JavaScript generator, trained on `own`.
 */
export declare function evaluate(
  generator: string | Generator,
  subcategory: string,
  own: Buffer[],
  options?: EvaluateOptions,
): Promise<EvalReport>

/** The embedded marketplace engine (every method of the native `Hub`). */
export interface Hub extends NativeHub {}
export declare class Hub {
  constructor(options?: HubOptions)
  /** A hub over the store at `url`: `'sqlite:path/fivergo.db'` or `'memory:'`. */
  static open(url: string, options?: Omit<HubOptions, 'store'>): Hub
}

/** What `runWorker` may be given. */
export interface WorkerOptions {
  /** Stops the loop. */
  signal?: AbortSignal
  /** How long to wait when no job is ready (default 500 ms). */
  idleMs?: number
  /** Whether to settle renewals, ends and lost leases (`hub.tick()`) when idle. */
  tick?: boolean
  /** Called with each refusal (a lost lease, an unreachable store); the loop goes on. */
  onError?: (err: FivergoError) => void
}

/**
 * The worker loop a host runs N times: claims a job (`hub.workOnce(name)`), runs it
 * off the main thread, records it; resolves, once `signal` aborts, to the reports of
 * the jobs it ran.
 */
export declare function runWorker(hub: Hub, name: string, options?: WorkerOptions): Promise<JobReport[]>
