//! `scalewise`: the native command-line shell over `scalewise-core`.
fn main() {
    println!("scalewise {}", env!("CARGO_PKG_VERSION"));
}
