// The language-neutral conformance scenarios (../tests/conformance/*.json, format in
// its README) run through the typed JavaScript API, with the same expectations as
// the Rust runner (tests/conformance.rs).
// R: E1, E2, C1, C2, C3, C4, A1, A2, A3, A4, A5, A6, A7, A8, A9, T1, T2, T3, T4, T5, S1, S2, S3, S4, S5, M1, M2, M3, M4, M5, M6, M7, G1, G2, G3, G4, G5, P1, P2, P3, P4, P5, V1, V2, F1, F2, R1, R2, R3, D1, D2, D3, D4, D5
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fivergo, pgUrl } from './helpers.mjs'

const DIR = new URL('../../tests/conformance/', import.meta.url)
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()
const SCENARIOS = FILES.map((file) => ({ file, ...JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) }))

/** Groups E, C, T, S, M, G, P, V, F, R, D and A1–A9, as the README asks. */
const REQUIRED = Object.entries({ E: 2, C: 4, A: 9, T: 5, S: 5, M: 7, G: 5, P: 5, V: 2, F: 2, R: 3, D: 5 }).flatMap(
  ([g, n]) => Array.from({ length: n }, (_, i) => `${g}${i + 1}`),
)

const camel = (k) => k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/
const DECIMAL = /^-?\d+(\.\d+)?$/
const normDecimal = (s) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s).replace(/^(-?)0+(?=\d)/, '$1')

/** The API's values as plain JSON: Dates as RFC 3339, files left out. */
function plain(v) {
  if (v instanceof Date) return v.toISOString()
  if (v instanceof Uint8Array) return undefined
  if (Array.isArray(v)) return v.map(plain)
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]).filter(([, x]) => x !== undefined))
  }
  return v
}

function sameString(e, a) {
  if (e === a) return true
  if (INSTANT.test(e) && INSTANT.test(a)) return Date.parse(e) === Date.parse(a)
  if (DECIMAL.test(e) && DECIMAL.test(a)) return normDecimal(e) === normDecimal(a)
  return false
}

/** The README's subset match; expected keys are the core's snake_case. */
function matches(expected, actual, path, diffs) {
  const show = (x) => JSON.stringify(x)?.slice(0, 300)
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    const keys = Object.keys(expected)
    if (keys.length === 1 && keys[0] === '$contains') {
      if (!Array.isArray(actual)) return diffs.push(`${path}: expected a list, got ${show(actual)}`)
      expected.$contains.forEach((want, i) => {
        if (!actual.some((got) => matches(want, got, path, []) === 0)) {
          diffs.push(`${path}: no element matches $contains[${i}] = ${show(want)}; got ${show(actual)}`)
        }
      })
      return diffs.length
    }
    if (keys.length === 1 && keys[0] === '$len') {
      const len = Array.isArray(actual) ? actual.length : actual && typeof actual === 'object' ? Object.keys(actual).length : -1
      if (len !== expected.$len) diffs.push(`${path}: expected length ${expected.$len}, got ${show(actual)}`)
      return diffs.length
    }
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return diffs.push(`${path}: expected an object, got ${show(actual)}`)
    }
    for (const [k, want] of Object.entries(expected)) matches(want, actual[camel(k)] ?? actual[k] ?? null, `${path}.${k}`, diffs)
    return diffs.length
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return diffs.push(`${path}: expected a list, got ${show(actual)}`)
    if (expected.length !== actual.length) return diffs.push(`${path}: expected ${expected.length} elements, got ${show(actual)}`)
    expected.forEach((want, i) => matches(want, actual[i], `${path}[${i}]`, diffs))
    return diffs.length
  }
  if (typeof expected === 'string') {
    if (typeof actual !== 'string' || !sameString(expected, actual)) diffs.push(`${path}: expected ${show(expected)}, got ${show(actual)}`)
    return diffs.length
  }
  if (expected !== actual) diffs.push(`${path}: expected ${show(expected)}, got ${show(actual)}`)
  return diffs.length
}

