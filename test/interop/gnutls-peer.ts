// GnuTLS (Debian's gnutls-bin) as an interop peer: whether it is installed, the loud skip (a failure on
// CI, where .ci/run installs it), and its command-line tools run as scoped peers.
import * as assert from "uvu/assert";
import { spawn, spawnSync } from "node:child_process";
import { Peer, type Scope } from "./peers.js";
import { skippedAtRunTime } from "../_skip.js";

export const gnutlsAvailable = spawnSync("gnutls-cli", ["--version"], { encoding: "utf8" }).status === 0;

/** True when the test must skip: GnuTLS is missing on a developer's machine (never on CI). */
export function skipWithoutGnutls(): boolean {
  if (gnutlsAvailable) return false;
  if (process.env.CI) assert.unreachable("gnutls-cli is missing on CI (Debian package gnutls-bin)");
  skippedAtRunTime("gnutls-cli is not installed (Debian: gnutls-bin)");
  return true;
}

/** gnutls-cli or gnutls-serv with `args`, killed when `scope` closes. */
export function spawnGnutls(scope: Scope, command: "gnutls-cli" | "gnutls-serv", args: readonly string[], label: string = command): Peer {
  const peer = new Peer(spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] }), label);
  scope.add(() => peer.kill());
  return peer;
}
