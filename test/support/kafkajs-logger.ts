/** kafkajs's internal logger, as its modules take it, saying nothing: for tests that drive kafkajs's own files with fakes. */
export interface KafkajsLogger {
  debug(): void;
  info(): void;
  warn(): void;
  error(): void;
  namespace(): KafkajsLogger;
}

export const silentKafkajsLogger: KafkajsLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  namespace: () => silentKafkajsLogger,
};
