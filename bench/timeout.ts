// One bounded wait for the whole benchmark (and its adapters, which stacks.ts imports: a module
// of its own keeps the imports free of circles).

const noop = (): void => undefined;

/** Rejects after `ms` (and runs `onTimeout`) unless `p` settles first: no wait in the benchmark is unbounded. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string, onTimeout: () => void = noop): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => {
      onTimeout();
      reject(new Error(`timed out after ${ms} ms: ${what}`));
    }, ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e)),
    );
  });
}

