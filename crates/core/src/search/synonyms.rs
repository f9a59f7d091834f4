//! Words people use for the same service. A query word in a group also looks for the
//! group's other words, at [`WEIGHT`] of a direct match. Brand names and their English
//! forms are better given by apps themselves (their name, description, keywords).

use std::collections::HashMap;
use std::sync::LazyLock;

/// How much a match through a synonym counts against a direct one.
pub const WEIGHT: f32 = 0.6;

const GROUPS: &[&[&str]] = &[
    &["打车", "叫车", "网约车", "出租车", "约车", "taxi", "打的"],
    &["外卖", "订餐", "点餐", "送餐", "点外卖", "叫外卖"],
    &["快递", "物流", "包裹", "寄件", "express", "courier"],
    &["快递查询", "查快递", "物流查询", "查件", "单号查询"],
    &["挂号", "预约挂号", "看病", "门诊", "hospital"],
    &["公积金", "住房公积金"],
    &["社保", "社会保险", "养老保险"],
    &["医保", "医疗保险"],
    &["电费", "交电费", "缴电费", "用电"],
    &["水费", "交水费", "自来水"],
    &["燃气", "煤气", "天然气", "燃气费"],
    &["话费", "充话费", "手机充值"],
    &["火车票", "高铁票", "动车票", "12306", "train"],
    &["机票", "飞机票", "航班", "flight", "flights"],
    &["酒店", "宾馆", "住宿", "hotel", "hotels"],
    &["电影票", "电影", "影院", "影城", "movie", "cinema"],
    &["银行", "bank"],
    &["信用卡", "credit"],
    &["学校", "大学", "school", "university"],
    &["咖啡", "coffee", "cafe"],
    &["奶茶", "茶饮", "tea"],
    &["地图", "导航", "map"],
    &["超市", "便利店", "supermarket"],
    &["招行", "招商银行"],
    &["工行", "工商银行", "icbc"],
    &["建行", "建设银行", "ccb"],
    &["农行", "农业银行"],
    &["中行", "中国银行"],
    &["交行", "交通银行"],
    &["租房", "找房", "房源", "rent"],
    &["招聘", "找工作", "求职", "job", "jobs"],
    &["健身", "运动", "gym", "fitness"],
    &["违章", "违章查询", "交通违法"],
    &["个税", "个人所得税", "tax"],
    &["买药", "药店", "送药", "pharmacy"],
    &["充电", "充电桩", "charging"],
    &["停车", "停车场", "parking"],
    &["缴费", "交费", "付费"],
];

static INDEX: LazyLock<HashMap<&'static str, usize>> =
    LazyLock::new(|| GROUPS.iter().enumerate().flat_map(|(i, g)| g.iter().map(move |w| (*w, i))).collect());

/// The other words of `word`'s group (empty when it has none). `word` is normalised
/// (lower case).
pub fn of(word: &str) -> impl Iterator<Item = &'static str> + '_ {
    INDEX.get(word).into_iter().flat_map(move |&i| GROUPS[i].iter().copied().filter(move |w| *w != word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_normalised_and_disjoint() {
        let mut seen = std::collections::HashSet::new();
        for g in GROUPS {
            for w in *g {
                assert_eq!(crate::search::query::normalize(w), *w, "{w} is not normalised");
                assert!(seen.insert(*w), "{w} is in two groups");
            }
        }
        assert!(of("叫车").any(|w| w == "打车"));
        assert_eq!(of("打车").filter(|w| *w == "打车").count(), 0);
        assert_eq!(of("咖啡馆").count(), 0);
    }
}
