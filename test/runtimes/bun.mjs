// Bun: its native TCP client, Bun.connect(), is callback-based, so this adapts the socket handlers to
// the {readable, writable} pair upgrade() takes, with backpressure both ways (pause/resume on read,
// partial writes plus the drain callback on write). Arguments: <port> <nonce> <CA PEM>.
import * as lib from "../../dist/fipstls.browser.js";
import { MARKER, failure, smoke } from "./smoke.mjs";

async function connectStreams(hostname, port) {
  let incoming;
  let socket = null;
  let drained = null;
  let finished = false;
  const finish = (fn) => {
    if (finished) return;
    finished = true;
    try {
      fn();
    } catch {
      // the application already cancelled the readable
    }
  };
  const readable = new ReadableStream(
    {
      start: (c) => void (incoming = c),
      pull: () => socket?.resume(),
      cancel: () => socket?.terminate(),
    },
    { highWaterMark: 8, size: () => 1 },
  );
  socket = await Bun.connect({
    hostname,
    port,
    socket: {
      binaryType: "uint8array",
      // Copied: the handler's view is not ours to keep once it returns.
      data(s, chunk) {
        if (finished) return;
        incoming.enqueue(chunk.slice());
        if (incoming.desiredSize <= 0) s.pause();
      },
      drain() {
        const d = drained;
        drained = null;
        d?.resolve();
      },
      end: () => finish(() => incoming.close()),
      close: (s, err) => {
        finish(() => (err ? incoming.error(err) : incoming.close()));
        drained?.reject(err ?? new Error("socket closed while writing"));
      },
      error: (s, err) => {
        finish(() => incoming.error(err));
        drained?.reject(err);
      },
    },
  });
  const writable = new WritableStream({
    async write(chunk) {
      // write() reports how much the kernel took; the rest waits for drain.
      for (let at = 0; at < chunk.length; ) {
        const n = socket.write(chunk.subarray(at));
        if (n < 0) throw new Error("socket is closed");
        at += n;
        if (at < chunk.length) await new Promise((resolve, reject) => (drained = { resolve, reject }));
      }
    },
    close: () => void socket.end(),
    abort: () => void socket.terminate(),
  });
  return { readable, writable };
}

const [port, nonce, caPem] = Bun.argv.slice(2);
try {
  const result = await smoke(lib, () => connectStreams("127.0.0.1", Number(port)), {
    caPem,
    nonce,
    runtime: "bun",
    version: `${Bun.version} (${Bun.revision.slice(0, 9)})`,
  });
  console.log(MARKER + JSON.stringify(result));
} catch (e) {
  console.log(MARKER + JSON.stringify(failure("bun", e)));
  process.exitCode = 1;
}
