//! A generated corpus of realistic Chinese mini programs, services, official accounts
//! and articles, with queries and the result each should find: the quality test
//! (`tests/quality.rs`, recall@5) and `openmini bench search` (1M services) use it.
//!
//! Brands are real-sounding (real names of well-known services, used as test data
//! only); services come from per-category templates; queries are made from the data
//! the way people type: names, short names, English names, pinyin initials, homophone
//! typos, partials, a brand with a service, a city with a service, and plain needs
//! (`打车`, `查快递`) whose expected answer is the most used app offering them.

use openmini_core::identity::AppKind;
use openmini_core::search::services::Service;
use openmini_core::search::store::{IndexApp, IndexArticle};

/// A service template: title, keywords, page name.
type Tpl = (&'static str, &'static [&'static str], &'static str);

const PLATFORM: &[Tpl] = &[
    ("外卖订餐", &["外卖", "点餐", "送餐", "美食"], "order"),
    ("生鲜超市", &["买菜", "生鲜", "水果"], "grocery"),
    ("买药送药", &["买药", "药店", "送药上门"], "medicine"),
    ("跑腿代购", &["跑腿", "代买", "同城配送"], "errand"),
    ("优惠券领取", &["优惠", "领券", "红包"], "coupon"),
    ("会员中心", &["会员", "积分", "权益"], "member"),
];
const FOOD: &[Tpl] = &[
    ("外送点餐", &["外卖", "点餐", "送餐"], "delivery"),
    ("到店自取", &["自取", "到店", "免排队"], "pickup"),
    ("会员中心", &["会员", "积分", "权益"], "member"),
    ("门店查询", &["门店", "附近", "地址"], "stores"),
    ("优惠券领取", &["优惠", "领券", "折扣"], "coupon"),
    ("早餐预订", &["早餐", "早点"], "breakfast"),
    ("排队取号", &["排队", "取号", "等位"], "queue"),
];
const RIDE: &[Tpl] = &[
    ("打车", &["叫车", "快车", "出租车", "taxi"], "ride"),
    ("顺风车", &["拼车", "顺路"], "carpool"),
    ("代驾", &["酒后代驾", "司机"], "driver"),
    ("专车", &["商务用车", "舒适型"], "premium"),
    ("机场接送", &["接机", "送机", "机场"], "airport"),
    ("共享单车", &["单车", "骑行", "bike"], "bike"),
    ("公交地铁乘车码", &["乘车码", "地铁", "公交"], "transit"),
];
const OTA: &[Tpl] = &[
    ("火车票预订", &["火车票", "高铁", "动车", "train"], "train"),
    ("机票预订", &["机票", "航班", "特价机票", "flight"], "flight"),
    ("酒店预订", &["订酒店", "住宿", "hotel"], "hotel"),
    ("汽车票", &["大巴", "客运", "长途汽车"], "bus"),
    ("门票景点", &["景点", "门票", "旅游"], "attractions"),
    ("退票改签", &["退票", "改签"], "refund"),
];
const TRAIN: &[Tpl] = &[
    ("火车票预订", &["火车票", "高铁", "动车", "train"], "train"),
    ("候补购票", &["候补", "抢票"], "waitlist"),
    ("退票改签", &["退票", "改签"], "refund"),
    ("正晚点查询", &["晚点", "到站", "时刻表"], "status"),
    ("铁路会员积分", &["积分", "会员"], "points"),
];
const AIRLINE: &[Tpl] = &[
    ("机票预订", &["机票", "航班", "特价机票", "flight"], "flight"),
    ("航班动态", &["航班查询", "延误", "起降"], "flightstatus"),
    ("在线值机", &["值机", "选座", "登机牌"], "checkin"),
    ("退票改签", &["退票", "改签"], "refund"),
    ("常旅客会员", &["里程", "会员"], "miles"),
];
const EXPRESS: &[Tpl] = &[
    ("快递查询", &["查快递", "物流", "单号", "tracking"], "track"),
    ("寄快递", &["寄件", "上门取件", "下单"], "send"),
    ("运费时效查询", &["运费", "价格", "时效"], "price"),
    ("网点查询", &["网点", "营业点", "附近"], "outlets"),
    ("国际快递", &["国际", "海外", "跨境"], "intl"),
    ("投诉理赔", &["投诉", "理赔", "丢件"], "claims"),
];
const HOSPITAL: &[Tpl] = &[
    ("预约挂号", &["挂号", "专家号", "门诊", "appointment"], "register"),
    ("报告查询", &["检查报告", "化验单", "检验结果"], "report"),
    ("门诊缴费", &["缴费", "看病付费", "医保支付"], "pay"),
    ("住院服务", &["住院", "押金", "床位"], "inpatient"),
    ("在线问诊", &["问诊", "医生", "咨询"], "consult"),
    ("体检预约", &["体检", "健康体检"], "checkup"),
    ("科室导航", &["科室", "楼层", "导诊"], "guide"),
];
const HEALTH: &[Tpl] = &[
    ("在线问诊", &["问诊", "看病", "医生", "咨询"], "consult"),
    ("预约挂号", &["挂号", "专家号", "医院"], "register"),
    ("买药送药", &["买药", "药店", "送药上门"], "medicine"),
    ("体检预约", &["体检", "健康体检", "套餐"], "checkup"),
    ("疫苗预约", &["疫苗", "接种", "hpv"], "vaccine"),
];
const UTILITY: &[Tpl] = &[
    ("电费缴纳", &["电费", "交电费", "用电", "electricity"], "electric"),
    ("水费缴纳", &["水费", "自来水", "用水"], "water"),
    ("燃气缴费", &["燃气", "天然气", "煤气"], "gas"),
    ("话费充值", &["话费", "充值", "手机"], "topup"),
    ("宽带办理", &["宽带", "网络", "装机"], "broadband"),
    ("故障报修", &["停电", "报修", "抢修"], "repair"),
    ("账单查询", &["账单", "用量", "余额"], "bill"),
];
const HOTEL: &[Tpl] = &[
    ("酒店预订", &["订酒店", "住宿", "客房", "hotel"], "book"),
    ("会员权益", &["会员", "积分", "升级"], "member"),
    ("我的订单", &["订单", "入住", "退房"], "orders"),
    ("发票开具", &["发票", "报销"], "invoice"),
    ("附近酒店", &["附近", "地图"], "nearby"),
];
const MOVIE: &[Tpl] = &[
    ("电影票", &["购票", "选座", "影院", "movie"], "tickets"),
    ("正在热映", &["热映", "新片", "排片"], "now"),
    ("演出票", &["演唱会", "话剧", "音乐节"], "shows"),
    ("影城会员卡", &["会员卡", "储值"], "card"),
    ("观影优惠", &["特价", "优惠"], "deals"),
];
const BANK: &[Tpl] = &[
    ("信用卡还款", &["信用卡", "还款", "账单"], "repay"),
    ("账户查询", &["余额", "明细", "转账"], "account"),
    ("网点预约", &["网点", "预约", "取号"], "branch"),
    ("理财产品", &["理财", "基金", "存款"], "wealth"),
    ("贷款申请", &["贷款", "房贷", "车贷"], "loan"),
    ("外汇牌价", &["汇率", "外汇"], "fx"),
];
const SCHOOL: &[Tpl] = &[
    ("招生信息", &["招生", "录取", "报考"], "admission"),
    ("校园卡充值", &["校园卡", "饭卡", "充值"], "card"),
    ("成绩查询", &["成绩", "分数", "考试"], "grades"),
    ("课程表", &["课表", "上课"], "timetable"),
    ("图书馆座位预约", &["图书馆", "座位", "借书"], "library"),
];
const LEARN: &[Tpl] = &[
    ("在线课程", &["网课", "直播课", "课程"], "courses"),
    ("作业辅导", &["作业", "拍照搜题", "答疑"], "homework"),
    ("英语学习", &["英语", "单词", "口语"], "english"),
    ("考试报名", &["考试", "报名", "考公"], "exams"),
];
const SHOP: &[Tpl] = &[
    ("商城首页", &["购物", "商城", "网购"], "home"),
    ("秒杀特价", &["秒杀", "特价", "折扣"], "deals"),
    ("订单物流", &["订单", "物流", "收货"], "orders"),
    ("会员积分", &["会员", "积分"], "member"),
    ("门店自提", &["自提", "门店"], "pickup"),
    ("以旧换新", &["回收", "换新"], "tradein"),
];
const HOUSE: &[Tpl] = &[
    ("二手房", &["买房", "二手房源"], "resale"),
    ("租房", &["整租", "合租", "公寓"], "rent"),
    ("新房楼盘", &["楼盘", "新房"], "new"),
    ("房价查询", &["房价", "估价"], "price"),
];
const AUTO: &[Tpl] = &[
    ("保养预约", &["保养", "维修", "4s店"], "service"),
    ("试驾预约", &["试驾", "看车"], "testdrive"),
    ("二手车估价", &["二手车", "估价", "卖车"], "used"),
    ("违章代缴", &["违章", "罚款代缴"], "fines"),
    ("汽车报价", &["报价", "车型", "口碑"], "prices"),
];
const CHARGE: &[Tpl] = &[
    ("充电桩", &["充电", "充电站", "charging"], "charging"),
    ("附近电站", &["附近", "地图"], "nearby"),
    ("充电卡充值", &["充值", "余额"], "topup"),
];
const JOBS: &[Tpl] = &[
    ("找工作", &["招聘", "职位", "求职"], "jobs"),
    ("在线简历", &["简历", "投递"], "resume"),
    ("兼职实习", &["兼职", "实习"], "parttime"),
];
const SPORT: &[Tpl] = &[
    ("健身课程预约", &["健身", "团课", "私教"], "classes"),
    ("场馆预订", &["羽毛球", "篮球", "场地"], "venues"),
    ("跑步打卡", &["跑步", "运动记录"], "running"),
    ("运动装备", &["装备", "跑鞋"], "gear"),
];
const MAP: &[Tpl] = &[
    ("地图导航", &["导航", "路线", "map"], "nav"),
    ("实时公交", &["公交", "到站", "bus"], "bus"),
    ("停车缴费", &["停车", "停车场"], "parking"),
    ("打车", &["叫车", "快车", "taxi"], "ride"),
];
const GJJ: &[Tpl] = &[
    ("公积金查询", &["余额", "缴存", "账户"], "query"),
    ("公积金提取", &["提取", "租房提取", "取公积金"], "withdraw"),
    ("公积金贷款", &["贷款", "房贷", "还款"], "loan"),
    ("缴存证明打印", &["证明", "打印"], "proof"),
];
const SHEBAO: &[Tpl] = &[
    ("社保查询", &["缴费记录", "养老保险", "参保"], "query"),
    ("社保卡办理", &["社保卡", "补卡", "挂失"], "card"),
    ("养老金资格认证", &["认证", "退休", "养老金"], "pension"),
    ("失业金申领", &["失业", "领取"], "unemployment"),
];
const YIBAO: &[Tpl] = &[
    ("医保查询", &["医保余额", "报销", "医疗保险"], "query"),
    ("医保电子凭证", &["电子凭证", "医保码"], "code"),
    ("异地就医备案", &["异地", "备案", "就医"], "remote"),
];
const JIAOJING: &[Tpl] = &[
    ("违章查询", &["违章", "罚款", "交通违法"], "violations"),
    ("驾驶证业务", &["驾驶证", "换证", "扣分"], "license"),
    ("车辆年检预约", &["年检", "车检"], "inspection"),
];

/// (name, English name, short names, templates, opens in 30 days)
type Brand = (&'static str, &'static str, &'static [&'static str], &'static [Tpl], i64);

const BRANDS: &[Brand] = &[
    ("美团外卖", "Meituan Waimai", &["美团"], PLATFORM, 900_000),
    ("饿了么", "Ele.me", &["饿了"], PLATFORM, 700_000),
    ("肯德基", "KFC", &["开封菜"], FOOD, 500_000),
    ("麦当劳", "McDonald's", &["金拱门", "mcd"], FOOD, 450_000),
    ("星巴克", "Starbucks", &["星爸爸"], FOOD, 300_000),
    ("瑞幸咖啡", "Luckin Coffee", &["瑞幸", "luckin"], FOOD, 400_000),
    ("必胜客", "Pizza Hut", &[], FOOD, 150_000),
    ("喜茶", "HEYTEA", &[], FOOD, 200_000),
    ("奈雪的茶", "Nayuki", &["奈雪"], FOOD, 120_000),
    ("蜜雪冰城", "Mixue", &["蜜雪"], FOOD, 250_000),
    ("海底捞", "Haidilao", &[], FOOD, 180_000),
    ("汉堡王", "Burger King", &[], FOOD, 90_000),
    ("达美乐比萨", "Domino's Pizza", &["达美乐"], FOOD, 60_000),
    ("德克士", "Dicos", &[], FOOD, 50_000),
    ("库迪咖啡", "Cotti Coffee", &["库迪"], FOOD, 110_000),
    ("霸王茶姬", "Chagee", &[], FOOD, 160_000),
    ("古茗", "Goodme", &[], FOOD, 90_000),
    ("茶百道", "ChaPanda", &[], FOOD, 80_000),
    ("西贝莜面村", "Xibei", &["西贝"], FOOD, 40_000),
    ("老乡鸡", "Lao Xiang Ji", &[], FOOD, 45_000),
    ("塔斯汀", "Tastien", &[], FOOD, 70_000),
    ("太二酸菜鱼", "Tai Er", &["太二"], FOOD, 30_000),
    ("叮咚买菜", "Dingdong Maicai", &["叮咚"], PLATFORM, 150_000),
    ("盒马", "Freshippo", &["盒马鲜生"], PLATFORM, 170_000),
    ("滴滴出行", "DiDi", &["滴滴", "didi"], RIDE, 900_000),
    ("高德打车", "Amap Taxi", &[], RIDE, 300_000),
    ("曹操出行", "Caocao", &["曹操专车"], RIDE, 80_000),
    ("T3出行", "T3 Go", &["t3"], RIDE, 70_000),
    ("首汽约车", "Shouqi", &["首汽"], RIDE, 30_000),
    ("花小猪打车", "Huaxiaozhu", &["花小猪"], RIDE, 60_000),
    ("嘀嗒出行", "Dida", &["嘀嗒"], RIDE, 40_000),
    ("享道出行", "Xiangdao", &[], RIDE, 15_000),
    ("哈啰", "Hello Bike", &["哈啰单车", "哈罗"], RIDE, 200_000),
    ("美团打车", "Meituan Taxi", &[], RIDE, 100_000),
    ("铁路12306", "China Railway 12306", &["12306", "铁路"], TRAIN, 950_000),
    ("携程旅行", "Trip.com", &["携程", "ctrip"], OTA, 600_000),
    ("去哪儿旅行", "Qunar", &["去哪儿"], OTA, 250_000),
    ("同程旅行", "LY.com", &["同程"], OTA, 300_000),
    ("飞猪旅行", "Fliggy", &["飞猪"], OTA, 150_000),
    ("智行火车票", "Zhixing", &["智行"], TRAIN, 80_000),
    ("航旅纵横", "Umetrip", &[], AIRLINE, 90_000),
    ("东方航空", "China Eastern", &["东航"], AIRLINE, 70_000),
    ("南方航空", "China Southern", &["南航"], AIRLINE, 75_000),
    ("中国国航", "Air China", &["国航"], AIRLINE, 65_000),
    ("春秋航空", "Spring Airlines", &["春秋"], AIRLINE, 30_000),
    ("高德地图", "Amap", &["高德"], MAP, 500_000),
    ("百度地图", "Baidu Maps", &[], MAP, 200_000),
    ("腾讯地图", "Tencent Maps", &[], MAP, 60_000),
    ("顺丰速运", "SF Express", &["顺丰", "sf"], EXPRESS, 600_000),
    ("中通快递", "ZTO Express", &["中通", "zto"], EXPRESS, 300_000),
    ("圆通速递", "YTO Express", &["圆通", "yto"], EXPRESS, 250_000),
    ("韵达快递", "Yunda Express", &["韵达"], EXPRESS, 200_000),
    ("申通快递", "STO Express", &["申通"], EXPRESS, 150_000),
    ("京东快递", "JD Logistics", &["京东物流"], EXPRESS, 280_000),
    ("中国邮政EMS", "China Post EMS", &["邮政", "ems"], EXPRESS, 220_000),
    ("极兔速递", "J&T Express", &["极兔"], EXPRESS, 120_000),
    ("德邦快递", "Deppon", &["德邦"], EXPRESS, 90_000),
    ("菜鸟裹裹", "Cainiao", &["菜鸟"], EXPRESS, 350_000),
    ("北京协和医院", "Peking Union Medical College Hospital", &["协和医院", "协和"], HOSPITAL, 120_000),
    ("四川大学华西医院", "West China Hospital", &["华西医院", "华西"], HOSPITAL, 110_000),
    ("上海瑞金医院", "Ruijin Hospital", &["瑞金医院"], HOSPITAL, 90_000),
    ("复旦大学附属中山医院", "Zhongshan Hospital Fudan", &["中山医院"], HOSPITAL, 85_000),
    ("中山大学附属第一医院", "First Affiliated Hospital SYSU", &["中山一院"], HOSPITAL, 80_000),
    ("浙大一院", "First Affiliated Hospital Zhejiang University", &["浙一"], HOSPITAL, 75_000),
    ("武汉同济医院", "Tongji Hospital", &["同济医院"], HOSPITAL, 70_000),
    ("广东省人民医院", "Guangdong Provincial People's Hospital", &["省人民医院"], HOSPITAL, 60_000),
    ("南京鼓楼医院", "Nanjing Drum Tower Hospital", &["鼓楼医院"], HOSPITAL, 50_000),
    ("湘雅医院", "Xiangya Hospital", &["湘雅"], HOSPITAL, 55_000),
    ("西京医院", "Xijing Hospital", &[], HOSPITAL, 45_000),
    ("北京儿童医院", "Beijing Children's Hospital", &["儿童医院"], HOSPITAL, 65_000),
    ("微医", "WeDoctor", &[], HEALTH, 100_000),
    ("好大夫在线", "Haodf", &["好大夫"], HEALTH, 90_000),
    ("平安好医生", "Ping An Good Doctor", &[], HEALTH, 120_000),
    ("京东健康", "JD Health", &[], HEALTH, 180_000),
    ("阿里健康", "Alibaba Health", &[], HEALTH, 130_000),
    ("叮当快药", "Dingdang", &["叮当"], HEALTH, 70_000),
    ("美年大健康", "Meinian", &["美年"], HEALTH, 40_000),
    ("爱康国宾", "iKang", &["爱康"], HEALTH, 35_000),
    ("网上国网", "State Grid Online", &["国家电网", "国网"], UTILITY, 500_000),
    ("南方电网", "China Southern Power Grid", &[], UTILITY, 200_000),
    ("中国移动", "China Mobile", &["移动", "10086"], UTILITY, 450_000),
    ("中国联通", "China Unicom", &["联通", "10010"], UTILITY, 250_000),
    ("中国电信", "China Telecom", &["电信", "10000"], UTILITY, 260_000),
    ("北京燃气", "Beijing Gas", &[], UTILITY, 60_000),
    ("华润燃气", "China Resources Gas", &[], UTILITY, 80_000),
    ("港华燃气", "Towngas", &[], UTILITY, 50_000),
    ("深圳水务", "Shenzhen Water", &[], UTILITY, 40_000),
    ("华住会", "H World", &["华住"], HOTEL, 300_000),
    ("锦江酒店", "Jinjiang Hotels", &["锦江"], HOTEL, 200_000),
    ("如家酒店", "Home Inn", &["如家"], HOTEL, 150_000),
    ("汉庭酒店", "Hanting Hotel", &["汉庭"], HOTEL, 160_000),
    ("亚朵", "Atour", &["亚朵酒店"], HOTEL, 120_000),
    ("全季酒店", "JI Hotel", &["全季"], HOTEL, 110_000),
    ("希尔顿荣誉客会", "Hilton Honors", &["希尔顿", "hilton"], HOTEL, 70_000),
    ("万豪旅享家", "Marriott Bonvoy", &["万豪", "marriott"], HOTEL, 80_000),
    ("洲际酒店", "IHG Hotels", &["洲际", "ihg"], HOTEL, 50_000),
    ("维也纳酒店", "Vienna Hotels", &["维也纳"], HOTEL, 90_000),
    ("7天酒店", "7 Days Inn", &["7天"], HOTEL, 60_000),
    ("香格里拉", "Shangri-La", &[], HOTEL, 30_000),
    ("猫眼电影", "Maoyan", &["猫眼"], MOVIE, 500_000),
    ("淘票票", "Taopiaopiao", &[], MOVIE, 350_000),
    ("万达电影", "Wanda Cinemas", &["万达影城"], MOVIE, 200_000),
    ("大地影院", "Dadi Cinema", &[], MOVIE, 60_000),
    ("CGV影城", "CGV Cinemas", &["cgv"], MOVIE, 50_000),
    ("横店电影城", "Hengdian Cinema", &["横店影城"], MOVIE, 40_000),
    ("博纳影城", "Bona Film", &["博纳"], MOVIE, 30_000),
    ("大麦", "Damai", &["大麦网"], MOVIE, 250_000),
    ("招商银行", "China Merchants Bank", &["招行", "cmb"], BANK, 600_000),
    ("工商银行", "ICBC", &["工行"], BANK, 550_000),
    ("建设银行", "China Construction Bank", &["建行"], BANK, 500_000),
    ("中国银行", "Bank of China", &["中行", "boc"], BANK, 400_000),
    ("农业银行", "Agricultural Bank of China", &["农行"], BANK, 420_000),
    ("交通银行", "Bank of Communications", &["交行", "bocom"], BANK, 250_000),
    ("浦发银行", "SPD Bank", &["浦发"], BANK, 120_000),
    ("平安银行", "Ping An Bank", &[], BANK, 180_000),
    ("中信银行", "China CITIC Bank", &["中信"], BANK, 130_000),
    ("兴业银行", "Industrial Bank", &["兴业"], BANK, 110_000),
    ("民生银行", "China Minsheng Bank", &["民生"], BANK, 100_000),
    ("光大银行", "China Everbright Bank", &["光大"], BANK, 90_000),
    ("邮储银行", "Postal Savings Bank of China", &["邮储"], BANK, 150_000),
    ("微众银行", "WeBank", &["微众"], BANK, 200_000),
    ("清华大学", "Tsinghua University", &["清华"], SCHOOL, 90_000),
    ("北京大学", "Peking University", &["北大"], SCHOOL, 95_000),
    ("复旦大学", "Fudan University", &["复旦"], SCHOOL, 70_000),
    ("浙江大学", "Zhejiang University", &["浙大"], SCHOOL, 75_000),
    ("上海交通大学", "Shanghai Jiao Tong University", &["上海交大", "sjtu"], SCHOOL, 70_000),
    ("中山大学", "Sun Yat-sen University", &["中大"], SCHOOL, 60_000),
    ("武汉大学", "Wuhan University", &["武大"], SCHOOL, 65_000),
    ("南京大学", "Nanjing University", &["南大"], SCHOOL, 55_000),
    ("四川大学", "Sichuan University", &["川大"], SCHOOL, 50_000),
    ("华中科技大学", "Huazhong University of Science and Technology", &["华科"], SCHOOL, 50_000),
    ("新东方", "New Oriental", &[], LEARN, 200_000),
    ("学而思", "Xueersi", &[], LEARN, 150_000),
    ("作业帮", "Zuoyebang", &[], LEARN, 300_000),
    ("猿辅导", "Yuanfudao", &[], LEARN, 180_000),
    ("网易有道", "Youdao", &["有道"], LEARN, 160_000),
    ("中国大学MOOC", "icourse163", &["mooc", "慕课"], LEARN, 120_000),
    ("粉笔", "Fenbi", &["粉笔公考"], LEARN, 100_000),
    ("京东购物", "JD.com", &["京东", "jd"], SHOP, 800_000),
    ("拼多多", "Pinduoduo", &["pdd"], SHOP, 850_000),
    ("唯品会", "Vipshop", &[], SHOP, 300_000),
    ("山姆会员商店", "Sam's Club", &["山姆"], SHOP, 250_000),
    ("沃尔玛", "Walmart", &[], SHOP, 150_000),
    ("永辉超市", "Yonghui Superstores", &["永辉"], SHOP, 100_000),
    ("屈臣氏", "Watsons", &[], SHOP, 120_000),
    ("优衣库", "UNIQLO", &[], SHOP, 200_000),
    ("宜家家居", "IKEA", &["宜家"], SHOP, 130_000),
    ("名创优品", "MINISO", &[], SHOP, 90_000),
    ("小米商城", "Xiaomi Store", &["小米"], SHOP, 220_000),
    ("华为商城", "Huawei Store", &["华为"], SHOP, 200_000),
    ("得物", "Dewu", &["毒"], SHOP, 260_000),
    ("当当", "Dangdang", &["当当网"], SHOP, 80_000),
    ("丝芙兰", "Sephora", &[], SHOP, 70_000),
    ("贝壳找房", "Beike", &["贝壳"], HOUSE, 300_000),
    ("链家", "Lianjia", &[], HOUSE, 200_000),
    ("安居客", "Anjuke", &[], HOUSE, 180_000),
    ("自如", "Ziroom", &[], HOUSE, 150_000),
    ("汽车之家", "Autohome", &[], AUTO, 250_000),
    ("懂车帝", "Dongchedi", &[], AUTO, 230_000),
    ("途虎养车", "Tuhu", &["途虎"], AUTO, 150_000),
    ("特斯拉", "Tesla", &[], AUTO, 120_000),
    ("蔚来", "NIO", &[], AUTO, 90_000),
    ("比亚迪汽车", "BYD Auto", &["比亚迪", "byd"], AUTO, 130_000),
    ("理想汽车", "Li Auto", &["理想"], AUTO, 80_000),
    ("特来电", "TELD", &[], CHARGE, 70_000),
    ("星星充电", "Star Charge", &[], CHARGE, 60_000),
    ("BOSS直聘", "BOSS Zhipin", &["boss"], JOBS, 400_000),
    ("智联招聘", "Zhaopin", &["智联"], JOBS, 200_000),
    ("前程无忧", "51job", &["51job"], JOBS, 150_000),
    ("猎聘", "Liepin", &[], JOBS, 100_000),
    ("58同城", "58.com", &["58"], JOBS, 250_000),
    ("Keep", "Keep", &["keep健身"], SPORT, 200_000),
    ("乐刻运动", "LeFit", &["乐刻"], SPORT, 80_000),
    ("超级猩猩", "Super Monkey", &[], SPORT, 60_000),
    ("迪卡侬", "Decathlon", &[], SPORT, 110_000),
    ("咕咚", "Codoon", &[], SPORT, 50_000),
];

/// Cities with their own public services.
const CITIES: &[(&str, &str)] = &[
    ("北京", "Beijing"),
    ("上海", "Shanghai"),
    ("广州", "Guangzhou"),
    ("深圳", "Shenzhen"),
    ("杭州", "Hangzhou"),
    ("成都", "Chengdu"),
    ("武汉", "Wuhan"),
    ("南京", "Nanjing"),
    ("西安", "Xi'an"),
    ("重庆", "Chongqing"),
    ("苏州", "Suzhou"),
    ("天津", "Tianjin"),
];

/// (name suffix, templates, English)
const CITY_APPS: &[(&str, &[Tpl], &str)] = &[
    ("住房公积金", GJJ, "Housing Provident Fund"),
    ("社保", SHEBAO, "Social Security"),
    ("医保", YIBAO, "Medical Insurance"),
    ("交警", JIAOJING, "Traffic Police"),
];

/// National public services: (name, English, short names, services, opens).
const PUBLIC: &[Brand] = &[
    (
        "个人所得税",
        "Individual Income Tax",
        &["个税"],
        &[
            ("个税年度汇算", &["汇算清缴", "退税", "申报"], "annual"),
            ("专项附加扣除", &["扣除", "房贷利息", "子女教育"], "deductions"),
            ("收入纳税明细", &["纳税记录", "收入"], "records"),
        ],
        700_000,
    ),
    (
        "交管12123",
        "Traffic Management 12123",
        &["12123"],
        &[("违章查询", &["违章", "罚款", "交通违法"], "violations"), ("驾驶证换证", &["驾驶证", "换证"], "license"), ("考试预约", &["驾考", "科目一"], "exam")],
        800_000,
    ),
    (
        "国家政务服务平台",
        "National Government Service Platform",
        &["国务院客户端"],
        &[("电子证照", &["身份证", "证照"], "licenses"), ("社保查询", &["社保", "养老保险"], "shebao"), ("公积金查询", &["公积金"], "gjj")],
        300_000,
    ),
    ("粤省事", "Yueshengshi", &[], &[("社保查询", &["社保"], "shebao"), ("公积金查询", &["公积金"], "gjj"), ("粤康码", &["健康码"], "health")], 250_000),
    ("随申办", "Suishenban", &[], &[("社保查询", &["社保"], "shebao"), ("随申码", &["健康码"], "code"), ("一网通办", &["办事", "政务"], "affairs")], 220_000),
    ("浙里办", "Zheliban", &[], &[("社保查询", &["社保"], "shebao"), ("公积金查询", &["公积金"], "gjj"), ("不动产登记", &["房产证", "不动产"], "property")], 200_000),
    ("渝快办", "Yukuaiban", &[], &[("社保查询", &["社保"], "shebao"), ("办事指南", &["政务", "办事"], "guide")], 90_000),
    ("天府通办", "Tianfu Tongban", &[], &[("社保查询", &["社保"], "shebao"), ("公积金查询", &["公积金"], "gjj")], 100_000),
];

/// Official accounts: (name, English, kind, opens).
const ACCOUNTS: &[(&str, &str, AppKind, i64)] = &[
    ("人民日报", "People's Daily", AppKind::Subscription, 800_000),
    ("新华社", "Xinhua News", AppKind::Subscription, 600_000),
    ("央视新闻", "CCTV News", AppKind::Subscription, 700_000),
    ("澎湃新闻", "The Paper", AppKind::Subscription, 300_000),
    ("丁香医生", "DXY Doctor", AppKind::Subscription, 400_000),
    ("十点读书", "Ten O'Clock Reading", AppKind::Subscription, 200_000),
    ("三联生活周刊", "Lifeweek", AppKind::Subscription, 150_000),
    ("混子曰", "Hunziyue", AppKind::Subscription, 100_000),
    ("国家税务总局", "State Taxation Administration", AppKind::Service, 250_000),
    ("招商银行信用卡", "CMB Credit Card", AppKind::Service, 500_000),
    ("中国移动10086", "China Mobile 10086", AppKind::Service, 400_000),
    ("国家电网公众号", "State Grid Service", AppKind::Service, 200_000),
    ("铁路12306客服", "12306 Service", AppKind::Service, 150_000),
    ("顺丰速运服务号", "SF Express Service", AppKind::Service, 180_000),
    ("腾讯新闻", "Tencent News", AppKind::Subscription, 350_000),
    ("中国气象局", "China Meteorological Administration", AppKind::Service, 120_000),
    ("北京发布", "Beijing Release", AppKind::Subscription, 90_000),
    ("上海发布", "Shanghai Release", AppKind::Subscription, 95_000),
    ("健康中国", "Healthy China", AppKind::Subscription, 80_000),
    ("共青团中央", "Communist Youth League", AppKind::Subscription, 110_000),
    ("36氪", "36Kr", AppKind::Subscription, 130_000),
    ("虎嗅", "Huxiu", AppKind::Subscription, 70_000),
    ("果壳", "Guokr", AppKind::Subscription, 90_000),
    ("知乎日报", "Zhihu Daily", AppKind::Subscription, 100_000),
];

/// Articles: (account, title, digest).
const ARTICLES: &[(&str, &str, &str)] = &[
    ("国家税务总局", "个税年度汇算开始了，这些操作要点请收好", "个人所得税年度汇算清缴办理指南"),
    ("国家税务总局", "专项附加扣除怎么填？一图看懂", "子女教育、住房贷款利息、赡养老人"),
    ("国家税务总局", "退税到账时间查询方法", "个税退税进度查询"),
    ("人民日报", "春运火车票今起开售，购票攻略来了", "铁路12306购票、候补、退改签指南"),
    ("人民日报", "住房公积金新政：租房提取额度提高", "多地调整公积金提取政策"),
    ("人民日报", "医保个人账户使用范围扩大", "家庭共济、门诊报销新规"),
    ("新华社", "全国统一大市场建设最新进展", "经济观察"),
    ("新华社", "高温天气如何防暑降温", "健康提示"),
    ("央视新闻", "社保卡还能这样用！这些功能你知道吗", "电子社保卡、跨省通办"),
    ("央视新闻", "快递旺季来临，如何避免丢件", "快递查询与理赔"),
    ("丁香医生", "挂号前必看：怎么选择科室", "就医指南"),
    ("丁香医生", "体检报告怎么看？这几项指标最重要", "健康体检解读"),
    ("丁香医生", "HPV疫苗该打几价？", "疫苗接种指南"),
    ("丁香医生", "发烧了该吃什么药", "家庭用药常识"),
    ("招商银行信用卡", "信用卡还款日忘了怎么办？", "还款宽限期与逾期影响"),
    ("招商银行信用卡", "境外刷卡返现活动", "出境游优惠"),
    ("中国移动10086", "话费充值优惠来了", "充值送流量"),
    ("中国移动10086", "5G套餐怎么选", "资费说明"),
    ("国家电网公众号", "夏季用电高峰，这样节约电费", "阶梯电价与节电小技巧"),
    ("国家电网公众号", "停电了怎么报修", "故障报修流程"),
    ("铁路12306客服", "候补购票成功率怎么提高", "12306候补购票说明"),
    ("铁路12306客服", "学生票优惠资质核验", "学生火车票购买"),
    ("顺丰速运服务号", "寄快递怎么更便宜", "运费时效说明"),
    ("腾讯新闻", "国产电影票房创新高", "电影市场观察"),
    ("澎湃新闻", "上海地铁新线路开通", "出行提示"),
    ("十点读书", "这十本书，值得一读再读", "阅读推荐"),
    ("三联生活周刊", "城市里的咖啡馆", "生活方式"),
    ("混子曰", "五分钟看懂中国历史朝代", "历史科普"),
    ("中国气象局", "台风最新路径预报", "天气预警"),
    ("北京发布", "北京住房公积金业务办理时间调整", "北京公积金中心公告"),
    ("上海发布", "上海社保缴费基数调整", "上海社保通知"),
    ("健康中国", "医院预约挂号新规", "实名制挂号"),
    ("36氪", "新能源汽车充电桩行业观察", "充电基础设施"),
    ("虎嗅", "外卖平台的下一个十年", "本地生活服务"),
    ("果壳", "打车软件是怎么算价格的", "科普"),
    ("知乎日报", "第一次租房要注意什么", "租房避坑指南"),
    ("共青团中央", "大学生就业招聘会信息汇总", "求职招聘"),
    ("澎湃新闻", "酒店预订退改规则有变", "消费提示"),
    ("腾讯新闻", "机票价格为何忽高忽低", "出行观察"),
    ("健康中国", "医保电子凭证怎么激活", "医保码使用指南"),
];

/// Homophones and look-alikes people type instead (one substitution makes a typo).
const TYPOS: &[(char, char)] = &[
    ('么', '吗'),
    ('圆', '园'),
    ('通', '同'),
    ('达', '大'),
    ('积', '基'),
    ('韵', '运'),
    ('瑞', '锐'),
    ('幸', '辛'),
    ('程', '成'),
    ('德', '得'),
    ('顺', '瞬'),
    ('滴', '嘀'),
    ('捞', '劳'),
    ('携', '协'),
    ('猫', '貓'),
    ('眼', '演'),
    ('邮', '油'),
    ('贝', '呗'),
    ('蜜', '密'),
    ('票', '漂'),
    ('政', '正'),
    ('医', '依'),
    ('影', '映'),
    ('胜', '圣'),
    ('京', '经'),
    ('链', '连'),
    ('酒', '久'),
    ('银', '银'),
];

fn appid(n: u64) -> String {
    // splitmix64: distinct, stable, looks random.
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    format!("wx{:016x}", z ^ (z >> 31))
}

/// What an app says about itself: its English name and the short names people use.
fn describe(en: &str, short: &[&str]) -> String {
    std::iter::once(en).chain(short.iter().copied()).collect::<Vec<_>>().join(" ")
}

fn category_of(t: &[Tpl]) -> &'static str {
    let ptr = t.as_ptr();
    let is = |x: &[Tpl]| std::ptr::eq(x.as_ptr(), ptr);
    if is(FOOD) || is(PLATFORM) {
        "food"
    } else if is(RIDE) || is(OTA) || is(TRAIN) || is(AIRLINE) || is(MAP) {
        "travel"
    } else if is(EXPRESS) {
        "express"
    } else if is(HOSPITAL) || is(HEALTH) {
        "medical"
    } else if is(UTILITY) {
        "utilities"
    } else if is(HOTEL) {
        "hotel"
    } else if is(MOVIE) {
        "entertainment"
    } else if is(BANK) {
        "finance"
    } else if is(SCHOOL) || is(LEARN) {
        "education"
    } else if is(SHOP) {
        "shopping"
    } else if is(HOUSE) {
        "realestate"
    } else if is(AUTO) || is(CHARGE) {
        "auto"
    } else if is(JOBS) {
        "jobs"
    } else if is(SPORT) {
        "sports"
    } else {
        "government"
    }
}

