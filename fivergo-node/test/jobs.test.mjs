// Claimable jobs from Node: queued generations and trainings run by workers on a
// shared store, and the runWorker loop.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fivergo, pgUrl, png } from './helpers.mjs'

const { Hub, runWorker } = fivergo
const start = new Date('2026-02-18T09:00:00Z')

function seller(hub, name) {
  hub.registerSeller(name, 'level_2')
  hub.addGig(name, 'tattoo')
  hub.addPaymentMethod(name, { id: 'card', kind: 'card', label: 'Visa' })
  const model = hub.createModel(name, 'tattoo').value
  const asset = hub.uploadAsset(name, 'portfolio', png(256, 256, 5), 'koi.png').value
  hub.selectAssets(name, model, [asset])
  hub.attestOriginality(name, model)
  return model
}

async function published(hub) {
  const model = seller(hub, 'ana')
  await hub.runTraining(hub.startTraining('ana', model).value)
  await hub.playgroundGenerate('ana', model, 'koi', 1)
  hub.setPrice('ana', model, { type: 'per_unit', unit: 'item', unitPrice: '30' })
  hub.subscribe('ana', 'card')
  hub.publish('ana', model)
  return model
}

// R: G1, G3
test('a queued draft is made by a worker on another hub over PostgreSQL', async () => {
  const url = pgUrl('node_jobs_draft')
  const app = Hub.open(url, { start })
  const model = await published(app)
  const gen = app.queueGeneration({ type: 'order_draft', client: 'bob', model, brief: { text: 'a koi', quantity: 1 }, seed: 7 }).value
  assert.equal(app.generation('bob', gen).status, 'queued')
  const worker = Hub.open(url, { start })
  const report = (await worker.workOnce('w1')).value
  assert.deepEqual(report, { work: { kind: 'generation', id: gen }, attempt: 1, status: 'succeeded' })
  const done = app.generation('bob', gen)
  assert.equal(done.outcome.type, 'draft')
  assert.deepEqual(app.clientOrders('bob').map((o) => o.id), [done.outcome.order])
  assert.throws(() => app.download('bob', done.outcome.order), { code: 'not_approved_and_paid' })
  assert.equal((await worker.workOnce('w1')).value, null)
})

// R: D2
test('only the requester cancels a queued generation; a bad request is invalid_input', async () => {
  const hub = new Hub({ start })
  const model = await published(hub)
  assert.throws(() => hub.queueGeneration({ type: 'lunch' }), { code: 'invalid_input' })
  const gen = hub.queueGeneration({ type: 'order_draft', client: 'bob', model, brief: { text: 'x', quantity: 1 }, seed: 1 }).value
  assert.throws(() => hub.cancelGeneration('eve', gen), { code: 'forbidden' })
  assert.deepEqual(hub.cancelGeneration('bob', gen).events.map((e) => e.type), ['generation_cancelled'])
  assert.equal(hub.generation('bob', gen).status, 'cancelled')
})

// R: T4
test('runWorker loops on three hubs of one SQLite file run every queued training once', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const dir = mkdtempSync(join(tmpdir(), 'fivergo-node-jobs-'))
  try {
    const url = `sqlite:${join(dir, 'fivergo.db')}`
    const hub = Hub.open(url, { start })
    const jobs = []
    for (let i = 0; i < 6; i++) {
      const model = seller(hub, `s${i}`)
      jobs.push(hub.startTraining(`s${i}`, model).value)
    }
    const stop = new AbortController()
    const errors = []
    const loops = [0, 1, 2].map((n) => runWorker(Hub.open(url, { start }), `w${n}`, { signal: stop.signal, idleMs: 5, onError: (e) => errors.push(e) }))
    while (jobs.some((j) => ['queued', 'running'].includes(hub.admin().job(j).status))) {
      await new Promise((r) => setTimeout(r, 5))
    }
    stop.abort()
    const ran = (await Promise.all(loops)).flat().map((r) => r.work.id).sort()
    assert.deepEqual(ran, [...jobs].sort(), String(errors))
    assert.ok(jobs.every((j) => hub.admin().job(j).status === 'succeeded'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
