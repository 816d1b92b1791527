// The suite's RTT what-if model and headline table, computed by hand from synthetic figures.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseModel, suiteModel } from '../../src/report/suite-model.js';
import { renderSuiteSummary } from '../../src/report/render-suite.js';
import { fakeRun, fakeSuite } from '../helpers/fake-report.js';

const suite = fakeSuite([
  { id: '1.0-c10', report: fakeRun({ mode: '1.0', connections: 10, rps: [900, 1000, 1100] }) },
  { id: '1.1-c10', report: fakeRun({ mode: '1.1', connections: 10, rps: [4000, 4000, 4000] }) },
]);

test('HTTP/1.0: 10 connections at 1000 req/s is a 10 ms loopback cycle; RTT 10 ms adds 2 round trips', () => {
  const model = suiteModel(suite.cases);
  const http10 = model.cases[0];
  assert.ok(http10);
  assert.equal(http10.loopbackCycleMs, 10);
  assert.equal(http10.roundTripsPerRequest, 2);
  // 10 connections / (10 ms + 2 × 10 ms) = 333.3 req/s; p50 = 1000/1000 ms (fake) + 2 × 10 ms.
  const at10 = http10.predictions.find((item) => item.rttMs === 10);
  assert.equal(at10?.requestsPerSec, 333.3);
  assert.equal(at10?.p50Ms, 21);
  // RTT 100 ms: 10 / (10 + 200) ms = 47.6 req/s.
  assert.equal(http10.predictions.find((item) => item.rttMs === 100)?.requestsPerSec, 47.6);
});

test('HTTP/1.1: one round trip (plus its rare handshakes); pipelining: one per batch', () => {
  const model = suiteModel(suite.cases);
  const http11 = model.cases[1];
  assert.ok(http11);
  assert.equal(http11.roundTripsPerRequest, 1.001); // fake keep-alive: 0.001 handshakes per request
  assert.equal(http11.loopbackCycleMs, 2.5);
  const pipelined = caseModel({ ...model.headlines[1]!, mode: 'pipeline', pipelining: 10, handshakesPerRequest: 0 }, [50]);
  assert.equal(pipelined.roundTripsPerRequest, 0.1);
  // 10 / (2.5 + 0.1 × 50) ms = 1333.3 req/s.
  assert.equal(pipelined.predictions[0]?.requestsPerSec, 1333.3);
});

test('headlines are medians across runs; the summary labels the model', () => {
  const model = suiteModel(suite.cases);
  assert.equal(model.headlines[0]?.requestsPerSec, 1000);
  assert.equal(model.headlines[0]?.handshakesPerRequest, 1);
  const text = renderSuiteSummary({ ...suite, model });
  assert.match(text, /1\.0-c10/);
  assert.match(text, /Model, not a measurement/);
  assert.match(text, /c=10 {2}round trips\/request: 1\.0 2\.00 · 1\.1 1\.00/);
  assert.match(text, /c=10 {2}RTT {2}10 ms: 1\.0 ≈ 333 · 1\.1 ≈ \S+ req\/s/);
});