fn services(t: &[Tpl], category: &str) -> Vec<Service> {
    t.iter()
        .map(|(title, kws, page)| Service {
            page: format!("pages/{page}/index"),
            title: title.to_string(),
            keywords: kws.iter().map(|k| k.to_string()).collect(),
            category: category.to_string(),
        })
        .collect()
}

/// An app of the corpus and how much it is used.
#[derive(Debug, Clone)]
pub struct CorpusApp {
    pub app: IndexApp,
    pub opens: i64,
    /// Short names people use (`招行`), and the English name.
    pub aliases: Vec<String>,
    pub english: String,
}

/// A query and what should be among its first results.
#[derive(Debug, Clone)]
pub struct Case {
    pub query: String,
    pub appid: String,
    /// When set, the result must be this service of the app.
    pub page: Option<String>,
    /// What kind of query it is (the test reports recall per kind).
    pub what: &'static str,
}

#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub apps: Vec<CorpusApp>,
    pub articles: Vec<IndexArticle>,
}

impl Corpus {
    pub fn services(&self) -> usize {
        self.apps.iter().map(|a| a.app.services.len()).sum()
    }

    fn by_name(&self, name: &str) -> &CorpusApp {
        self.apps.iter().find(|a| a.app.name == name).unwrap_or_else(|| panic!("no app {name} in the corpus"))
    }
}

