// The generated declarations (index.d.ts, from src/types.rs) describe the values the
// binding really hands out: every read, every event of a full flow and a refusal's
// fields are checked against their declared type, recursively, so a field the core
// adds or renames without its declaration, an instant that arrives as a string or
// money as a number fails here.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { fivergo, png, sellerHub } from './helpers.mjs'

// ----- a reader for the subset of TypeScript napi-rs writes -------------------------

function tokens(src) {
  const text = src.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ')
  return text.match(/'[^']*'|=>|[A-Za-z_$][\w$]*|\d+|[{}()<>[\];:?|,=&.]/g) ?? []
}

/** Parses a type expression from `t` (an array of tokens, consumed). */
function parseType(t) {
  if (t[0] === '|') t.shift()
  const alternatives = [parsePostfix(t)]
  while (t[0] === '|') {
    t.shift()
    alternatives.push(parsePostfix(t))
  }
  return alternatives.length === 1 ? alternatives[0] : { kind: 'union', alternatives }
}

function parsePostfix(t) {
  let type = parsePrimary(t)
  while (t[0] === '[' && t[1] === ']') {
    t.splice(0, 2)
    type = { kind: 'array', item: type }
  }
  return type
}

function parsePrimary(t) {
  const tok = t.shift()
  if (tok === '{') return { kind: 'object', fields: parseFields(t, '}') }
  if (tok === '(') {
    // A function type: not a value the binding returns.
    let depth = 1
    while (depth) {
      const x = t.shift()
      if (x === '(') depth++
      if (x === ')') depth--
    }
    if (t[0] === '=>') {
      t.shift()
      parseType(t)
    }
    return { kind: 'any' }
  }
  if (tok.startsWith("'")) return { kind: 'literal', value: tok.slice(1, -1) }
  const args = []
  if (t[0] === '<') {
    t.shift()
    args.push(parseType(t))
    while (t[0] === ',') {
      t.shift()
      args.push(parseType(t))
    }
    assert.equal(t.shift(), '>')
  }
  return { kind: 'ref', name: tok, args }
}

function parseFields(t, close) {
  const fields = {}
  while (t[0] !== close) {
    if (t[0] === ';' || t[0] === ',') {
      t.shift()
      continue
    }
    if (t[0] === '[') {
      // An index signature: `[field: string]: unknown`.
      while (t.shift() !== ']');
      t.shift()
      fields['[index]'] = { type: parseType(t), optional: true }
      continue
    }
    const name = t.shift()
    if (t[0] === '(') {
      // A method: not a field of a value.
      parsePrimary(t)
      t.shift()
      parseType(t)
      continue
    }
    const optional = t[0] === '?'
    if (optional) t.shift()
    assert.equal(t.shift(), ':', `field ${name}`)
    fields[name] = { type: parseType(t), optional }
  }
  t.shift()
  return fields
}

/** Every `export interface` and `export type` of a declaration file, by name. */
function declarations(file) {
  const types = {}
  const t = tokens(readFileSync(new URL(file, import.meta.url), 'utf8'))
  for (let i = 0; i < t.length; i++) {
    if (t[i] !== 'export') continue
    if (t[i + 1] === 'interface') {
      const name = t[i + 2]
      const open = t.indexOf('{', i)
      const params = t[i + 3] === '<' ? t.slice(i + 4, open - 1).filter((x) => x !== ',') : []
      const rest = t.slice(open + 1)
      types[name] = { kind: 'object', fields: parseFields(rest, '}'), params }
      i = t.length - rest.length - 1
    } else if (t[i + 1] === 'type') {
      const name = t[i + 2]
      let j = i + 3
      const params = []
      if (t[j] === '<') {
        while (t[++j] !== '>') if (t[j] !== ',') params.push(t[j])
        j++
      }
      assert.equal(t[j], '=')
      const rest = t.slice(j + 1)
      types[name] = { ...parseType(rest), params }
      i = t.length - rest.length - 1
    }
  }
  return types
}

const TYPES = declarations('../index.d.ts')

// ----- checking values ----------------------------------------------------------------

const show = (v) => (v instanceof Date ? `Date(${v.toISOString?.()})` : JSON.stringify(v)?.slice(0, 120))

