//! Snapshots (insta) of what one representative page module becomes: as CommonJS with
//! its newer syntax kept (the default), and lowered to ES5 (`setting.es6`). A change to
//! either shows up as a reviewable diff of the snapshot.

use openmini_compiler::js::transform::compile;

const PAGE: &str = r#"import { request } from '../../utils/http';
import format from '../../utils/format';
const dayjs = require('dayjs');

class Store {
  items = [];
  add(item, { pinned = false } = {}) {
    this.items = pinned ? [item, ...this.items] : [...this.items, item];
    return this;
  }
}

export const store = new Store();

Page({
  data: { title: '', total: 0 },
  async onLoad({ id }) {
    const { list = [], owner } = await request(`/api/items/${id}`);
    for (const item of list) store.add(item, { pinned: item.top });
    this.setData({ title: owner?.name ?? 'nobody', total: list.length ** 1, when: format(dayjs()) });
  },
});
"#;

fn shown(lower: bool) -> String {
    let (out, diags) = compile("pages/index/index.js", PAGE, lower);
    assert!(diags.is_empty(), "{diags:?}");
    let out = out.unwrap();
    let requires: Vec<String> = out.requires.iter().map(|r| format!("{} at {:?}", r.spec, r.at)).collect();
    format!("// requires: {}\n{}", requires.join(", "), out.code)
}

#[test]
fn a_page_module_as_commonjs() {
    insta::assert_snapshot!(shown(false));
}

#[test]
fn a_page_module_lowered_to_es5() {
    insta::assert_snapshot!(shown(true));
}
