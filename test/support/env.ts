/** A valid cloud-transport environment for tests; override per test. Uses Meta's example numbers. */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: 'test-signing-secret',
    SLACK_CHANNEL: 'C0123456789',
    WHATSAPP_TRANSPORT: 'cloud',
    WHATSAPP_TOKEN: 'test-graph-token',
    WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
    WHATSAPP_APP_SECRET: 'test-app-secret',
    WHATSAPP_VERIFY_TOKEN: 'test-verify-token',
    LOG_LEVEL: 'silent',
    ...overrides,
  };
}
