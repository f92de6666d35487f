/**
 * The page's only stylesheet, inlined under the CSP nonce: the page must render on an isolated
 * hospital network, so nothing is fetched from a CDN. Colours are chosen for at least 4.5:1 contrast.
 */
export const STYLES = `
:root {
  color-scheme: light;
  --bg: #f2f4f7; --surface: #ffffff; --text: #17212d; --muted: #4b5769; --border: #d6dce4;
  --brand: #0d3553; --brand-text: #ffffff; --brand-muted: #c9d8e6;
  --accent: #0a58a8; --accent-dark: #084785; --focus: #f0a30a;
  --ok-bg: #e2f3e7; --ok-fg: #14522c; --warn-bg: #fff3d1; --warn-fg: #6a4200;
  --bad-bg: #fce6e6; --bad-fg: #8a1b1b; --neutral-bg: #e6ebf1; --neutral-fg: #293949;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.skip { position: absolute; left: 1rem; top: -3rem; background: var(--surface); color: var(--accent); padding: .5rem .75rem; border-radius: .35rem; z-index: 10; }
.skip:focus { top: .5rem; }
.top { background: var(--brand); color: var(--brand-text); }
.bar, main, .foot { max-width: 72rem; margin: 0 auto; padding-left: 1.25rem; padding-right: 1.25rem; }
.bar { display: flex; align-items: center; justify-content: space-between; gap: .5rem 1rem; flex-wrap: wrap; padding-top: .8rem; padding-bottom: .8rem; }
.brand { display: flex; align-items: center; gap: .6rem; font-weight: 650; font-size: 1.05rem; margin: 0; }
.mark { display: inline-grid; place-items: center; width: 1.75rem; height: 1.75rem; border-radius: .4rem; background: var(--brand-text); color: var(--brand); font-weight: 800; }
.tag { font-weight: 500; color: var(--brand-muted); border-left: 1px solid #3d6180; padding-left: .6rem; }
.meta { margin: 0; font-size: .85rem; color: var(--brand-muted); }
main { padding-top: 1.5rem; padding-bottom: .25rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 .25rem; }
.lead { color: var(--muted); margin: 0 0 1.25rem; }
.grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); margin: 0 0 1.25rem; }
.card, .panel { background: var(--surface); border: 1px solid var(--border); border-radius: .6rem; box-shadow: 0 1px 2px rgba(16, 24, 40, .05); }
.card { padding: 1rem 1.15rem; }
.card h2 { font-size: .78rem; font-weight: 650; letter-spacing: .07em; text-transform: uppercase; color: var(--muted); margin: 0 0 .6rem; }
.value { font-size: 1.05rem; font-weight: 600; margin: .55rem 0 .1rem; overflow-wrap: anywhere; }
.note { color: var(--muted); font-size: .88rem; margin: .25rem 0 0; overflow-wrap: anywhere; }
.badge { display: inline-flex; align-items: center; gap: .45rem; padding: .15rem .65rem; border-radius: 999px; font-weight: 650; font-size: .85rem; }
.badge::before { content: ""; width: .5rem; height: .5rem; border-radius: 50%; background: currentColor; }
.ok { background: var(--ok-bg); color: var(--ok-fg); }
.warn { background: var(--warn-bg); color: var(--warn-fg); }
.bad { background: var(--bad-bg); color: var(--bad-fg); }
.neutral { background: var(--neutral-bg); color: var(--neutral-fg); }
.stats { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: .5rem; margin: 0; }
.stats dt { font-size: .8rem; color: var(--muted); }
.stats dd { margin: 0; font-size: 1.6rem; font-weight: 650; line-height: 1.2; font-variant-numeric: tabular-nums; }
.stats .alarm dd { color: var(--bad-fg); }
.stats + .note { margin-top: .6rem; }
.panel { padding: 1.25rem; margin: 0 0 1.25rem; }
.panel > h2 { font-size: 1.15rem; margin: 0 0 .75rem; }
.panel > .note { margin: -.35rem 0 .9rem; }
.panel h3 { font-size: 1rem; margin: 0 0 .4rem; }
.pair { display: grid; gap: 1.5rem; grid-template-columns: minmax(0, 17rem) minmax(0, 1fr); align-items: start; }
@media (max-width: 44rem) { .pair { grid-template-columns: minmax(0, 1fr); } }
.qr { margin: 0; width: 100%; max-width: 17rem; aspect-ratio: 1; background: #ffffff; border: 1px solid var(--border); border-radius: .5rem; padding: .35rem; }
.qr svg { display: block; width: 100%; height: 100%; }
.waiting { border-style: dashed; display: grid; place-items: center; text-align: center; color: var(--muted); font-size: .9rem; padding: 1rem; }
.steps { margin: .25rem 0 1.25rem; padding-left: 1.3rem; }
.steps li { margin: .15rem 0; }
.alert { border-left: 4px solid currentColor; border-radius: .35rem; padding: .6rem .9rem; margin: 0 0 1rem; }
.alert p { margin: 0; }
.alert strong { display: block; }
label { display: block; font-weight: 600; margin: 0 0 .15rem; }
.hint { font-size: .85rem; color: var(--muted); margin: 0 0 .45rem; }
.row { display: flex; flex-wrap: wrap; gap: .5rem; }
input { font: inherit; color: var(--text); background: var(--surface); padding: .5rem .7rem; border: 1px solid #75839a; border-radius: .4rem; flex: 1 1 12rem; max-width: 20rem; min-width: 0; }
input[aria-invalid="true"] { border-color: var(--bad-fg); }
button { font: inherit; font-weight: 650; color: #ffffff; background: var(--accent); border: 1px solid var(--accent); border-radius: .4rem; padding: .5rem 1.05rem; cursor: pointer; }
button:hover { background: var(--accent-dark); }
.code { font: 700 2.4rem/1.15 var(--mono); letter-spacing: .14em; margin: .35rem 0 .25rem; color: var(--text); }
.result { background: var(--neutral-bg); border-radius: .5rem; padding: .9rem 1.1rem; margin: 0 0 1rem; }
.scroll { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: .55rem .65rem; border-bottom: 1px solid var(--border); }
thead th { font-size: .75rem; font-weight: 650; letter-spacing: .06em; text-transform: uppercase; color: var(--muted); background: #f7f9fb; white-space: nowrap; }
tbody tr:last-child td { border-bottom: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.nowrap { white-space: nowrap; }
code, .reason { font-family: var(--mono); font-size: .82rem; }
.reason { white-space: pre-wrap; overflow-wrap: anywhere; min-width: 16rem; }
.empty { color: var(--muted); margin: 0; }
.foot { color: var(--muted); font-size: .82rem; padding-bottom: 2rem; }
`;

