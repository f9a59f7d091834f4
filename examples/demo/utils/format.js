// Small helpers shared by the demo's pages.
function pad(n) {
  return n < 10 ? '0' + n : '' + n;
}

function time(ms) {
  const d = new Date(ms);
  return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

function sceneName(scene) {
  const names = {
    1001: '发现栏最近使用', 1005: '顶部搜索', 1007: '单人聊天会话中的小程序消息卡片', 1008: '群聊会话中的小程序消息卡片',
    1011: '扫描二维码', 1014: '订阅消息', 1037: '小程序打开小程序', 1038: '从另一个小程序返回', 1044: '带 shareTicket 的群聊卡片',
    1047: '扫描小程序码', 1053: '搜一搜结果页', 1065: 'URL scheme', 1073: '客服消息', 1089: '下拉最近使用', 1104: '下拉我的小程序', 1286: '明文 scheme',
  };
  return names[scene] || '场景 ' + scene;
}

module.exports = { time, sceneName };