function substitute(v, vars) {
  if (typeof v === 'string' && v.startsWith('$') && v.length > 1) {
    if (!(v.slice(1) in vars)) throw new Error(`unbound variable ${v}`)
    return vars[v.slice(1)]
  }
  if (Array.isArray(v)) return v.map((x) => substitute(x, vars))
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, vars)]))
  return v
}

/** The README's "failing" generator: progress 0.5, then fails. */
const failing = {
  name: 'failing',
  train(_, ctl) {
    ctl.progress(0.5)
    throw new Error('simulated failure')
  },
  generate() {
    throw new Error('the failing generator never trained')
  },
}

function buildHub(s, store) {
  const generators = {}
  for (const [subcategory, kind] of Object.entries(s.generators ?? {})) {
    if (kind === 'failing') generators[subcategory] = failing
    else if (kind !== 'echo') throw new Error(`unknown generator ${kind}`)
  }
  const policy = fivergo.Policy.fromJson(JSON.stringify(s.policy ?? {}))
  return fivergo.Hub.open(store, { policy, start: new Date(s.start), generators })
}

const HOST = new Set(['register_seller', 'set_seller_level', 'add_gig', 'credit_balance', 'add_payment_method',
  'decline_payment_method', 'advance_clock', 'set_clock', 'tick', 'run_training', 'cancel_running_training', 'seller',
  'gateway_charges'])
// Reads: the host reads everything (`hub.admin()`), anyone else what they may see.
const ANYONE = new Set(['quote', 'listing', 'order', 'job', 'asset', 'artifact'])

/** What a client received, told apart by what the order holds. */
function summary(hub, order, art) {
  let matched = 'neither'
  try {
    const admin = hub.admin()
    const o = admin.order(order)
    if (o.clean && admin.artifact(o.clean).bytes.equals(art.bytes)) matched = 'clean'
    else if (o.draft && admin.artifact(o.draft).bytes.equals(art.bytes)) matched = 'draft'
  } catch {}
  return { kind: art.type, matches: matched }
}

const read = (value) => ({ value, events: [] })
const mapValue = (out, f) => ({ value: f(out.value), events: out.events })

