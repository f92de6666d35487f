import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { formatResults, type CheckResult } from '../../src/doctor/checks.js';
import { jiraCheck } from '../../src/doctor/jira-check.js';
import { createFakeJira, type FakeJira } from '../fakes/jira.js';
import { testEnv } from '../support/env.js';

const EMAIL = 'integration@example.com';
const TOKEN = 'ATATT3xFfGF0-doctor-token';
let jira: FakeJira;

beforeAll(async () => {
  jira = await createFakeJira({
    email: EMAIL,
    apiToken: TOKEN,
    serviceDesks: [
      { id: '1', projectKey: 'SUP', name: 'Support', requestTypes: [{ id: '10', name: 'WhatsApp conversation' }, { id: '11', name: 'Report a bug', requiredFields: ['customfield_10050'] }] },
      { id: '2', projectKey: 'IT', name: 'IT Help', requestTypes: [{ id: '20', name: 'Laptop' }] },
    ],
  });
});
afterAll(() => jira.close());

async function doctor(overrides: Record<string, string> = {}): Promise<{ results: CheckResult[]; text: string }> {
  const { config } = loadConfig(
    testEnv({ JIRA_BASE_URL: jira.url, JIRA_EMAIL: EMAIL, JIRA_API_TOKEN: TOKEN, JIRA_SERVICE_DESK_ID: '1', JIRA_REQUEST_TYPE_ID: '10', JIRA_WEBHOOK_SECRET: 'whsec', ...overrides }),
  );
  const r = await jiraCheck.run(config);
  const results = Array.isArray(r) ? r : [r];
  return { results, text: formatResults(results) };
}

describe('jira doctor check', () => {
  it('says so when Jira is not configured', async () => {
    const { config } = loadConfig(testEnv());
    expect(await jiraCheck.run(config)).toEqual({ name: 'jira', ok: true, detail: 'not configured (no tickets)' });
  });

  it('passes with good credentials, desk and request type', async () => {
    const { results, text } = await doctor();
    expect(results.every((r) => r.ok)).toBe(true);
    expect(text).toContain(`✓ jira credentials: signed in to ${jira.url} as Switchboard Integration`);
    expect(text).toContain('✓ jira service desk: Support (SUP), id 1');
    expect(text).toContain('✓ jira request type: "WhatsApp conversation", id 10');
    expect(text).toContain('✓ jira request fields');
  });

  it('lists the desks when the service desk id is wrong', async () => {
    const { results, text } = await doctor({ JIRA_SERVICE_DESK_ID: '7' });
    expect(results.at(-1)).toMatchObject({ name: 'jira service desk', ok: false });
    expect(text).toContain('✗ jira service desk: no service desk with id 7; this account sees: 1 SUP "Support", 2 IT "IT Help"');
    expect(text).toContain('fix: set JIRA_SERVICE_DESK_ID');
    expect(text).not.toContain('request type');
  });

  it('lists the request types when the request type id is wrong', async () => {
    const { results, text } = await doctor({ JIRA_REQUEST_TYPE_ID: '20' });
    expect(results.at(-1)).toMatchObject({ name: 'jira request type', ok: false });
    expect(text).toContain('✗ jira request type: no request type 20 in Support (SUP); it has: 10 "WhatsApp conversation", 11 "Report a bug"');
    expect(text).toContain('fix: set JIRA_REQUEST_TYPE_ID');
  });

  it('flags a request type with required fields the bridge does not fill', async () => {
    const { text } = await doctor({ JIRA_REQUEST_TYPE_ID: '11' });
    expect(text).toContain('✗ jira request fields: the request type also requires Customfield_10050 (customfield_10050)');
  });

  it('explains rejected credentials, without the token', async () => {
    const { results, text } = await doctor({ JIRA_API_TOKEN: 'expired-token' });
    expect(results).toHaveLength(1);
    expect(text).toContain('✗ jira credentials: Jira myself failed: HTTP 401');
    expect(text).toContain('fix: JIRA_EMAIL / JIRA_API_TOKEN rejected: API tokens expire; create a new one at id.atlassian.com/manage-profile/security/api-tokens');
    expect(text).not.toContain('expired-token');
  });

  it('tells a URL that answers but is not a Jira site apart from one that cannot be reached', async () => {
    const { results, text } = await doctor({ JIRA_BASE_URL: `${jira.url}/jira` });
    expect(results).toHaveLength(1);
    expect(text).toContain('✗ jira credentials: Jira myself failed: HTTP 404');
    expect(text).toContain(`fix: ${jira.url}/jira answered, but has no Jira REST API (/rest/api/3/myself): JIRA_BASE_URL must be the site's root`);
  });

  it('explains an unreachable site', async () => {
    const { results } = await doctor({ JIRA_BASE_URL: 'http://127.0.0.1:1' });
    expect(results).toEqual([expect.objectContaining({ name: 'jira credentials', ok: false, fix: expect.stringContaining('check JIRA_BASE_URL') })]);
  });
});
