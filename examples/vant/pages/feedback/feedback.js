// Toast as vant's documentation shows it: `Toast(...)` finds the page's
// `<van-toast id="van-toast" />` with selectComponent and sets its data.
import Toast from '@vant/weapp/toast/toast';

Page({
  data: {
    centre: false,
    bottom: false,
    dialog: false,
    sheet: false,
    delivery: 'none',
    actions: [
      { name: 'Courier', subname: 'tomorrow' },
      { name: 'Pick up', subname: 'today' },
      { name: 'Post', disabled: true },
      { name: 'Drone', loading: true },
    ],
    last: 'no event yet',
    history: [],
  },

  // The last event's name and detail, and the names of all so far.
  log(name, detail) {
    this.setData({ last: name + ' ' + JSON.stringify(detail), history: this.data.history.concat(name) });
  },

  showToast() {
    Toast('Saved to your drafts');
  },
  showLoadingToast() {
    Toast.loading({ message: 'Loading...', forbidClick: true, duration: 1000 });
  },
  showSuccessToast() {
    Toast.success('Done');
  },

  openDialog() {
    this.setData({ dialog: true });
  },
  onDialogConfirm() {
    this.log('dialog.confirm', null);
  },
  onDialogCancel() {
    this.log('dialog.cancel', null);
  },
  // After the dialog's leave transition: why it closed.
  onDialogClose(event) {
    this.setData({ dialog: false });
    this.log('dialog.close', event.detail);
  },

  openSheet() {
    this.setData({ sheet: true });
  },
  onSelect(event) {
    this.setData({ delivery: event.detail.name });
    this.log('action-sheet.select', event.detail);
  },
  onSheetCancel() {
    this.log('action-sheet.cancel', null);
  },
  onSheetClose() {
    this.setData({ sheet: false });
  },

  openCenter() {
    this.setData({ centre: true });
  },
  closeCenter() {
    this.setData({ centre: false });
    this.log('popup.close', 'centre');
  },
  openBottom() {
    this.setData({ bottom: true });
  },
  closeBottom() {
    this.setData({ bottom: false });
    this.log('popup.close', 'bottom');
  },
});
