// The members and events tables of docs/node-options.md against the classes: every member node:tls's
// TLSSocket and Server have has a row, and each row says truly whether fipstls's class has it.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as tls from "node:tls";
import { Server, TLSSocket, optionsMarkdown } from "../src/node.js";
import { type MemberRow, SERVER_MEMBERS, TLSSOCKET_MEMBERS } from "../src/transport/node/members.js";

const t = suite("node API: members and events tables");

t("the members tables cover every member node:tls's TLSSocket and Server have, and say truly what fipstls's classes have", () => {
  const names = (table: Readonly<Record<string, MemberRow>>): [string, MemberRow][] =>
    Object.entries(table).flatMap(([k, v]) => k.split(", ").map((n) => [n.replace(/\(\)$/, ""), v] as [string, MemberRow]));
  const has = (proto: object, name: string): boolean => {
    for (let p: object | null = proto; p !== null; p = Object.getPrototypeOf(p)) if (Object.getOwnPropertyNames(p).includes(name)) return true;
    return false;
  };
  const ownMembers = (proto: object): string[] => Object.getOwnPropertyNames(proto).filter((n) => n !== "constructor" && !n.startsWith("_"));
  for (const [theirs, table, ours, instanceFields] of [
    [tls.TLSSocket.prototype, TLSSOCKET_MEMBERS, TLSSocket.prototype, ["authorized", "authorizationError", "authorizationFailure", "encrypted", "connecting"]],
    [tls.Server.prototype, SERVER_MEMBERS, Server.prototype, ["server"]],
  ] as const) {
    const rows = names(table);
    for (const name of ownMembers(theirs)) assert.ok(rows.some(([n]) => n === name), `node:tls's ${name} has a row`);
    for (const [name, r] of rows) {
      if (name === "new TLSSocket") continue;
      const present = has(ours, name) || (instanceFields as readonly string[]).includes(name);
      assert.is(present, r.status !== "absent", `${name}: ${r.status}`);
    }
  }
  assert.ok(optionsMarkdown().includes("**TLSSocket events**"));
});

t.run();