/** The problems of `value` against `type` (empty when it conforms). */
function check(type, value, path, bound = {}) {
  switch (type.kind) {
    case 'any':
      return []
    case 'literal':
      return value === type.value ? [] : [`${path}: expected '${type.value}', got ${show(value)}`]
    case 'array':
      if (!Array.isArray(value)) return [`${path}: expected an array, got ${show(value)}`]
      return value.flatMap((v, i) => check(type.item, v, `${path}[${i}]`, bound))
    case 'union': {
      const tries = type.alternatives.map((a) => check(a, value, path, bound))
      if (tries.some((p) => p.length === 0)) return []
      // Report the alternative that came closest (a discriminated union's own variant).
      return tries.reduce((a, b) => (b.length < a.length ? b : a))
    }
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return [`${path}: expected an object, got ${show(value)}`]
      }
      const problems = []
      for (const [name, field] of Object.entries(type.fields)) {
        if (name === '[index]') continue
        if (!(name in value)) {
          if (!field.optional) problems.push(`${path}.${name}: missing`)
          continue
        }
        problems.push(...check(field.type, value[name], `${path}.${name}`, bound))
      }
      if (!type.fields['[index]']) {
        for (const name of Object.keys(value)) {
          if (!(name in type.fields)) problems.push(`${path}.${name}: not declared`)
        }
      }
      return problems
    }
    case 'ref':
      return checkRef(type, value, path, bound)
  }
  throw new Error(`unknown type ${JSON.stringify(type)}`)
}

function checkRef({ name, args }, value, path, bound) {
  const is = (ok, what) => (ok ? [] : [`${path}: expected ${what}, got ${show(value)}`])
  switch (name) {
    case 'string':
      return is(typeof value === 'string', 'a string')
    case 'number':
      return is(typeof value === 'number', 'a number')
    case 'boolean':
      return is(typeof value === 'boolean', 'a boolean')
    case 'null':
      return is(value === null, 'null')
    case 'undefined':
      return is(value === undefined, 'undefined')
    case 'unknown':
    case 'any':
      return []
    case 'Date':
      return is(value instanceof Date && !Number.isNaN(value.getTime()), 'a Date')
    case 'Buffer':
      return is(Buffer.isBuffer(value), 'a Buffer')
    case 'Array':
      return check({ kind: 'array', item: args[0] }, value, path, bound)
    case 'Record':
      if (value === null || typeof value !== 'object') return is(false, 'a record')
      return Object.entries(value).flatMap(([k, v]) => check(args[1], v, `${path}[${JSON.stringify(k)}]`, bound))
  }
  if (name in bound) return check(bound[name], value, path, {})
  const decl = TYPES[name]
  if (!decl) return [`${path}: type ${name} is not declared`]
  const params = Object.fromEntries((decl.params ?? []).map((p, i) => [p, args[i]]))
  return check(decl, value, path, params)
}

/** Asserts `value` conforms to the declared type `expr` (`Seller`, `Outcome<null>`, ...). */
function conforms(expr, value) {
  const problems = check(parseType(tokens(expr)), value, expr)
  assert.deepEqual(problems, [], `${expr} does not describe the value`)
}

// ----- the values ---------------------------------------------------------------------

