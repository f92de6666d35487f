import type { Config } from '../config.js';
import { DEFAULT_ROUTE, type RouteConfig } from '../routes-file.js';
import type { Check, CheckResult } from './checks.js';

/** The settings as one route sees them: its number, channel and service desk in the single-number names. */
export function routeView(config: Config, route: RouteConfig): Config {
  const number = route.whatsapp;
  return {
    ...config,
    routes: [route],
    SLACK_CHANNEL: route.slackChannel,
    WHATSAPP_TRANSPORT: number.transport,
    ...(number.transport === 'cloud'
      ? { WHATSAPP_TOKEN: number.token, WHATSAPP_PHONE_NUMBER_ID: number.phoneNumberId, WHATSAPP_BUSINESS_ACCOUNT_ID: number.businessAccountId }
      : {}),
    JIRA_SERVICE_DESK_ID: route.jira?.serviceDeskId ?? config.JIRA_SERVICE_DESK_ID,
    JIRA_REQUEST_TYPE_ID: route.jira?.requestTypeId ?? config.JIRA_REQUEST_TYPE_ID,
  };
}

/**
 * A check of what a route names (its Slack channel, WhatsApp number, service desk), run for every
 * route of ROUTES_FILE, each result marked with its route. The single-number setup is checked as before.
 */
export function everyRoute(check: Check): Check {
  return {
    name: check.name,
    async run(config) {
      const [only] = config.routes;
      if (config.routes.length === 1 && only!.name === DEFAULT_ROUTE) return check.run(config);
      const results: CheckResult[] = [];
      for (const route of config.routes) {
        const got = await check.run(routeView(config, route));
        results.push(...(Array.isArray(got) ? got : [got]).map((r) => ({ ...r, name: `${r.name} (route ${route.name})` })));
      }
      return results;
    },
  };
}
