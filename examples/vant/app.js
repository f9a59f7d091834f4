// An example mini program built from @vant/weapp components (npm). Nothing here is
// OpenMini-specific: it is what vant's documentation shows, and runs in WeChat as well.
App({
  globalData: {},
});