// R: C1, S1, S3, T3, M2, G1
test('every read, event and refusal has the shape index.d.ts declares', async () => {
  const seen = []
  const gateway = {
    charge(request) {
      seen.push(request)
      return `ch-${seen.length}`
    },
  }
  const hub = sellerHub({ generators: { '*': 'reference' }, gateway })
  hub.addGig('ana', 'illustration')
  hub.creditBalance('ana', { amount: '3.50', currency: 'USD' })
  const model = hub.createModel('ana', 'tattoo').value
  const files = [1, 2].map((i) => hub.uploadAsset('ana', 'portfolio', png(96, 96, i), `koi-${i}.png`, ['koi']).value)
  hub.addAsset('ana', 'work_sample', 'image', { width: 1024, height: 1024 }, ['Koi'])
  hub.selectAssets('ana', model, files)
  conforms('Outcome<SkippedAsset[]>', hub.selectAllAssets('ana', model))
  hub.selectAssets('ana', model, files)
  hub.attestOriginality('ana', model)
  conforms('Requirement[]', hub.publishChecklist('ana', model))
  conforms('Outcome<string>', hub.subscribe('ana', 'card'))
  const job = hub.startTraining('ana', model).value
  conforms('Outcome<JobStatus>', await hub.runTraining(job))
  conforms('Outcome<PlaygroundResult>', await hub.playgroundGenerate('ana', model, { text: 'koi', quantity: 1, tags: ['ink'] }, 2))
  hub.setPrice('ana', model, { type: 'base_increments', unit: 'item', baseQuantity: 2, basePrice: '30', incrementQuantity: 1, incrementPrice: { amount: '12.5' } })
  hub.setPlacement('ana', model, { gigs: ['g1'], onProfile: true })
  hub.publish('ana', model)
  hub.reportIssue('bob', model, 'looks off')
  const order = (await hub.orderDraft('bob', model, 'a koi', 5)).value
  hub.approve('bob', order)
  hub.recordPayment('bob', order, hub.order('bob', order).quote.total)
  conforms('Outcome<Artifact>', hub.download('bob', order))
  hub.requestRevision('bob', order, 'bluer')
  const offer = hub.contactSeller('carl', model, 'a crane').value
  hub.sendCustomOffer('ana', offer, { price: '100', nonAiWork: '40', revisions: 1, revisionWindowHours: 24 })
  await hub.acceptOffer('carl', offer, 3)
  hub.queueGeneration({ type: 'playground', seller: 'ana', model, brief: { text: 'wave', quantity: 1, tags: [] }, seed: 4 })
  conforms('Outcome<JobReport | null>', await hub.workOnce('w1'))
  hub.tagAsset('ana', files[0], ['fresh'])
  hub.advanceClock({ days: 31 })
  conforms('Outcome<null>', hub.tick())
  const cancelled = hub.cancelSubscription('ana')
  conforms('Outcome<Date>', cancelled)

  conforms('Seller', hub.seller('ana'))
  conforms('CreationModel', hub.model('ana', model))
  conforms('CreationModel[]', hub.models('ana'))
  conforms('Listing', hub.listing(model))
  conforms('Creation[]', hub.creations('ana', model))
  conforms('Entitlements', hub.entitlements('ana'))
  conforms('QuotaStatus', hub.quota('ana', model))
  conforms('Finding[]', hub.findings('ana', model))
  conforms('Subscription', hub.subscription('ana'))
  conforms('Order', hub.order('bob', order))
  conforms('Order[]', hub.clientOrders('carl'))
  conforms('TrainingJob', hub.job('ana', job))
  conforms('Asset', hub.asset('ana', files[0]))
  conforms('Asset[]', hub.assets('ana'))
  conforms('Artifact', hub.draft('bob', order))
  conforms('Trace | null', hub.trace(hub.draft('bob', order).bytes))
  const live = hub.model('ana', model).live
  conforms('TrainedStyle', hub.trainedStyle('ana', live.style))
  conforms('Artifact', hub.artifact('ana', hub.asset('ana', files[0]).content))
  conforms('Partition', hub.admin().partition('ana'))
  conforms('Partition', hub.admin().partition('bob'))
  const page = hub.eventsSince(0, 10000)
  conforms('EventPage', page)
  const kinds = new Set(page.events.map((e) => e.type))
  for (const kind of ['seller_registered', 'subscription_charged', 'training_succeeded', 'draft_delivered', 'generation_succeeded', 'model_published', 'subscription_cancelled', 'order_paid', 'issue_reported']) {
    assert.ok(kinds.has(kind), `the flow recorded a ${kind}`)
  }
  conforms('ChargeRequest[]', seen)
  conforms('GatewayCharge[]', sellerHub().gatewayCharges())

  const policy = hub.policy()
  conforms('Money', policy.monthlyFee())
  conforms('Currency', policy.currency())
  conforms('CatalogueEntry[]', policy.catalogue())
  conforms('Inspected', fivergo.inspect(png(64, 64)))
  const marked = fivergo.markDraft(png(256, 256, 9), 'order-1', 7, 42)
  conforms('MarkedDraft', marked)
  conforms('Detection', fivergo.detectWatermark(marked.artifact.bytes))
  conforms('Detection', fivergo.detectWatermark(png(64, 64)))

  // A refusal's fields are the wire form too: T5's renewsAt is a Date.
  hub.startTraining('ana', model)
  let err
  try {
    hub.startTraining('ana', model)
    hub.startTraining('ana', model)
  } catch (e) {
    err = e
  }
  assert.ok(err instanceof fivergo.FivergoError)
  conforms('ErrorDetails', err.details)
  conforms('FivergoEvent[]', err.events)
})

// R: G2
test('an evaluation report has the declared shape', async () => {
  const report = await fivergo.evaluate('echo', 'tattoo', [png(64, 64)], { seeds: [1] })
  conforms('EvalReport', report)
})
