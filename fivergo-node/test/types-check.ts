// A typed usage of the package, compiled by `tsc --noEmit -p tsconfig.json` in the
// test command: the declarations must describe the API precisely enough for this.
import {
  FivergoError,
  Hub,
  Policy,
  inspect,
  markDraft,
  detectWatermark,
  evaluate,
  type Artifact,
  type ChargeRequest,
  type Subscription,
  type EvalReport,
  type FivergoEvent,
  type Generator,
  type Money,
  type Order,
  type QuotaStatus,
} from '../lib'

const policy: Policy = Policy.fromJson('{}')
const fee: Money = policy.monthlyFee()
const amount: string = fee.amount

const generator: Generator = {
  name: 'typed',
  train: (input, ctl) => {
    ctl.progress(1)
    return { files: input.assets.length, modality: input.modality }
  },
  generate: async (input) => `text for ${input.brief.text} #${input.seed}`,
}

export async function flow(file: Buffer): Promise<string> {
  const hub = new Hub({
    policy,
    start: new Date('2026-02-18T09:00:00Z'),
    generators: { '*': 'reference', writing_translation: generator, tattoo: 'quilt' },
    gateway: { charge: async (request: ChargeRequest) => `ref:${request.idempotencyKey}:${request.amount.amount}`, deadlineMs: 5000 },
  })
  const plain = new Hub({ generators: 'reference' })
  plain.tick()
  hub.registerSeller('ana', 'level_2')
  hub.addGig('ana', 'tattoo')
  hub.addPaymentMethod('ana', { id: 'card', kind: 'card', label: 'Visa' })
  const model: string = hub.createModel('ana', 'tattoo').value
  const asset: string = hub.uploadAsset('ana', 'portfolio', file, 'koi.png', ['koi']).value
  hub.selectAssets('ana', model, [asset])
  hub.attestOriginality('ana', model)
  const job = hub.startTraining('ana', model).value
  const status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' = (await hub.runTraining(job)).value
  const quota: QuotaStatus = hub.quota('ana', model)
  const sub: Subscription | null = hub.subscription('ana')
  const renewsAt: Date | null | undefined = sub?.renewsAt
  if (sub?.status.state === 'past_due') console.log(sub.status.since.getTime(), sub.stateName, renewsAt)
  const renews: Date | null | undefined = quota.renewsAt
  hub.setPrice('ana', model, { type: 'per_unit', unit: 'item', unitPrice: '30' })
  const order: string = (await hub.orderDraft('bob', model, { text: 'a koi', quantity: 1 }, 7)).value
  const o: Order = hub.order('bob', order)
  const draft: Artifact = hub.draft('bob', order)
  if (draft.type === 'image') console.log(draft.width, draft.bytes.length)
  const traced = hub.trace(draft.bytes)
  const events: FivergoEvent[] = hub.eventsSince(0, 100).events
  for (const e of events) {
    if (e.type === 'training_failed') console.log(e.reason, e.quotaReturned)
    if (e.type === 'subscription_cancelled') console.log(e.endsAt.getTime())
  }
  try {
    hub.publish('ana', model)
  } catch (err) {
    if (err instanceof FivergoError) console.log(err.code, err.rule, err.details, err.missing)
  }
  const inspected = inspect(file, policy)
  const marked = markDraft(file, 'order-1', 7, 42)
  const found = detectWatermark(marked.artifact.bytes)
  const payload: number | null = found.type === 'found' ? found.payload : null
  return [amount, status, String(renews), o.status, traced?.order, inspected.modality, payload].join()
}

// The evaluation harness: a reference generator by name, resolving to a typed report.
export async function measure(files: Buffer[]): Promise<number | undefined> {
  const report: EvalReport = await evaluate('markov_text', 'writing_translation', files, { seeds: [1, 2] })
  return report.fidelity?.closerShare
}
