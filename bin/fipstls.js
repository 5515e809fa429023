#!/usr/bin/env node
// Entry point of the `fipstls` command; the implementation is compiled from bin/cli.ts.
import { main } from "../dist/bin/cli.js";

const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