/// The quality corpus: about 300 mini programs with 1,000+ services, 24 official
/// accounts and their articles.
pub fn quality() -> Corpus {
    let mut c = Corpus::default();
    let mut n = 0u64;
    let mut next = || {
        n += 1;
        (n as i64, appid(n))
    };
    for (name, en, short, tpl, opens) in BRANDS {
        let (id, appid) = next();
        let app = IndexApp {
            id,
            appid,
            kind: AppKind::Miniprogram,
            name: name.to_string(),
            description: describe(en, short),
            deployed: true,
            suspended: false,
            services: services(tpl, category_of(tpl)),
            articles: Vec::new(),
        };
        c.apps.push(CorpusApp { app, opens: *opens, aliases: short.iter().map(|s| s.to_string()).collect(), english: en.to_string() });
    }
    for (ci, (city, city_en)) in CITIES.iter().enumerate() {
        for (suffix, tpl, en) in CITY_APPS {
            let (id, appid) = next();
            let name = format!("{city}{suffix}");
            let english = format!("{city_en} {en}");
            let app = IndexApp {
                id,
                appid,
                kind: AppKind::Miniprogram,
                name,
                description: english.clone(),
                deployed: true,
                suspended: false,
                services: services(tpl, "government"),
                articles: Vec::new(),
            };
            c.apps.push(CorpusApp { app, opens: 200_000 / (ci as i64 + 2), aliases: Vec::new(), english });
        }
    }
    for (name, en, short, tpl, opens) in PUBLIC {
        let (id, appid) = next();
        let app = IndexApp {
            id,
            appid,
            kind: AppKind::Miniprogram,
            name: name.to_string(),
            description: describe(en, short),
            deployed: true,
            suspended: false,
            services: services(tpl, "government"),
            articles: Vec::new(),
        };
        c.apps.push(CorpusApp { app, opens: *opens, aliases: short.iter().map(|s| s.to_string()).collect(), english: en.to_string() });
    }
    for (name, en, kind, opens) in ACCOUNTS {
        let (id, appid) = next();
        let app = IndexApp { id, appid, kind: *kind, name: name.to_string(), description: en.to_string(), deployed: false, suspended: false, services: Vec::new(), articles: Vec::new() };
        c.apps.push(CorpusApp { app, opens: *opens, aliases: Vec::new(), english: en.to_string() });
    }
    for (i, (account, title, digest)) in ARTICLES.iter().enumerate() {
        let appid = c.by_name(account).app.appid.clone();
        c.articles.push(IndexArticle { id: i as i64 + 1, appid, title: title.to_string(), digest: digest.to_string() });
    }
    c
}

