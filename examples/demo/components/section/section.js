// A titled white group, like WeChat's settings lists.
Component({
  properties: {
    title: { type: String, value: '' },
    note: { type: String, value: '' },
  },
});
