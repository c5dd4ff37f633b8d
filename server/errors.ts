/** An error whose message is written for the person running the app: print it without a stack trace. */
export class StartupError extends Error {
  override name = "StartupError";
}
