// Value types of the fivergo engine, put at the head of the generated index.d.ts by
// `napi build` (package.json `napi.dtsHeaderFile`). They describe what the native
// functions below return and accept: the core's serde JSON with camelCase keys,
// instants as `Date`, money as decimal strings, files as `Buffer`.

export type Currency = 'USD' | 'EUR' | 'GBP'
/** An amount: a decimal string (never a JS number) and its currency. */
export interface Money { amount: string; currency: Currency }
/** An amount given by the caller: a decimal string in the hub's currency, or `{amount, currency}`. */
export type MoneyInput = string | { amount: string; currency?: Currency }
export type SellerLevel = 'new' | 'level_1' | 'level_2' | 'top_rated'
export type PaymentMethodKind = 'card' | 'paypal'
export type Modality = 'image' | 'audio' | 'text'
export type PricingUnit = 'item' | 'seconds' | 'words'
export type ModelStatus = 'draft' | 'training' | 'ready' | 'published' | 'unpublished' | 'archived'
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'
export type OrderStatus =
  | 'offer_requested' | 'offer_sent' | 'drafted' | 'released' | 'revision_requested' | 'revision_delivered' | 'completed'
export type OrderPath = 'immediate_download' | 'custom_offer'
export type Severity = 'warning' | 'error'
export type UnpublishReason = 'seller' | 'archived' | 'eligibility' | 'subscription_ended'
export type EndReason = 'cancelled' | 'payment_failed'

/** A command's result: its value and every event it recorded (settling included). */
export interface Outcome<T> { value: T; events: FivergoEvent[] }

/** A file in the blob store: its SHA-256, size, media type and pixel size or duration. */
export interface FileRef {
  sha256: string; len: number; mediaType: string; width?: number; height?: number; durationMs?: number
}

export interface PaymentMethod { id: string; kind: PaymentMethodKind; label: string }
export interface Reputation { successScoreOrders: number; ratingSum: number; ratingCount: number }
export interface Seller {
  id: string; level: SellerLevel; pro: boolean; gigs: string[]; balance: Money
  paymentMethods: PaymentMethod[]; reputation: Reputation
}

export interface CatalogueEntry {
  slug: string; name: string; modality: Modality; available: boolean; pricingUnits: PricingUnit[]
  minAssetSeconds?: number | null; trainingsPerPeriod?: number | null; recommendedAssetTags: string[]
}

export type AssetSource =
  | { type: 'portfolio' } | { type: 'work_sample' } | { type: 'upload' }
  | { type: 'client_delivery'; order: string; public: boolean }
export type AssetSourceInput = 'portfolio' | 'work_sample' | 'upload' | AssetSource
/** Measured facts of an asset (A3, A4, A8); every field may be absent. */
export interface AssetMeta {
  fileName?: string | null; width?: number | null; height?: number | null; durationMs?: number | null
  monochrome?: boolean | null; blurry?: boolean | null; textOrWatermark?: boolean | null
  backgroundNoise?: boolean | null; clipping?: boolean | null; longSilence?: boolean | null; voices?: number | null
  style?: string | null; genre?: string | null; upscaled?: boolean | null; sharpness?: number | null
  meanChroma?: number | null; sampleRateHz?: number | null; channels?: number | null; peakDbfs?: number | null
  rmsDbfs?: number | null; noiseFloorDbfs?: number | null; snrDb?: number | null; styleVector?: number[] | null
}
export type AssetMetaInput = Partial<AssetMeta>
export interface Asset {
  id: string; owner: string; source: AssetSource; modality: Modality; meta: AssetMeta; tags: string[]
  addedAt: Date; seq: number
  /** The file, when the library holds it (uploads, public deliveries). */
  content?: FileRef
}
/** A best-practice finding (A4, A8). */
export interface Finding { code: string; severity: Severity; asset?: string | null; rule: string; message: string }
/** What `inspect` measured of a file. */
export interface Inspected { modality: Modality; meta: AssetMeta }

export type PriceSpec =
  | { type: 'per_unit'; unit: PricingUnit; unitPrice: Money }
  | { type: 'base_increments'; unit: PricingUnit; baseQuantity: number; basePrice: Money; incrementQuantity: number; incrementPrice: Money }
