Page({
  data: {
    keyword: '',
    name: '',
    password: '',
    phone: '',
    phoneError: '',
    message: '',
    notify: true,
    agree: false,
    fruitNames: ['apple', 'banana', 'cherry'],
    fruits: ['banana'],
    size: 'M',
    quantity: 1,
    rating: 3,
    volume: 50,
    stepperEvents: '',
    last: 'no event yet',
    values: '',
  },

  onLoad() {
    this.showValues();
  },

  // The last event's name and detail, and every value: what a user of vant reads.
  log(name, detail) {
    this.setData({ last: name + ' ' + JSON.stringify(detail) });
    this.showValues();
  },

  showValues() {
    const d = this.data;
    this.setData({
      values: JSON.stringify({ name: d.name, password: d.password.length, notify: d.notify, agree: d.agree, fruits: d.fruits, size: d.size, quantity: d.quantity, rating: d.rating, volume: d.volume, keyword: d.keyword }),
    });
  },

  onSearchChange(event) {
    this.setData({ keyword: event.detail });
    this.log('search.change', event.detail);
  },
  onSearch(event) {
    this.log('search.search', event.detail);
  },
  onSearchCancel() {
    this.setData({ keyword: '' });
    this.log('search.cancel', null);
  },

  // Field's `change` detail is the value itself (vant's docs: event.detail).
  onNameChange(event) {
    this.setData({ name: event.detail });
    this.log('field.change', event.detail);
  },
  onPasswordChange(event) {
    this.setData({ password: event.detail });
    this.log('password.change', event.detail.length);
  },
  onPhoneChange(event) {
    const phone = event.detail;
    this.setData({ phone, phoneError: phone && !/^1\d{10}$/.test(phone) ? 'Not a phone number' : '' });
  },
  onMessageChange(event) {
    this.setData({ message: event.detail });
  },

  onSwitchChange({ detail }) {
    this.setData({ notify: detail });
    this.log('switch.change', detail);
  },

  onAgreeChange(event) {
    this.setData({ agree: event.detail });
    this.log('checkbox.change', event.detail);
  },
  onFruitsChange(event) {
    this.setData({ fruits: event.detail });
    this.log('checkbox-group.change', event.detail);
  },

  onSizeChange(event) {
    this.setData({ size: event.detail });
    this.log('radio-group.change', event.detail);
  },

  onQuantityChange(event) {
    this.setData({ quantity: event.detail });
    this.log('stepper.change', event.detail);
  },
  // `plus` and `minus` follow the `change` of a tap on the buttons.
  onPlus() {
    this.setData({ stepperEvents: this.data.stepperEvents + 'plus ' });
  },
  onMinus() {
    this.setData({ stepperEvents: this.data.stepperEvents + 'minus ' });
  },
  onOverlimit(event) {
    this.log('stepper.overlimit', event.detail);
  },

  onRateChange(event) {
    this.setData({ rating: event.detail });
    this.log('rate.change', event.detail);
  },

  onSliderChange(event) {
    this.setData({ volume: event.detail });
    this.log('slider.change', event.detail);
  },
});
