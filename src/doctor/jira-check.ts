import type { Config } from '../config.js';
import { createJiraClients, toJiraBridgeError, type Paged } from '../jira/client.js';
import type { Check, CheckResult } from './checks.js';

/**
 * Jira Service Management: the credentials (GET /rest/api/3/myself), then the service desk and the request type
 * the bridge raises requests with. A wrong id is answered with the list of right ones to copy.
 * Shapes: developer.atlassian.com/cloud/jira/service-desk/rest/api-group-servicedesk/ (service desks, request
 * types and their fields) and …/jira/platform/rest/v3/api-group-myself/.
 */

interface Desk { id?: string; projectKey?: string; projectName?: string }
interface RequestType { id?: string; name?: string }
interface Field { fieldId?: string; name?: string; required?: boolean }

/** The fields the bridge fills in when it raises a request. */
const FILLED_FIELDS = new Set(['summary', 'description']);
const MAX_PAGES = 10;

async function all<T>(fetchPage: (start: number) => Promise<Paged<T>>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0, pages = 0; pages < MAX_PAGES; pages++) {
    const page = await fetchPage(start);
    const values = page.values ?? [];
    out.push(...values);
    if (page.isLastPage !== false || values.length === 0) break;
    start += values.length;
  }
  return out;
}

export const jiraCheck: Check = {
  name: 'jira',
  async run(config: Config) {
    if (!config.jiraEnabled) return { name: 'jira', ok: true, detail: 'not configured (no tickets)' };
    const site = config.JIRA_BASE_URL!;
    const email = config.JIRA_EMAIL!;
    const apiToken = config.JIRA_API_TOKEN!;
    const deskId = config.JIRA_SERVICE_DESK_ID!;
    const typeId = config.JIRA_REQUEST_TYPE_ID!;
    const { sd, platform } = createJiraClients({ baseUrl: site, email, apiToken, timeoutMs: 10_000 });
    const bridged = (err: unknown, op: string) => toJiraBridgeError(err, op, [apiToken]);
    const results: CheckResult[] = [];

    try {
      const me = await platform.myself.getCurrentUser<{ displayName?: string; accountId?: string }>();
      results.push({ name: 'jira credentials', ok: true, detail: `signed in to ${site} as ${me.displayName ?? me.accountId ?? email}` });
    } catch (err) {
      const e = bridged(err, 'myself');
      const fix =
        e.code === 'jira_unauthorized'
          ? 'JIRA_EMAIL / JIRA_API_TOKEN rejected: API tokens expire; create a new one at id.atlassian.com/manage-profile/security/api-tokens'
          : e.code === 'jira_forbidden'
            ? `the account ${email} may not use the REST API on ${site}: check that it has Jira Service Management agent access`
            : e.code === 'jira_not_found'
              ? `${site} answered, but has no Jira REST API (/rest/api/3/myself): JIRA_BASE_URL must be the site's root, https://<site>.atlassian.net, without a path`
              : `Jira could not be reached at ${site}: check JIRA_BASE_URL (https://<site>.atlassian.net) and the network`;
      return { name: 'jira credentials', ok: false, detail: e.message, fix };
    }

    let deskName: string;
    try {
      const desk = await sd.serviceDesk.getServiceDeskById<Desk>({ serviceDeskId: deskId });
      deskName = `${desk.projectName ?? '?'} (${desk.projectKey ?? '?'})`;
      results.push({ name: 'jira service desk', ok: true, detail: `${deskName}, id ${deskId}` });
    } catch (err) {
      const e = bridged(err, 'getServiceDesk');
      if (e.code !== 'jira_not_found') return [...results, { name: 'jira service desk', ok: false, detail: e.message, fix: 'see the Jira error above' }];
      const desks = await all((start) => sd.serviceDesk.getServiceDesks<Paged<Desk>>({ start, limit: 100 })).catch(() => undefined);
      const list = desks?.map((d) => `${d.id} ${d.projectKey} "${d.projectName}"`).join(', ');
      results.push({
        name: 'jira service desk',
        ok: false,
        detail: `no service desk with id ${deskId}; ${list ? `this account sees: ${list}` : desks ? 'this account sees no service desks' : 'the list of desks could not be read'}`,
        fix: list ? 'set JIRA_SERVICE_DESK_ID to the id (first column) of the desk the bridge should use' : `make ${email} an agent of the service project, then set JIRA_SERVICE_DESK_ID`,
      });
      return results;
    }

    try {
      const type = await sd.serviceDesk.getRequestTypeById<RequestType>({ serviceDeskId: deskId, requestTypeId: Number(typeId) });
      results.push({ name: 'jira request type', ok: true, detail: `"${type.name ?? '?'}", id ${typeId}` });
    } catch (err) {
      const e = bridged(err, 'getRequestType');
      if (e.code !== 'jira_not_found' && e.code !== 'jira_bad_request') return [...results, { name: 'jira request type', ok: false, detail: e.message, fix: 'see the Jira error above' }];
      const types = await all((start) => sd.serviceDesk.getRequestTypes<Paged<RequestType>>({ serviceDeskId: deskId, start, limit: 100 })).catch(() => undefined);
      const list = types?.map((t) => `${t.id} "${t.name}"`).join(', ');
      results.push({
        name: 'jira request type',
        ok: false,
        detail: `no request type ${typeId} in ${deskName}; ${list ? `it has: ${list}` : 'its request types could not be listed'}`,
        fix: 'set JIRA_REQUEST_TYPE_ID to the id (first column) of the request type the bridge should raise',
      });
      return results;
    }

    // A request type that needs more than a summary and a description makes every createRequest fail with a 400.
    try {
      const meta = await sd.serviceDesk.getRequestTypeFields<{ requestTypeFields?: Field[] }>({ serviceDeskId: deskId, requestTypeId: Number(typeId) });
      const extra = (meta.requestTypeFields ?? []).filter((f) => f.required && f.fieldId && !FILLED_FIELDS.has(f.fieldId));
      results.push(
        extra.length === 0
          ? { name: 'jira request fields', ok: true, detail: 'summary and description are all the request type requires' }
          : {
              name: 'jira request fields',
              ok: false,
              detail: `the request type also requires ${extra.map((f) => `${f.name ?? f.fieldId} (${f.fieldId})`).join(', ')}, which the bridge does not fill in`,
              fix: 'make those fields optional in the request type (Project settings → Request types), or choose another JIRA_REQUEST_TYPE_ID',
            },
      );
    } catch (err) {
      results.push({ name: 'jira request fields', ok: false, detail: bridged(err, 'getRequestTypeFields').message, fix: 'see the Jira error above' });
    }
    return results;
  },
};
