//! Lists the vendored GraphiQL media files (fonts, icons: content-addressed names written by
//! `assets-src/graphiql/vendor.sh`) so `assets.rs` compiles them in without naming each.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new("assets/graphiql/media");
    println!("cargo:rerun-if-changed=assets/graphiql/media");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().is_file())
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code = String::from("&[\n");
    for name in names {
        let content_type = match name.rsplit('.').next() {
            Some("woff2") => "font/woff2",
            Some("woff") => "font/woff",
            Some("ttf") => "font/ttf",
            Some("png") => "image/png",
            Some("svg") => "image/svg+xml",
            Some("gif") => "image/gif",
            _ => "application/octet-stream",
        };
        let _ = writeln!(
            code,
            "    Asset {{ path: \"graphiql/media/{name}\", content_type: \"{content_type}\", \
             bytes: include_bytes!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/assets/graphiql/media/{name}\")) }},"
        );
    }
    code.push(']');
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    if let Err(e) = std::fs::write(Path::new(&out).join("media.rs"), code) {
        println!("cargo:warning=cannot write the media list: {e}");
        std::process::exit(1);
    }
}
