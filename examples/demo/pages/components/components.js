Page({
  data: {
    tapped: '点一个按钮',
    nick: '',
    date: '2024-05-01',
    cities: ['北京', '上海', '广州', '深圳'],
    cityIndex: 1,
    submitted: '',
    slides: ['#07c160', '#10aeff', '#fa9d3b'],
    slide: 0,
    chips: ['咖啡', '茶', '果汁', '牛奶', '可可', '苏打水', '矿泉水'],
    percent: 60,
    rich: '<p>富文本 <b>加粗</b> <i>斜体</i> <span style="color:#07c160">绿色</span></p>',
  },

  tapped(e) {
    this.setData({ tapped: '点了 ' + e.currentTarget.dataset.what });
  },

  dateChange(e) {
    this.setData({ date: e.detail.value });
  },

  cityChange(e) {
    this.setData({ cityIndex: Number(e.detail.value) });
  },

  swiperChange(e) {
    this.setData({ slide: e.detail.current });
  },

  submit(e) {
    this.setData({ submitted: JSON.stringify(e.detail.value) + (e.detail.formId ? ' formId ✓' : '') });
    wx.showToast({ title: '已提交' });
  },

  reset() {
    this.setData({ submitted: '' });
  },
});
