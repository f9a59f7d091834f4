const COLORS = ['#07c160', '#10aeff', '#fa9d3b', '#fa5151', '#6467f0'];

function page(from, n) {
  const out = [];
  for (let i = from; i < from + n; i++) out.push({ id: i + 1, title: '第 ' + (i + 1) + ' 项', sub: '来自分包 packageA', color: COLORS[i % COLORS.length] });
  return out;
}

Page({
  data: { items: [], loading: false },
  onLoad() {
    this.setData({ items: page(0, 20) });
  },
  onPullDownRefresh() {
    this.setData({ items: page(0, 20) });
    wx.stopPullDownRefresh();
  },
  onReachBottom() {
    if (this.data.loading) return;
    this.setData({ loading: true });
    setTimeout(() => {
      this.setData({ items: this.data.items.concat(page(this.data.items.length, 20)), loading: false });
    }, 200);
  },
  open(e) {
    wx.navigateTo({
      url: '../detail/detail?id=' + e.currentTarget.dataset.id,
      events: { picked: (data) => wx.showToast({ title: '选中了 ' + data.id, icon: 'none' }) },
    });
  },
});
