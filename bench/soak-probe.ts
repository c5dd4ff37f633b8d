// Loaded into the app server by `npm run bench:soak` only (node --expose-gc --import): answers the
// bench over the IPC channel with the memory after a full garbage collection, and writes heap
// snapshots on request. Nothing of this is in the app itself.
import v8 from "node:v8";

type Ask = { id: number; kind: "memory" } | { id: number; kind: "snapshot"; file: string };

const gc = (globalThis as { gc?: () => void }).gc;

process.on("message", (message: Ask) => {
  if (!message || typeof message !== "object" || !("kind" in message)) return;
  if (message.kind === "memory") {
    // Twice: the first pass can leave objects with finalizers for the second.
    gc?.();
    gc?.();
    const usage = process.memoryUsage();
    process.send?.({ id: message.id, usage, gc: Boolean(gc) });
  } else if (message.kind === "snapshot") {
    gc?.();
    const file = v8.writeHeapSnapshot(message.file);
    process.send?.({ id: message.id, file });
  }
});
// The IPC channel must not keep the server alive once it has stopped.
process.channel?.unref();