/** Runs one action through the typed API: `{value, events}`, or throws. */
async function act(hub, actor, action, a) {
  const host = actor === 'host'
  if (HOST.has(action) !== host && !ANYONE.has(action)) {
    throw new Error(`\`${action}\` ${host ? 'needs a seller or client actor' : 'is a host action'}`)
  }
  switch (action) {
    case 'register_seller': return hub.registerSeller(a.seller, a.level, a.pro ?? false)
    case 'set_seller_level': return hub.setSellerLevel(a.seller, a.level, a.pro ?? false)
    case 'add_gig': return hub.addGig(a.seller, a.subcategory)
    case 'credit_balance': return hub.creditBalance(a.seller, a.amount)
    case 'add_payment_method': return hub.addPaymentMethod(a.seller, { id: a.method, kind: a.kind, label: a.label ?? 'test method' })
    case 'decline_payment_method': return read(hub.declinePaymentMethod(a.method, a.declined ?? true) ?? null)
    case 'advance_clock': return read(hub.advanceClock({ days: a.days, hours: a.hours, minutes: a.minutes, seconds: a.seconds }))
    case 'set_clock': return read(hub.setClock(new Date(a.at)))
    case 'tick': return hub.tick()
    case 'run_training': return hub.runTraining(a.job)
    case 'cancel_running_training': return read(hub.cancel(a.job) ?? null)
    case 'order': return read(host ? hub.admin().order(a.order) : hub.order(actor, a.order))
    case 'job': return read(host ? hub.admin().job(a.job) : hub.job(actor, a.job))
    case 'asset': return read(host ? hub.admin().asset(a.asset) : hub.asset(actor, a.asset))
    case 'seller': return read(hub.seller(a.seller))
    case 'entitlements': return read(hub.entitlements(actor))
    case 'gateway_charges': return read(hub.gatewayCharges())
    case 'artifact': return read({ kind: (host ? hub.admin().artifact(a.artifact) : hub.artifact(actor, a.artifact)).type })
    case 'quote': return read(hub.quote(a.model, a.quantity))
    case 'listing': return read(hub.listing(a.model))
    case 'add_asset': {
      const source = a.source === 'client_delivery' ? { type: 'client_delivery', order: a.order, public: a.public ?? true } : a.source
      return hub.addAsset(actor, source, a.modality, a.meta ?? {}, a.tags ?? [])
    }
    case 'tag_asset': return hub.tagAsset(actor, a.asset, a.add ?? [], a.remove ?? [])
    case 'select_assets': return hub.selectAssets(actor, a.model, a.assets)
    case 'deselect_assets': return hub.deselectAssets(actor, a.model, a.assets)
    case 'select_all_assets': return hub.selectAllAssets(actor, a.model)
    case 'set_instructions': return hub.setInstructions(actor, a.model, a.instructions ?? null)
    case 'attest_originality': return hub.attestOriginality(actor, a.model)
    case 'create_model': return hub.createModel(actor, a.subcategory)
    case 'set_price': return hub.setPrice(actor, a.model, a.price)
    case 'set_placement': return hub.setPlacement(actor, a.model, { gigs: a.gigs ?? [], onProfile: a.on_profile ?? false })
    case 'publish': return hub.publish(actor, a.model)
    case 'unpublish': return hub.unpublish(actor, a.model)
    case 'archive': return hub.archive(actor, a.model)
    case 'report_issue': return hub.reportIssue(actor, a.model, a.text, a.order)
    case 'start_training': return hub.startTraining(actor, a.model)
    case 'cancel_training': return hub.cancelTraining(actor, a.job)
    case 'playground_generate':
      return mapValue(await hub.playgroundGenerate(actor, a.model, a.brief, a.seed ?? 1), (v) => ({ artifact: v.artifact, kind: v.content.type }))
    case 'subscribe': return hub.subscribe(actor, a.method)
    case 'renew_subscription': return hub.renewSubscription(actor)
    case 'pay_past_due': return hub.payPastDue(actor)
    case 'cancel_subscription': return hub.cancelSubscription(actor)
    case 'resume_subscription': return hub.resumeSubscription(actor)
    case 'order_draft': return hub.orderDraft(actor, a.model, a.brief, a.seed ?? 1)
    case 'contact_seller': return hub.contactSeller(actor, a.model, a.brief)
    case 'send_custom_offer':
      return hub.sendCustomOffer(actor, a.order, {
        price: a.price, nonAiWork: a.non_ai_work, revisions: a.revisions, revisionWindowHours: a.revision_window_hours, terms: a.terms,
      })
    case 'accept_offer': return hub.acceptOffer(actor, a.order, a.seed ?? 1)
    case 'approve': return hub.approve(actor, a.order)
    case 'record_payment': return hub.recordPayment(actor, a.order, a.amount)
    case 'download': return mapValue(hub.download(actor, a.order), (art) => summary(hub, a.order, art))
    case 'draft': return read(summary(hub, a.order, hub.draft(actor, a.order)))
    case 'request_source_file': return hub.requestSourceFile(actor, a.order)
    case 'request_revision': return hub.requestRevision(actor, a.order, a.note)
    case 'accept_delivery': return hub.acceptDelivery(actor, a.order)
    case 'review': return hub.review(actor, a.order, a.stars, a.text)
    case 'request_full_refund': return hub.requestFullRefund(actor, a.order)
    case 'issue_partial_refund': return hub.issuePartialRefund(actor, a.order, a.amount)
    case 'set_delivery_public': return hub.setDeliveryPublic(actor, a.order, a.public)
    case 'model': return read(hub.model(actor, a.model))
    case 'models': return read(hub.models(actor))
    case 'quota': return read(hub.quota(actor, a.model))
    case 'findings': return read(hub.findings(actor, a.model))
    case 'publish_checklist': return read(hub.publishChecklist(actor, a.model))
    case 'creations': return read(hub.creations(actor, a.model))
    case 'subscription': return read(hub.subscription(actor))
    default: throw new Error(`unknown action \`${action}\``)
  }
}