/// The queries of the quality test, made from the corpus.
pub fn cases(c: &Corpus) -> Vec<Case> {
    let mut out = Vec::new();
    let mut case = |query: String, app: &CorpusApp, page: Option<&str>, what: &'static str| {
        out.push(Case { query, appid: app.app.appid.clone(), page: page.map(str::to_string), what });
    };
    let minis: Vec<&CorpusApp> = c.apps.iter().filter(|a| a.app.kind == AppKind::Miniprogram).collect();
    // Every app and account by its name.
    for a in &c.apps {
        case(a.app.name.clone(), a, None, "name");
    }
    // Short names and English names of brands.
    for a in minis.iter().take(BRANDS.len() + PUBLIC.len() + CITIES.len() * CITY_APPS.len()) {
        for s in &a.aliases {
            case(s.clone(), a, None, "short name");
        }
    }
    for a in c.apps.iter().filter(|a| !a.english.is_empty()).step_by(2) {
        case(a.english.to_lowercase(), a, None, "english");
    }
    // Pinyin initials of brand names (2 to 6 Chinese characters).
    for a in minis.iter().take(BRANDS.len()) {
        let name = &a.app.name;
        let cjk = name.chars().filter(|ch| crate::text::is_cjk(*ch)).count();
        if cjk == name.chars().count() && (2..=6).contains(&cjk) {
            case(crate::text::pinyin(name).1, a, None, "pinyin initials");
        }
    }
    // Homophone typos, one per name that has a typo-prone character.
    for a in &c.apps {
        let name = &a.app.name;
        if let Some((from, to)) = TYPOS.iter().find(|(f, t)| f != t && name.contains(*f)) {
            case(name.replacen(*from, &to.to_string(), 1), a, None, "typo");
        }
    }
    // English names with one letter dropped.
    for a in c.apps.iter().filter(|a| a.english.len() >= 6 && a.english.is_ascii()).step_by(3) {
        let first = a.english.split(' ').next().unwrap_or("");
        if first.len() >= 6 && first.chars().all(|ch| ch.is_ascii_alphabetic()) {
            let typo: String = a.english.chars().enumerate().filter(|(i, _)| *i != first.len() / 2).map(|(_, ch)| ch).collect();
            case(typo.to_lowercase(), a, None, "english typo");
        }
    }
    // A brand with one of its services: the service itself.
    for a in minis.iter().take(BRANDS.len() + PUBLIC.len()) {
        let short = a.aliases.first().unwrap_or(&a.app.name).clone();
        for s in a.app.services.iter().skip(1).step_by(3) {
            case(format!("{short} {}", s.title), a, Some(&s.page), "brand + service");
        }
    }
    // A city with a public service.
    for a in minis.iter().skip(BRANDS.len()).take(CITIES.len() * CITY_APPS.len()) {
        let city: String = a.app.name.chars().take(2).collect();
        let s = &a.app.services[1 % a.app.services.len()];
        case(format!("{city}{}", s.title), a, Some(&s.page), "city + service");
        let k = &s.keywords[0];
        case(format!("{city} {k}"), a, None, "city + keyword");
    }
    // Plain needs: the most used mini program with a service of that title should be
    // among the first.
    let needs: &[(&str, &str, &str)] = &[
        ("打车", "打车", "need"),
        ("叫车", "打车", "synonym"),
        ("taxi", "打车", "english need"),
        ("网约车", "打车", "synonym"),
        ("外卖", "外卖订餐", "need"),
        ("点外卖", "外卖订餐", "synonym"),
        ("订餐", "外卖订餐", "synonym"),
        ("快递查询", "快递查询", "need"),
        ("查快递", "快递查询", "synonym"),
        ("物流查询", "快递查询", "synonym"),
        ("寄快递", "寄快递", "need"),
        ("火车票", "火车票预订", "need"),
        ("高铁票", "火车票预订", "synonym"),
        ("train tickets", "火车票预订", "english need"),
        ("机票", "机票预订", "need"),
        ("飞机票", "机票预订", "synonym"),
        ("酒店预订", "酒店预订", "need"),
        ("订酒店", "酒店预订", "need"),
        ("hotel", "酒店预订", "english need"),
        ("电影票", "电影票", "need"),
        ("看电影", "电影票", "synonym"),
        ("movie", "电影票", "english need"),
        ("电费", "电费缴纳", "need"),
        ("交电费", "电费缴纳", "synonym"),
        ("话费充值", "话费充值", "need"),
        ("信用卡还款", "信用卡还款", "need"),
        ("个税", "个税年度汇算", "need"),
        ("退税", "个税年度汇算", "need"),
        ("违章查询", "违章查询", "need"),
        ("挂号", "预约挂号", "need"),
        ("预约挂号", "预约挂号", "need"),
        ("买药", "买药送药", "need"),
        ("公积金提取", "公积金提取", "need"),
        ("社保卡", "社保卡办理", "need"),
        ("租房", "租房", "need"),
        ("找工作", "找工作", "need"),
        ("招聘", "找工作", "synonym"),
        ("健身", "健身课程预约", "need"),
        ("地图", "地图导航", "need"),
        ("导航", "地图导航", "need"),
        ("充电桩", "充电桩", "need"),
        ("网课", "在线课程", "need"),
        ("快递", "快递查询", "need"),
        ("体检", "体检预约", "need"),
        ("疫苗", "疫苗预约", "need"),
        ("二手车", "二手车估价", "need"),
        ("演唱会", "演出票", "need"),
    ];
    for (q, title, what) in needs {
        let best = minis
            .iter()
            .filter(|a| a.app.services.iter().any(|s| s.title == *title))
            .max_by_key(|a| a.opens)
            .unwrap_or_else(|| panic!("no service {title}"));
        case(q.to_string(), best, None, what);
    }
    // Partial names: the start of a name, where that start is the most used.
    for a in minis.iter().take(BRANDS.len()) {
        let name: Vec<char> = a.app.name.chars().collect();
        if name.len() >= 4 && name.iter().all(|ch| crate::text::is_cjk(*ch)) {
            let part: String = name[..name.len() - 1].iter().collect();
            case(part, a, None, "partial");
        }
    }
    // Official accounts and articles.
    for ar in &c.articles {
        if let Some(a) = c.apps.iter().find(|a| a.app.appid == ar.appid) {
            case(ar.title.chars().take(12).collect(), a, None, "article title");
        }
    }
    out
}