export type PriceSpecInput =
  | { type: 'per_unit'; unit: PricingUnit; unitPrice: MoneyInput }
  | { type: 'base_increments'; unit: PricingUnit; baseQuantity: number; basePrice: MoneyInput; incrementQuantity: number; incrementPrice: MoneyInput }
export interface QuoteLine { kind: 'units' | 'base' | 'increments'; quantity: number; unitPrice: Money; amount: Money; label: string }
export interface Quote { unit: PricingUnit; quantity: number; lines: QuoteLine[]; total: Money; includedEdits: number }

export interface Placement { gigs: string[]; onProfile: boolean }
export interface TrainedStyle { generator: string; format: number; data: unknown }
export interface TrainedVersion { version: number; job: string; trainedAt: Date; settingsRev: number; generator: string; style: FileRef }
export type ReportTarget = { type: 'model' } | { type: 'creation'; order: string }
export interface Report { reporter: string; target: ReportTarget; text: string; at: Date }
export type Requirement =
  | { type: 'eligibility' } | { type: 'succeeded_training' } | { type: 'playground_generation'; have: number; need: number }
  | { type: 'price' } | { type: 'active_subscription' } | { type: 'active_model_slot'; limit: number }
export interface CreationModel {
  id: string; owner: string; subcategory: string; name?: string | null; status: ModelStatus; createdAt: Date
  assets: string[]; instructions?: string | null; attestedAt?: Date | null; live?: TrainedVersion | null
  settingsRev: number; activeJob?: string | null; playgroundGenerations: number; price?: PriceSpec | null
  placement: Placement; creations: string[]; reports: Report[]
  /** Settings changed since the live version was trained (A7). */
  stale: boolean
}
export interface Listing { model: string; seller: string; name: string; subcategory: string; price: PriceSpec; placement: Placement }
export interface Creation { order: string; client: string; purchasedAt: Date }

export type QuotaWindow = { type: 'before_subscription' } | { type: 'period'; subscription: string; index: number }
export interface TrainingJob {
  id: string; model: string; seller: string; status: JobStatus; progressPct: number; window: QuotaWindow
  assets: string[]; instructions?: string | null; settingsRev: number; queuedAt: Date; finishedAt?: Date | null
  failure?: string | null
  /** While running: until when its runner holds it (T4). */
  leaseUntil?: Date | null
  /** How many times a worker started it. */
  attempt: number
  /** Who runs it, while running. */
  worker?: string | null
  /** Someone asked the running job to stop. */
  cancelRequested: boolean
}
/** One capability of `Hub.entitlements`: the refusal is the error the command would throw now. */
export interface Entitlement { allowed: boolean; refusal: { code: string; rule: string | null; message: string; [detail: string]: unknown } | null }
/** What a seller may do now (E1, E2, S2–S4). */
export interface Entitlements {
  createModels: Entitlement
  train: Entitlement
  playground: Entitlement
  publish: Entitlement
  serveClients: Entitlement
  assistantAutoReplies: Entitlement
}
export interface QuotaStatus { window: QuotaWindow; used: number; limit: number; renewsAt?: Date | null }

export type SubscriptionStatus =
  | { state: 'active' } | { state: 'past_due'; since: Date; period: number } | { state: 'ended'; at: Date; reason: EndReason }
export type ChargeSource = { type: 'balance' } | { type: 'payment_method'; id: string; kind: PaymentMethodKind; reference: string }
export interface Charge { idempotencyKey: string; period: number; amount: Money; source: ChargeSource; at: Date }
export interface Subscription {
  id: string; seller: string; anchor: Date; method: string; status: SubscriptionStatus; cancelAtPeriodEnd: boolean
  paidPeriods: number; charges: Charge[]
  /** `active`, `cancelling`, `past_due` or `ended`. */
  stateName: 'active' | 'cancelling' | 'past_due' | 'ended'
}
export interface GatewayCharge { idempotencyKey: string; method: string; amount: Money }

export interface Brief { text: string; quantity: number; tags: string[] }
/** A brief: a string (one unit) or `{text, quantity, tags}`. */
export type BriefInput = string | { text: string; quantity?: number; tags?: string[] }
export interface CustomOffer { price: Money; nonAiWork: Money; revisions: number; revisionWindowHours: number; terms: string }
export interface Review { stars: number; text: string; at: Date }
export interface Order {
  id: string; draftPayloads: Array<number | null>; client: string; seller: string; model: string
  path: OrderPath; brief: Brief; seed: number; status: OrderStatus; quote?: Quote | null; offer?: CustomOffer | null
  draft?: FileRef | null; clean?: FileRef | null; approved: boolean; paidAt?: Date | null; downloadedAt?: Date | null
  revisionNotes: string[]; completedAt?: Date | null; review?: Review | null; deliveryPublic: boolean
  refunded: Money; createdAt: Date
}

