import { test } from "uvu";
import * as assert from "uvu/assert";
import { POOLED_MAX, RandomPool } from "../src/crypto/random-pool.js";

/** A generator that numbers its bytes, so each byte handed out says where it came from. */
function countingPool(): { pool: RandomPool; draws: () => number } {
  let next = 1;
  let draws = 0;
  const pool = new RandomPool((into) => {
    draws++;
    for (let i = 0; i < into.length; i++) into[i] = next++ % 251 || 251;
  });
  return { pool, draws: () => draws };
}

test("every pooled byte is handed out once, in order, one draw per pool", () => {
  const { pool, draws } = countingPool();
  const got: number[] = [];
  for (let i = 0; i < 100; i++) got.push(...pool.take(32));
  assert.is(draws(), 2, "3200 bytes from 2048-byte pools: two draws");
  // 2048 - 2048 % 32 = 2048: no bytes of the first pool are skipped, and none repeat.
  for (let i = 0; i < got.length; i++) assert.is(got[i], (i + 1) % 251 || 251, `byte ${i}`);
});

test("a request that does not fit what is left draws a new pool rather than splice two", () => {
  const { pool, draws } = countingPool();
  for (let i = 0; i < 63; i++) pool.take(32); // 2016 of 2048 bytes used
  const r = pool.take(40);
  assert.is(draws(), 2);
  assert.is(r[0], 2049 % 251, "starts the second pool");
});

test("large requests bypass the pool", () => {
  const { pool, draws } = countingPool();
  pool.take(8);
  const big = pool.take(POOLED_MAX + 1);
  assert.is(big.length, POOLED_MAX + 1);
  assert.is(draws(), 2);
  assert.is(pool.take(8)[0], 9, "the pool goes on where it was");
});

test("what was handed out is wiped from the pool and the caller's copy is its own", () => {
  let backing: Uint8Array | undefined;
  const pool = new RandomPool((into) => {
    backing = into;
    into.fill(7);
  });
  const a = pool.take(16);
  assert.ok(backing!.subarray(0, 16).every((b) => b === 0), "wiped");
  assert.ok(backing!.subarray(16).every((b) => b === 7), "the rest is still there");
  a.fill(1);
  assert.ok(pool.take(16).every((b) => b === 7));
  assert.is(pool.take(0).length, 0);
});

test.run();