/// A generated population for `openmini bench search`: `apps` mini programs of
/// `per_app` services each, names and services varied by city, district and store.
pub fn bulk(apps: usize, per_app: usize) -> impl Iterator<Item = CorpusApp> {
    const DISTRICTS: &[&str] = &[
        "朝阳", "海淀", "浦东", "徐汇", "天河", "南山", "福田", "西湖", "滨江", "武侯", "锦江", "江汉", "鼓楼", "雁塔", "渝中", "姑苏", "和平", "黄埔",
        "静安", "东城", "西城", "越秀", "罗湖", "余杭",
    ];
    const STORES: &[&str] = &["旗舰店", "中心店", "万达店", "大学城店", "火车站店", "机场店", "步行街店", "社区店", "高新店", "新区店"];
    (0..apps).map(move |i| {
        let (name, en, _, tpl, opens) = BRANDS[i % BRANDS.len()];
        let (city, city_en) = CITIES[(i / BRANDS.len()) % CITIES.len()];
        let round = i / (BRANDS.len() * CITIES.len());
        let app_name = if round == 0 { format!("{name}{city}") } else { format!("{name}{city}{round}号") };
        let category = category_of(tpl);
        let services = (0..per_app)
            .map(|j| {
                let (title, kws, page) = tpl[j % tpl.len()];
                let district = DISTRICTS[(j / tpl.len()) % DISTRICTS.len()];
                let store = STORES[(j / (tpl.len() * DISTRICTS.len())) % STORES.len()];
                Service {
                    page: format!("pages/{page}/index?s={j}"),
                    title: format!("{title} {district}{store}"),
                    keywords: kws.iter().map(|k| k.to_string()).chain([district.to_string()]).collect(),
                    category: category.to_string(),
                }
            })
            .collect();
        let app = IndexApp {
            id: i as i64 + 1,
            appid: appid(1_000_000 + i as u64),
            kind: AppKind::Miniprogram,
            name: app_name,
            description: format!("{en} {city_en}"),
            deployed: true,
            suspended: false,
            services,
            articles: Vec::new(),
        };
        CorpusApp { app, opens: opens / (1 + (i / BRANDS.len()) as i64), aliases: Vec::new(), english: en.to_string() }
    })
}

