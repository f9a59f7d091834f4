const config = require('./config.js');

App({
  globalData: { openid: '', launch: null, config },
  onLaunch(options) {
    this.globalData.launch = options;
    const opens = (wx.getStorageSync('opens') || 0) + 1;
    wx.setStorageSync('opens', opens);
    wx.reportEvent('demo_launch', { scene: options.scene, opens });
  },
  onShow(options) {
    this.globalData.enter = options;
  },
  onError(msg) {
    console.error('demo app error', msg);
  },
});
