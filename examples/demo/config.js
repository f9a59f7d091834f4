// What the platform fills in when it deploys this demo (the seed writes this file):
// the private subscription templates the demo may ask for, and the demo's backend, if
// one runs (its origin must be one of the app's request domains).
module.exports = {
  subscribeTemplateIds: [],
  backend: '',
};
