Page({
  data: { nickName: '', initial: '?', profileNote: '用 wx.getUserProfile 获取', appid: '', storageKb: 0, system: '', version: '' },

  onShow() {
    const info = wx.getStorageInfoSync();
    const sys = wx.getSystemInfoSync();
    const account = wx.getAccountInfoSync();
    this.setData({
      storageKb: info.currentSize,
      appid: account.miniProgram.appId,
      version: account.miniProgram.version || '开发版',
      system: sys.model + ' · ' + sys.windowWidth + '×' + sys.windowHeight + ' · 基础库 ' + sys.SDKVersion,
    });
  },

  profile() {
    wx.getUserProfile({
      desc: '用于展示头像昵称',
      success: (res) => this.setData({ nickName: res.userInfo.nickName, initial: res.userInfo.nickName.slice(0, 1), profileNote: '已授权' }),
      fail: () => this.setData({ profileNote: '你拒绝了授权' }),
    });
  },

  openSetting() {
    wx.openSetting({});
  },

  clearStorage() {
    wx.showModal({
      title: '清除本地数据',
      content: '计数和启动次数会归零',
      success: (res) => {
        if (!res.confirm) return;
        wx.clearStorageSync();
        this.setData({ storageKb: wx.getStorageInfoSync().currentSize });
      },
    });
  },

  copy() {
    wx.setClipboardData({ data: this.data.appid });
  },

  call() {
    wx.makePhoneCall({ phoneNumber: '4000000000', fail: () => {} });
  },
});