/** An artifact; `bytes` is the encoded file (PNG, WAV, UTF-8). */
export type Artifact =
  | { type: 'image'; width: number; height: number; bytes: Buffer }
  | { type: 'audio'; sampleRate: number; channels: number; durationMs: number; bytes: Buffer }
  | { type: 'text'; text: string; bytes: Buffer }
export interface MarkedDraft { artifact: Artifact; payloadEmbedded: boolean; reason: string | null }
export type Detection = { type: 'found'; payload: number; confidence: number } | { type: 'not_found' }

/** The fields of a refusal: `code`, `rule`, `message` and the error's own data. */
export interface ErrorDetails { code: string; rule: string | null; message: string; [field: string]: unknown }

/** One call of a JavaScript generator, as `lib.js` receives it. */
export type GeneratorCall =
  | { op: 'train'; callId: number; generator: string; subcategory: string; modality: Modality; instructions: string | null
      assets: Array<Asset & { content: Buffer | null }> }
  | { op: 'generate'; callId: number; generator: string; style: string; brief: Brief; seed: number }

/** Everything of one seller's partition. */
export interface Partition {
  id: string; seller: Seller | null; assets: Record<string, Asset>; models: Record<string, Omit<CreationModel, 'stale'>>
  jobs: Record<string, TrainingJob>; subscriptions: Array<Omit<Subscription, 'stateName'>>; orders: Record<string, Order>
  generations: Record<string, GenerationJob>
  counters: { models: number; assets: number; jobs: number; subscriptions: number; orders: number; generations: number }
}

/** What a queued generation is asked to make (`Hub.queueGeneration`). */
export type GenerationRequest =
  | { type: 'playground'; seller: string; model: string; brief: Brief; seed: number }
  | { type: 'order_draft'; client: string; model: string; brief: Brief; seed: number }
  | { type: 'accept_offer'; client: string; order: string; seed: number }
  | { type: 'revision'; client: string; order: string; note: string }
/** What a finished generation made. */
export type GenerationOutcome = { type: 'playground'; artifact: FileRef; watermarked: boolean } | { type: 'draft'; order: string }
/** A queued generation that workers claim. */
export interface GenerationJob {
  id: string; request: GenerationRequest; status: JobStatus; queuedAt: Date; attempt: number; worker?: string | null
  leaseUntil?: Date | null; cancelRequested: boolean; outcome?: GenerationOutcome | null; failure?: string | null
  finishedAt?: Date | null
}
/** A job in the store's job index. */
export interface WorkId { kind: 'training' | 'generation'; id: string }
/** How a job a worker ran ended (`Hub.workOnce`). */
export interface JobReport { work: WorkId; attempt: number; status: JobStatus }

/** How the store recorded an event: unique id, partition, sequence there, global position. */
export interface EventEnvelope { id: string; partition: string; sequence: number; position: number; recordedAt: Date }

/** Every event of the log, told apart by `type`, with its envelope. Files appear as `FileRef`s. */
export type FivergoEvent = EventEnvelope & DomainEvent

