Page({
  data: {
    clicks: '',
    showTag: true,
  },

  onClick(event) {
    // data-* on the component reach the page's handler on event.currentTarget.
    const name = event.currentTarget.dataset.name;
    this.setData({ clicks: this.data.clicks ? this.data.clicks + ',' + name : name });
  },

  onCloseTag() {
    this.setData({ showTag: false });
  },
});
