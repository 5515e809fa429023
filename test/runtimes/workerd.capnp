# workerd config for the runtime smoke test. runtimes.test.ts starts
#   workerd serve workerd.capnp --socket-addr http=127.0.0.1:0 --control-fd 3
# and learns the port from the control descriptor; the address below is only a loopback default.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "smoke", worker = .smokeWorker),
    # Workers may not reach private or local addresses unless their outbound service allows it;
    # this one allows loopback and nothing else, not even the public internet.
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "smoke")],
);

const smokeWorker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "smoke.mjs", esModule = embed "smoke.mjs"),
    # The browser bundle exactly as rollup built it; the path is relative to this file.
    (name = "fipstls.browser.js", esModule = embed "../../dist/fipstls.browser.js"),
  ],
  compatibilityDate = "2025-06-01",
  globalOutbound = "loopback",
);
