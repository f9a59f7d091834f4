//! Text into index terms, the same for documents and queries: Chinese words by jieba
//! (search mode, so `美团外卖` gives `美团`, `外卖` and the whole), English words lower
//! cased with plurals folded, Chinese character bigrams and unigrams (partial and
//! misspelt input still shares characters), and pinyin: each word's full pinyin, the
//! whole title's full pinyin and initials (`美团外卖` → `meituanwaimai`, `mtwm`), and
//! their prefixes (`mtw`, `meit`).

use jieba_rs::Jieba;
use openmini_core::search::query::normalize;
use pinyin::ToPinyin;
use std::sync::LazyLock;

static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Shortest and longest prefix indexed for pinyin and English words.
pub const PREFIX_MIN: usize = 2;
pub const PREFIX_MAX: usize = 12;

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// English plurals folded so `hotels` finds `hotel` (only ASCII words of 4+ letters).
fn fold_ascii(w: &str) -> String {
    if w.len() >= 4 && w.bytes().all(|b| b.is_ascii_lowercase()) {
        if let Some(stem) = w.strip_suffix("ies").filter(|s| s.len() >= 3) {
            return format!("{stem}y");
        }
        if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
            return w[..w.len() - 1].to_string();
        }
    }
    w.to_string()
}

/// The words of a text: jieba's search-mode words (Chinese) and alphanumeric runs,
/// normalised, without punctuation, each once, in order.
pub fn words(text: &str) -> Vec<String> {
    let text = normalize(text);
    let mut out: Vec<String> = Vec::new();
    let mut push = |w: String| {
        if !w.is_empty() && !out.contains(&w) {
            out.push(w);
        }
    };
    // `mcdonald's`, `ele.me`, `j&t`: the letters and digits joined are a word too.
    for chunk in text.split(' ').filter(|c| c.is_ascii() && c.chars().any(|ch| !ch.is_ascii_alphanumeric())) {
        let joined: String = chunk.chars().filter(|ch| ch.is_ascii_alphanumeric()).collect();
        push(fold_ascii(&joined));
    }
    for t in JIEBA.cut_for_search(&text, true) {
        let w = t.word.trim();
        if !w.chars().any(is_word_char) {
            continue;
        }
        // jieba keeps `mcdonald's` or `T3` together; split what is not a letter or digit.
        if w.chars().all(|c| is_word_char(c) || is_cjk(c)) {
            push(fold_ascii(w));
        } else {
            for part in w.split(|c: char| !is_word_char(c)).filter(|p| !p.is_empty()) {
                push(fold_ascii(part));
            }
            let joined: String = w.chars().filter(|c| is_word_char(*c)).collect();
            push(fold_ascii(&joined));
        }
    }
    out
}

/// Runs of Chinese characters in a text.
fn cjk_runs(text: &str) -> Vec<Vec<char>> {
    let mut runs = Vec::new();
    let mut cur = Vec::new();
    for c in text.chars() {
        if is_cjk(c) {
            cur.push(c);
        } else if !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

/// Adjacent pairs of Chinese characters (`公积金` → `公积`, `积金`).
pub fn bigrams(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for run in cjk_runs(text) {
        for pair in run.windows(2) {
            let b: String = pair.iter().collect();
            if !out.contains(&b) {
                out.push(b);
            }
        }
    }
    out
}

/// Single Chinese characters.
pub fn unigrams(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for run in cjk_runs(text) {
        for c in run {
            let s = c.to_string();
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// Full pinyin and initials of a text's letters: Chinese characters by their most
/// common reading, ASCII letters and digits as they are, the rest dropped.
/// (`美团外卖` → (`meituanwaimai`, `mtwm`); `T3出行` → (`t3chuxing`, `t3cx`).)
pub fn pinyin(text: &str) -> (String, String) {
    let mut full = String::new();
    let mut initials = String::new();
    for c in normalize(text).chars() {
        if c.is_ascii_alphanumeric() {
            full.push(c);
            initials.push(c);
        } else if let Some(p) = c.to_pinyin() {
            full.push_str(p.plain());
            initials.push_str(p.first_letter());
        }
    }
    (full, initials)
}

/// Pinyin terms of a title: each Chinese word's full pinyin, the whole title's full
/// pinyin and its initials.
pub fn pinyin_terms(title: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |w: String| {
        if w.len() >= PREFIX_MIN && !out.contains(&w) {
            out.push(w);
        }
    };
    for w in words(title) {
        if w.chars().any(is_cjk) {
            push(pinyin(&w).0);
        }
    }
    let (full, initials) = pinyin(title);
    push(full);
    push(initials);
    out
}

/// Prefixes ([`PREFIX_MIN`] to [`PREFIX_MAX`] characters) of the title's full pinyin,
/// its initials and each English word of the title and its context (an app's English
/// name is often in its description): what someone typing the start finds it by.
pub fn prefix_terms(title: &str, context: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let (full, initials) = pinyin(title);
    let mut sources = vec![full, initials];
    sources.extend(words(title).into_iter().filter(|w| w.is_ascii()));
    sources.extend(words(context).into_iter().filter(|w| w.is_ascii()));
    for s in sources {
        let chars: Vec<char> = s.chars().collect();
        for n in PREFIX_MIN..=chars.len().min(PREFIX_MAX) {
            let p: String = chars[..n].iter().collect();
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn chinese_and_english_words() {
        let w = words("美团外卖 Food Delivery");
        assert!(w.contains(&"外卖".to_string()), "{w:?}");
        assert!(w.contains(&"food".to_string()) && w.contains(&"delivery".to_string()), "{w:?}");
        assert!(words("Hotels，Movies!").contains(&"hotel".to_string()));
        assert!(words("McDonald's").contains(&"mcdonald".to_string()));
        assert!(words("Ele.me").contains(&"eleme".to_string()));
        assert!(words("住房公积金查询").contains(&"公积金".to_string()), "{:?}", words("住房公积金查询"));
        assert!(words("，。!?").is_empty());
    }

    #[test]
    fn grams() {
        assert_eq!(bigrams("公积金 a 查询"), ["公积", "积金", "查询"]);
        assert_eq!(unigrams("公积金"), ["公", "积", "金"]);
    }

    #[test]
    fn pinyin_of_brands() {
        assert_eq!(pinyin("美团外卖"), ("meituanwaimai".into(), "mtwm".into()));
        assert_eq!(pinyin("T3出行").1, "t3cx");
        assert!(pinyin_terms("美团外卖").contains(&"mtwm".to_string()));
        assert!(pinyin_terms("美团外卖").contains(&"waimai".to_string()));
        let p = prefix_terms("美团外卖", "");
        assert!(p.contains(&"mtw".to_string()) && p.contains(&"meit".to_string()) && !p.contains(&"m".to_string()));
        assert!(prefix_terms("星巴克", "Starbucks").contains(&"starb".to_string()));
    }

    proptest! {
        #[test]
        fn analysis_never_panics(s in "\\PC{0,60}") {
            let _ = words(&s);
            let _ = bigrams(&s);
            let _ = unigrams(&s);
            let _ = pinyin_terms(&s);
            for p in prefix_terms(&s, &s) {
                prop_assert!(p.chars().count() <= PREFIX_MAX);
            }
        }
    }
}
