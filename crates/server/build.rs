//! Release builds embed `web/` and `examples/demo/` (rust-embed): rebuild when a file
//! there is added, changed or removed. Debug builds read them from disk at run time, so
//! editing the JavaScript must not cost a rebuild of this crate.
fn main() {
    if std::env::var("PROFILE").as_deref() == Ok("release") {
        println!("cargo:rerun-if-changed=../../web");
        println!("cargo:rerun-if-changed=../../examples/demo");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
