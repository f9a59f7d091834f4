Page({
  data: {
    version: '1.11.7',
    sections: [
      { title: 'Basics', short: 'Basics', label: 'Button, Icon, Tag, Divider, Loading', path: '/pages/basic/basic', icon: 'apps-o' },
      { title: 'Form', short: 'Form', label: 'Field, Switch, Checkbox, Radio, Stepper, Rate, Slider, Search', path: '/pages/form/form', icon: 'edit' },
      { title: 'Display', short: 'Display', label: 'Tabs, Collapse, Progress, Steps, Grid, Empty, NoticeBar', path: '/pages/display/display', icon: 'photo-o' },
      { title: 'Feedback', short: 'Feedback', label: 'Popup, Dialog, Toast, ActionSheet', path: '/pages/feedback/feedback', icon: 'comment-o' },
    ],
  },
});
