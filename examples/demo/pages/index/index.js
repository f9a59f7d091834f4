const { sceneName } = require('../../utils/format.js');
const app = getApp();

Page({
  data: {
    nickName: '',
    sceneName: '',
    queryText: '',
    opens: 0,
    code: '',
    openid: '',
    phoneCode: '',
    subscribeResult: '',
    count: 0,
  },

  onLoad() {
    const enter = wx.getEnterOptionsSync();
    const query = enter.query || {};
    this.setData({
      sceneName: sceneName(enter.scene),
      queryText: Object.keys(query).map((k) => k + '=' + query[k]).join('&'),
      opens: wx.getStorageSync('opens') || 0,
      count: wx.getStorageSync('count') || 0,
      openid: app.globalData.openid,
    });
  },

  onPullDownRefresh() {
    this.setData({ opens: wx.getStorageSync('opens') || 0 });
    setTimeout(() => wx.stopPullDownRefresh(), 300);
  },

  login() {
    wx.login({
      success: (res) => {
        this.setData({ code: res.code });
        const backend = app.globalData.config.backend;
        if (!backend) return;
        wx.request({
          url: backend + '/login',
          method: 'POST',
          data: { code: res.code },
          success: (r) => {
            if (r.statusCode === 200 && r.data && r.data.openid) {
              app.globalData.openid = r.data.openid;
              this.setData({ openid: r.data.openid });
            } else {
              wx.showToast({ title: '登录失败', icon: 'error' });
            }
          },
          fail: (e) => wx.showToast({ title: e.errMsg, icon: 'none' }),
        });
      },
      fail: (e) => wx.showToast({ title: e.errMsg, icon: 'none' }),
    });
  },

  onPhone(e) {
    if (e.detail.code) this.setData({ phoneCode: e.detail.code });
    else wx.showToast({ title: '未授权', icon: 'none' });
  },

  subscribe() {
    const ids = app.globalData.config.subscribeTemplateIds;
    if (!ids.length) {
      wx.showToast({ title: '没有可订阅的模板', icon: 'none' });
      return;
    }
    wx.requestSubscribeMessage({
      tmplIds: ids,
      success: (res) => {
        const accepted = ids.filter((id) => res[id] === 'accept').length;
        this.setData({ subscribeResult: accepted ? '已订阅 ' + accepted + ' 项' : '未订阅' });
      },
      fail: (e) => this.setData({ subscribeResult: e.errMsg }),
    });
  },

  inc() {
    this.setCount(this.data.count + 1);
  },

  dec() {
    this.setCount(this.data.count - 1);
  },

  setCount(n) {
    wx.setStorageSync('count', n);
    this.setData({ count: n });
  },

  toast() {
    wx.showToast({ title: '操作成功' });
  },

  modal() {
    wx.showModal({
      title: '提示',
      content: '这是一个模态对话框',
      success: (res) => wx.showToast({ title: res.confirm ? '确定' : '取消', icon: 'none' }),
    });
  },

  sheet() {
    wx.showActionSheet({
      itemList: ['选项一', '选项二', '选项三'],
      success: (res) => wx.showToast({ title: '选择了 ' + (res.tapIndex + 1), icon: 'none' }),
      fail: () => {},
    });
  },

  loading() {
    wx.showLoading({ title: '加载中' });
    setTimeout(() => wx.hideLoading(), 800);
  },

  openMessage() {
    wx.navigateTo({ url: '/pages/message/message?from=index' });
  },

  onShareAppMessage() {
    return { title: 'OpenMini 演示小程序', path: '/pages/index/index?from=share' };
  },
});
