const { sceneName } = require('../../utils/format.js');

Page({
  data: { scene: 0, sceneName: '', query: '' },
  onLoad(query) {
    const enter = wx.getEnterOptionsSync();
    this.setData({
      scene: enter.scene,
      sceneName: sceneName(enter.scene),
      query: Object.keys(query).map((k) => k + '=' + query[k]).join('&') || '（无）',
    });
  },
});
