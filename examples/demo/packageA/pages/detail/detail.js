Page({
  data: { id: '' },
  onLoad(q) {
    this.setData({ id: q.id });
  },
  pick() {
    this.getOpenerEventChannel().emit('picked', { id: this.data.id });
    wx.navigateBack();
  },
});
