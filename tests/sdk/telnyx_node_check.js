// Runs the official Telnyx Node SDK (npm package `telnyx`) against telnyx-sim and against roomsd's
// mirror of it, and checks that every call answers the same: the contract that a program written for
// the Telnyx API works against the mirror unchanged. Run by scripts/sdk-check, not by ctest: it needs
// Node.js and the npm registry.
//
// Usage: node telnyx_node_check.js SIM_BASE_URL MIRROR_BASE_URL
'use strict';
const assert = require('node:assert/strict');
const Telnyx = require('telnyx');

const [simURL, mirrorURL] = process.argv.slice(2);
if (!simURL || !mirrorURL) {
  console.error('usage: node telnyx_node_check.js SIM_BASE_URL MIRROR_BASE_URL');
  process.exit(2);
}

const client = (baseURL) => new Telnyx({ apiKey: process.env.TELNYX_API_KEY, baseURL, maxRetries: 0 });
const sim = client(simURL);
const mirror = client(mirrorURL);

// JSON with object keys sorted: field order is not part of the contract.
const canonical = (v) =>
  Array.isArray(v) ? v.map(canonical)
  : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]))
  : v;
const byId = (items) => [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

async function all(page) {
  const items = [];
  for await (const item of page) items.push(item);
  return items;
}

// The same auto-paginated listing from both; returns the simulator's records.
async function sameList(what, call) {
  const [expected, actual] = await Promise.all([all(call(sim)), all(call(mirror))]);
  assert.deepEqual(canonical(byId(actual)), canonical(byId(expected)), what);
  console.log(`ok  ${what}: ${actual.length} records`);
  return expected;
}

async function sameAnswer(what, call) {
  const [expected, actual] = await Promise.all([call(sim), call(mirror)]);
  assert.deepEqual(canonical(actual), canonical(expected), what);
  console.log(`ok  ${what}`);
  return expected;
}

// The SDK error class and status both raise for the same bad call.
async function sameError(what, call) {
  const outcome = (c) => call(c).then(() => 'no error', (e) => `${e.constructor.name} ${e.status}`);
  const [expected, actual] = await Promise.all([outcome(sim), outcome(mirror)]);
  assert.equal(actual, expected, what);
  assert.notEqual(actual, 'no error', what);
  console.log(`ok  ${what}: ${actual}`);
}

(async () => {
  const rooms = await sameList('rooms.list (include_sessions, page[size] 37)', (c) =>
    c.rooms.list({ include_sessions: true, 'page[size]': 37 }));
  assert.ok(rooms.length > 0, 'the simulated account has rooms');
  const sessions = await sameList('rooms.sessions.list0 (page[size] 250)', (c) =>
    c.rooms.sessions.list0({ 'page[size]': 250 }));
  const participants = await sameList('roomParticipants.list (page[size] 250)', (c) =>
    c.roomParticipants.list({ 'page[size]': 250 }));

  const day = (ts) => ts.slice(0, 10);
  const mid = rooms[Math.floor(rooms.length / 2)];
  await sameList('rooms.list filter[date_updated_at][gte]', (c) =>
    c.rooms.list({ filter: { date_updated_at: { gte: day(mid.updated_at) } } }));
  await sameList('rooms.list filter[date_created_at][lte]', (c) =>
    c.rooms.list({ filter: { date_created_at: { lte: day(mid.created_at) } } }));
  await sameList('rooms.list filter[unique_name]', (c) => c.rooms.list({ filter: { unique_name: mid.unique_name } }));
  await sameList('rooms.sessions.list0 filter[active]=true, include_participants', (c) =>
    c.rooms.sessions.list0({ filter: { active: true }, include_participants: true }));
  await sameList('rooms.sessions.list0 filter[room_id]', (c) =>
    c.rooms.sessions.list0({ filter: { room_id: mid.id } }));
  const session = sessions[Math.floor(sessions.length / 2)];
  await sameList('roomParticipants.list filter[session_id]', (c) =>
    c.roomParticipants.list({ filter: { session_id: session.id } }));
  const participant = participants[Math.floor(participants.length / 2)];
  await sameList('roomParticipants.list filter[date_joined_at][eq]', (c) =>
    c.roomParticipants.list({ filter: { date_joined_at: { eq: day(participant.joined_at) } } }));

  for (const room of rooms.slice(0, 5)) {
    await sameAnswer(`rooms.retrieve ${room.id} include_sessions`, (c) =>
      c.rooms.retrieve(room.id, { include_sessions: true }));
    await sameList(`rooms.sessions.list1 ${room.id}`, (c) => c.rooms.sessions.list1(room.id));
  }
  for (const s of sessions.slice(0, 5)) {
    await sameAnswer(`rooms.sessions.retrieve ${s.id} include_participants`, (c) =>
      c.rooms.sessions.retrieve(s.id, { include_participants: true }));
    await sameList(`rooms.sessions.retrieveParticipants ${s.id}`, (c) => c.rooms.sessions.retrieveParticipants(s.id));
  }
  await sameAnswer(`roomParticipants.retrieve ${participant.id}`, (c) => c.roomParticipants.retrieve(participant.id));

  const unknown = '00000000-0000-4000-8000-000000000000';
  await sameError('rooms.retrieve of an unknown id', (c) => c.rooms.retrieve(unknown));
  await sameError('rooms.sessions.retrieve of an unknown id', (c) => c.rooms.sessions.retrieve(unknown));
  await sameError('roomParticipants.retrieve of an unknown id', (c) => c.roomParticipants.retrieve(unknown));
  await sameError('rooms.list page[size]=251', (c) => c.rooms.list({ 'page[size]': 251 }));
  await sameError('rooms.list a date that is not one', (c) =>
    c.rooms.list({ filter: { date_updated_at: { gte: '2026-02-30' } } }));
  console.log('the Telnyx Node SDK gets the same answers from the mirror as from the API');
})().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
