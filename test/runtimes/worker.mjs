// workerd: cloudflare:sockets connect() returns a socket that is already a Web Streams pair. All the
// work happens inside fetch(): workerd forbids I/O and random numbers at module top level.
// The request body is JSON: { port, nonce, caPem }; the response is the smoke result as JSON.
import { connect } from "cloudflare:sockets";
import * as lib from "./fipstls.browser.js";
import { failure, smoke } from "./smoke.mjs";

export default {
  async fetch(request) {
    try {
      const { port, nonce, caPem } = await request.json();
      let socket;
      const result = await smoke(
        lib,
        async () => {
          // Reaches 127.0.0.1 only through the "loopback" network service set as globalOutbound.
          socket = connect(`127.0.0.1:${port}`);
          await socket.opened;
          return socket;
        },
        { caPem, nonce, runtime: "workerd", version: navigator.userAgent },
      );
      await socket?.close().catch(() => undefined);
      return Response.json(result);
    } catch (e) {
      return Response.json(failure("workerd", e), { status: 500 });
    }
  },
};
