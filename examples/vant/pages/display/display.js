Page({
  data: {
    tab: 'messages',
    open: ['what'],
    percent: 30,
    step: 1,
    steps: [
      { text: 'Order', desc: 'placed' },
      { text: 'Paid', desc: 'by card' },
      { text: 'Shipped', desc: 'on its way' },
      { text: 'Delivered', desc: 'at the door' },
    ],
    last: 'no event yet',
  },

  log(name, detail) {
    this.setData({ last: name + ' ' + JSON.stringify(detail) });
  },

  // Tabs' `change` detail: { index, name, title } of the new tab.
  onTabChange(event) {
    this.setData({ tab: event.detail.name });
    this.log('tabs.change', { index: event.detail.index, name: event.detail.name, title: event.detail.title });
  },

  // Collapse's `change` detail: the names of the open items.
  onCollapseChange(event) {
    this.setData({ open: event.detail });
    this.log('collapse.change', event.detail);
  },
  onCollapseOpen(event) {
    this.opened = event.detail;
  },
  onCollapseClose(event) {
    this.closed = event.detail;
  },

  nextStep() {
    const step = (this.data.step + 1) % this.data.steps.length;
    this.setData({ step, percent: Math.round(((step + 1) / this.data.steps.length) * 100) });
    this.log('steps.next', step);
  },
  onClickStep(event) {
    this.setData({ step: event.detail });
    this.log('steps.click-step', event.detail);
  },
});