/// The query mix of `openmini bench search`: needs, brand names, brand + service,
/// city + service, pinyin initials, English, typos.
pub fn bench_queries() -> Vec<String> {
    let mut q: Vec<String> = ["外卖", "打车", "快递查询", "火车票", "酒店预订", "电影票", "信用卡还款", "电费缴纳", "预约挂号", "公积金提取", "社保查询", "租房", "找工作", "充电桩"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for (i, (name, en, short, tpl, _)) in BRANDS.iter().enumerate().step_by(7) {
        q.push(name.to_string());
        q.push(en.to_lowercase());
        q.push(crate::text::pinyin(name).1);
        if let Some(s) = short.first() {
            q.push(format!("{s} {}", tpl[i % tpl.len()].0));
        }
        let (city, _) = CITIES[i % CITIES.len()];
        q.push(format!("{city} {}", tpl[(i + 1) % tpl.len()].0));
    }
    q.extend(["饿了吗", "圆同速递", "starbuks", "mcdonalds", "mtwm", "ddcx", "meituan", "waimai"].iter().map(|s| s.to_string()));
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corpus_is_large_and_unique() {
        let c = quality();
        assert!(c.services() >= 1000, "{} services", c.services());
        let mut ids = std::collections::HashSet::new();
        for a in &c.apps {
            assert!(ids.insert(a.app.appid.clone()));
            for s in &a.app.services {
                assert!(s.title.chars().count() <= 30 && s.keywords.len() <= 10);
                assert!(openmini_core::search::services::category_id(&s.category).is_some(), "{}", s.category);
            }
        }
        assert!(cases(&c).len() >= 300);
        let b: Vec<_> = bulk(3, 250).collect();
        assert_eq!(b[2].app.services.len(), 250);
        assert!(b[2].app.services.iter().all(|s| s.title.chars().count() <= 30));
    }
}
