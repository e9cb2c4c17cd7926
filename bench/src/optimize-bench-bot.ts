// The demo's moving-average rule bot, as the default export `tradetrace optimize --bot` takes.
export { ruleBot as default } from '@tradetrace/demo';
