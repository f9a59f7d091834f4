//! swc's helpers (`_class_call_check`, `_interop_require_default`, `_ts_generator`, …),
//! which converted and lowered files require as `@swc/helpers/_/<name>`: each becomes a
//! module of the package, defined once however many files use it. Their sources come
//! from swc itself (the same text it would inline), so nothing third-party is copied here.

use super::transform::HELPER_PREFIX;
use swc_core::ecma::transforms::base::helpers::generated::{helper_name, HelperBitmap, ALL};

/// Whether `spec` names one of swc's helpers.
pub fn is_helper(spec: &str) -> bool {
    name_of(spec).is_some()
}

fn name_of(spec: &str) -> Option<swc_core::ecma::transforms::base::helpers::generated::HelperName> {
    helper_name(spec.strip_prefix(HELPER_PREFIX)?.strip_prefix('_')?)
}

/// The module defining helper `spec` (`@swc/helpers/_/_x`): the helper and those it
/// calls, exporting it as `_` (what the generated code reads).
pub fn module_body(spec: &str) -> Option<String> {
    let name = name_of(spec)?;
    // The helpers it needs, to a fixed point (their `deps` include themselves).
    let mut need = HelperBitmap::single(name);
    loop {
        let mut more = need;
        for h in ALL.iter().filter(|h| need.contains(h.name)) {
            more |= h.deps;
        }
        if more == need {
            break;
        }
        need = more;
    }
    let mut body = String::new();
    for h in ALL.iter().filter(|h| need.contains(h.name)) {
        body.push_str(h.source);
    }
    let local = ALL.iter().find(|h| h.name == name)?.local;
    body.push_str(&format!("exports._ = {local};\n"));
    Some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_helper_module_carries_what_it_calls() {
        assert!(is_helper("@swc/helpers/_/_class_call_check"));
        assert!(!is_helper("@swc/helpers/_/_nope") && !is_helper("lodash"));
        let body = module_body("@swc/helpers/_/_object_spread").unwrap();
        assert!(body.contains("function _object_spread(") && body.contains("function _define_property("), "{body}");
        assert!(body.ends_with("exports._ = _object_spread;\n"));
    }
}