async function runScenario(s, store) {
  const hub = buildHub(s, store)
  const vars = {}
  const diffs = []
  for (const [i, step] of s.steps.entries()) {
    const where = `${s.file} step ${i} (${step.actor} ${step.action})`
    const args = substitute(step.args ?? {}, vars)
    const expect = substitute(step.expect ?? {}, vars)
    let out
    let error
    try {
      out = await act(hub, step.actor, step.action, args)
    } catch (err) {
      if (!(err instanceof fivergo.FivergoError)) throw new Error(`${where}: ${err.stack}`)
      error = err
    }
    const local = []
    if (error && !('error' in expect)) local.push(`unexpected error \`${error.code}\` (rule ${error.rule}): ${error.message}`)
    if (error && 'error' in expect) {
      if (error.code !== expect.error) local.push(`expected error ${expect.error}, got \`${error.code}\`: ${error.message}`)
      if ('rule' in expect && expect.rule !== error.rule) local.push(`expected rule ${expect.rule}, got ${error.rule}`)
      if (expect.details) matches(expect.details, plain(error.details), 'details', local)
    }
    if (!error && 'error' in expect) local.push(`expected error ${expect.error}, got success`)
    if (!error) {
      const value = plain(out.value ?? null)
      if ('value' in expect) matches(expect.value, value, 'value', local)
      if (expect.events) {
        const events = plain(out.events)
        const want = expect.events.map((e) => (typeof e === 'string' ? { type: e } : e))
        if (want.length !== events.length) {
          local.push(`expected events ${JSON.stringify(expect.events)}, got ${JSON.stringify(events.map((e) => e.type))}`)
        } else {
          want.forEach((w, j) => matches(w, events[j], `events[${j}]`, local))
        }
      }
      if (step.save) vars[step.save] = value
    }
    diffs.push(...local.map((d) => `${where}: ${d}`))
  }
  if (process.env.FIVERGO_WIRE_DUMP && store === 'memory:') dumpWire(hub, join(process.env.FIVERGO_WIRE_DUMP, s.file.replace(/\.json$/, '.node.json')))
  return diffs
}

const snake = (k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** A value as the binding hands it out, written as JSON the way the Python runner writes its own. */
function wireNative(v) {
  if (v instanceof Date) return v.toISOString()
  if (Array.isArray(v)) return v.map(wireNative)
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [snake(k), wireNative(x)]))
  return v
}

/** Every event and partition as a host sees them, for `tests/wire/compare.py`. */
function dumpWire(hub, path) {
  const admin = hub.admin()
  const events = hub.eventsSince(0, 100000).events
  const sellers = [...new Set(events.map((e) => e.partition))].sort()
  const partitions = Object.fromEntries(sellers.map((s) => [s, wireNative(admin.partition(s))]))
  writeFileSync(path, JSON.stringify({ events: events.map(wireNative), partitions }))
}

for (const s of SCENARIOS) {
  test(`conformance ${s.file} on memory: ${s.name}`, async () => {
    assert.deepEqual(await runScenario(s, 'memory:'), [])
  })
  test(`conformance ${s.file} on SQLite: ${s.name}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fivergo-conformance-'))
    try {
      assert.deepEqual(await runScenario(s, `sqlite:${join(dir, 'fivergo.db')}`), [])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
  test(`conformance ${s.file} on PostgreSQL: ${s.name}`, async () => {
    assert.deepEqual(await runScenario(s, pgUrl(`conformance_${s.file.replace('.json', '')}`)), [])
  })
}

test('the scenarios cover every required rule', () => {
  const covered = new Set(SCENARIOS.flatMap((s) => s.rules))
  assert.deepEqual(REQUIRED.filter((r) => !covered.has(r)), [])
  assert.ok(SCENARIOS.length > 0)
})