/** The events themselves. */
export type DomainEvent =
  | { type: 'seller_registered'; seller: Seller; at: Date }
  | { type: 'seller_level_changed'; seller: string; level: SellerLevel; pro: boolean; eligible: boolean; at: Date }
  | { type: 'gig_added'; seller: string; subcategory: string; at: Date }
  | { type: 'balance_credited'; seller: string; amount: Money; at: Date }
  | { type: 'payment_method_added'; seller: string; method: PaymentMethod; at: Date }
  | { type: 'asset_added'; asset: Asset }
  | { type: 'asset_tagged'; asset: string; tags: string[]; at: Date }
  | { type: 'model_created'; model: string; seller: string; subcategory: string; at: Date }
  | { type: 'assets_selected'; model: string; assets: string[]; at: Date }
  | { type: 'assets_deselected'; model: string; assets: string[]; at: Date }
  | { type: 'instructions_set'; model: string; instructions: string | null; at: Date }
  | { type: 'model_marked_stale'; model: string; at: Date }
  | { type: 'originality_attested'; model: string; seller: string; at: Date }
  | { type: 'model_named'; model: string; name: string; at: Date }
  | { type: 'training_queued'; job: TrainingJob }
  | { type: 'training_started'; job: string; leaseUntil: Date; at: Date; worker: string | null; attempt: number }
  | { type: 'training_requeued'; job: string; attempt: number; reason: string; at: Date }
  | { type: 'generation_queued'; job: GenerationJob }
  | { type: 'generation_started'; job: string; worker: string | null; attempt: number; leaseUntil: Date; at: Date }
  | { type: 'generation_lease_renewed'; job: string; leaseUntil: Date; at: Date }
  | { type: 'generation_cancel_requested'; job: string; at: Date }
  | { type: 'generation_requeued'; job: string; attempt: number; reason: string; at: Date }
  | { type: 'generation_succeeded'; job: string; outcome: GenerationOutcome; at: Date }
  | { type: 'generation_failed'; job: string; reason: string; at: Date }
  | { type: 'generation_cancelled'; job: string; at: Date }
  | { type: 'training_lease_renewed'; job: string; leaseUntil: Date; at: Date }
  | { type: 'training_cancel_requested'; job: string; at: Date }
  | { type: 'training_progressed'; job: string; progressPct: number; at: Date }
  | { type: 'training_succeeded'; job: string; model: string; version: TrainedVersion }
  | { type: 'training_failed'; job: string; model: string; reason: string; quotaReturned: boolean; at: Date }
  | { type: 'training_cancelled'; job: string; model: string; quotaReturned: boolean; at: Date }
  | { type: 'playground_generated'; model: string; artifact: FileRef; watermarked: boolean; at: Date }
  | { type: 'price_set'; model: string; price: PriceSpec; at: Date }
  | { type: 'placement_set'; model: string; placement: Placement; at: Date }
  | { type: 'model_published'; model: string; at: Date }
  | { type: 'model_unpublished'; model: string; reason: UnpublishReason; at: Date }
  | { type: 'model_archived'; model: string; at: Date }
  | { type: 'issue_reported'; model: string; report: Report }
  | { type: 'subscribed'; subscription: Omit<Subscription, 'stateName'> }
  | { type: 'subscription_charged'; subscription: string; seller: string; charge: Charge }
  | { type: 'renewal_declined'; subscription: string; period: number; method: string; reason: string; at: Date }
  | { type: 'quota_renewed'; seller: string; subscription: string; period: number; at: Date }
  | { type: 'subscription_cancelled'; subscription: string; endsAt: Date; at: Date }
  | { type: 'subscription_resumed'; subscription: string; at: Date }
  | { type: 'subscription_ended'; subscription: string; seller: string; reason: EndReason; at: Date }
  | { type: 'order_created'; order: Order }
  | { type: 'offer_sent'; order: string; offer: CustomOffer; at: Date }
  | { type: 'draft_delivered'; order: string; draft: FileRef; clean: FileRef; payload: number | null; at: Date }
  | { type: 'order_approved'; order: string; at: Date }
  | { type: 'order_paid'; order: string; amount: Money; at: Date }
  | { type: 'delivery_downloaded'; order: string; at: Date }
  | { type: 'revision_requested'; order: string; note: string; at: Date }
  | { type: 'order_completed'; order: string; edited: boolean; countsInSuccessScore: boolean; at: Date }
  | { type: 'review_left'; order: string; seller: string; review: Review }
  | { type: 'partial_refund_issued'; order: string; amount: Money; at: Date }
  | { type: 'delivery_visibility_changed'; order: string; public: boolean; at: Date }

/** The evaluation harness's report (`evaluate`). */
export interface EvalReport {
  generator: string
  subcategory: string
  trainingSamples: number
  trainMs: number
  outputs: number
  generate: { minMs: number; medianMs: number; maxMs: number } | null
  deterministic: boolean
  seedsVary: boolean
  fidelity: { ownDistance: number; otherDistance: number; closerShare: number } | null
  watermark: { drafts: number; embedded: number; decoded: number }
  /** The report as a markdown table. */
  table: string
}
