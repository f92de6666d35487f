import dotenv from 'dotenv';
import { parseCommand } from './cli.js';
import { checkConfig, formatResults, runChecks, storeCheck, type Check } from './doctor/checks.js';
import { jiraCheck } from './doctor/jira-check.js';
import { everyRoute } from './doctor/route-checks.js';
import { slackCheck, whatsappCheck } from './doctor/vendor-checks.js';

const USAGE = `Usage: npm run doctor   (or: node dist/doctor.js [--help])

Checks what Switchboard would start with: the settings (environment and .env in the working
directory, placeholders from .env.example included), the store, and the Slack, WhatsApp and Jira
credentials. One line per check, ✓ or ✗ with how to fix it; every check is bounded in time.
Changes nothing. Exits 0 when every check passed, 1 otherwise.

Options:
  -h, --help   print this help and exit`;

/** `npm run doctor`: one ✓/✗ line per check, with the fix for each ✗; exit 1 if any failed. */
async function doctor(): Promise<number> {
  const command = parseCommand(process.argv.slice(2), { usage: USAGE });
  if ('exitCode' in command) return command.exitCode;
  dotenv.config({ quiet: true });
  const { results: configResults, config, warnings } = checkConfig(process.env);
  const lines = [formatResults(configResults), ...warnings.map((w) => `! ${w}`)];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (!config) return 1;
  // Each route's channel, number and service desk (ROUTES_FILE), or the single number's.
  const checks: Check[] = [storeCheck, ...[slackCheck, whatsappCheck, jiraCheck].map(everyRoute)];
  const results = await runChecks(config, checks, { onResults: (got) => process.stdout.write(`${formatResults(got)}\n`) });
  return [...configResults, ...results].every((r) => r.ok) ? 0 : 1;
}

const code = await doctor();
// A check abandoned at its timeout may still hold a socket open: exit once everything is written.
process.stdout.write('', () => process.exit(code));
