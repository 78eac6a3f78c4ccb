//! Link settings for the Node-API addon.
//!
//! * `-z nodelete` keeps the library mapped after `dlclose`: Node unloads an addon that
//!   was loaded only by worker threads when the last of them exits, and Rust's
//!   thread-local destructors would then jump into unmapped code.
//! * On macOS the `napi_*` symbols are resolved from the host process at load time.
fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    match os.as_str() {
        "linux" | "android" | "freebsd" => {
            println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
        }
        "macos" => {
            println!("cargo:rustc-cdylib-link-arg=-undefined");
            println!("cargo:rustc-cdylib-link-arg=dynamic_lookup");
        }
        _ => {}
    }
    println!("cargo:rerun-if-changed=build.rs");
}
