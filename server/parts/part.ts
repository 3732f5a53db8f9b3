/** A piece of the running kiosk that the composition root starts and stops, in the order it lists them. */
export interface Part {
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

/**
 * Starts the parts in order. If one fails to start, those already started are stopped again (last
 * first) and the error is thrown on.
 */
export async function startParts(parts: readonly Part[]): Promise<void> {
  const started: Part[] = [];
  try {
    for (const part of parts) {
      await part.start();
      started.push(part);
    }
  } catch (err) {
    await stopParts(started);
    throw err;
  }
}

/** Stops the parts last first: the web before the devices, the store and its database last of all. */
export async function stopParts(parts: readonly Part[]): Promise<void> {
  for (const part of [...parts].reverse()) await part.stop();
}