/** The console's pages (navigation, job and conversation cards, confirmations); same palette. */
export const CONSOLE_STYLES = `
.nav { background: #0a2c46; }
.nav ul { display: flex; flex-wrap: wrap; gap: .25rem; list-style: none; margin: 0 auto; padding: .35rem 1.25rem; max-width: 72rem; }
.nav a { display: inline-block; color: #ffffff; text-decoration: none; padding: .35rem .7rem; border-radius: .35rem; font-weight: 600; font-size: .92rem; }
.nav a:hover { background: #174566; }
.nav a[aria-current="page"] { background: #ffffff; color: var(--brand); }
.items { list-style: none; margin: 0; padding: 0; display: grid; gap: .75rem; }
.item { border: 1px solid var(--border); border-radius: .5rem; padding: .8rem .95rem; background: var(--surface); min-width: 0; }
.item h3 { margin: 0 0 .35rem; font-size: 1rem; overflow-wrap: anywhere; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(7.5rem, 1fr)); gap: .35rem 1rem; margin: 0 0 .5rem; }
.facts div { min-width: 0; }
.facts dt { font-size: .75rem; font-weight: 650; letter-spacing: .05em; text-transform: uppercase; color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.todo { background: var(--warn-bg); color: var(--warn-fg); border-radius: .35rem; padding: .45rem .65rem; margin: .4rem 0; }
.todo strong { display: block; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .6rem; align-items: center; }
.button { display: inline-block; font-weight: 650; text-decoration: none; border-radius: .4rem; padding: .45rem .95rem; border: 1px solid var(--accent); color: var(--accent); background: var(--surface); }
.button:hover { background: var(--neutral-bg); }
.button.primary, button.primary { color: #ffffff; background: var(--accent); }
.button.danger, button.danger { color: #ffffff; background: var(--bad-fg); border-color: var(--bad-fg); }
button.danger:hover { background: #6d1515; }
.search { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; margin: 0 0 1rem; }
.search div { flex: 1 1 14rem; }
.search input { max-width: none; width: 100%; }
@media (max-width: 30rem) { .panel { padding: 1rem .8rem; } .item { padding: .7rem .75rem; } }
.pager { display: flex; justify-content: space-between; gap: .5rem; margin-top: 1rem; }
`;
